/**
 * The event source port (DESIGN.md §10): everything a use case reads — the samples (role,
 * group, colour, weight expression × normalisation, missing-value marker), the derived
 * variables and applied models, the regions, and each sample's events as numbered partitions.
 * Two adapters implement it: the project (services/project-source.ts) and an analysis spec
 * (app/spec-source.ts). Use cases see only this interface, never which one they have.
 */
import type { Normalisation } from '../../../shared/contract/data'
import { check, type CheckedExpr } from '../../../shared/expr'
import type { SpecRegion, SpecVariable } from '../../../shared/spec'
import type { JobContext } from '../jobs/context'
import type { PreparedSample, SampleRole } from '../select/cutflow'
import { SpecError } from '../select/spec-error'
import {
  baseColumns,
  derivedLayer,
  type CheckedVariables,
  type ComputedVariable,
} from '../select/derived'
import type { ColumnProvider } from '../select/provider'
import type { Partition, PartitionOptions } from './partition'
import type { SourceDescription } from './source-description'
import type { TaskExecutor } from './task'

/** A sample as a use case sees it (no files: those are the adapter's business). */
export interface SourceSample {
  readonly name: string
  readonly role: SampleRole
  /** Process group; the sample's name when it has none (never ''). */
  readonly group: string
  readonly colour?: string
  /** Weight expression per event; '' for unit weights. */
  readonly weight: string
  /** Factor applied to every weight (none, a plain factor, or σ × L / Σ generator weights). */
  readonly normalisation: Normalisation
  /** Value read as NaN in every column; null: none. */
  readonly missing: number | null
}

/** The derived variables of the source and the model outputs applied to it. */
export interface SourceVariables {
  readonly variables: readonly SpecVariable[]
  readonly computed: readonly ComputedVariable[]
}

/** The events of one partition: the file columns asked for and the final weights. */
export interface PartitionEvents {
  /** The asked file columns over the partition's events (derived variables not included). */
  readonly data: ColumnProvider
  /** Weight expression × normalisation per event, or one weight for every event. */
  readonly weights: Float64Array | number
  /**
   * Hands the partition's arrays back to the source for its next read (io/array-pool.ts): call
   * it when done with the events, and only if nothing kept holds them (a column, a view, the
   * weights). Absent: nothing to give back.
   */
  readonly release?: () => void
}

/** How a partition is read. */
export interface ReadOptions {
  /**
   * Read only the partition's entries from the files and keep nothing decoded once the
   * partition is done (training on more events than memory holds); by default an adapter may
   * decode and keep more (the project keeps a sample's whole columns for the next request).
   */
  readonly stream?: boolean
}

/** A column the sample's files hold but that cannot be read as numbers, and why. */
export interface UnreadableColumn {
  readonly name: string
  readonly reason: string
}

/** One sample opened for reading: its columns known, derived variables checked against them. */
export interface OpenedSample {
  /** Position in samples(). */
  readonly index: number
  readonly sample: SourceSample
  /** "in sample 'Zmumu' (…)", for messages. */
  readonly context: string
  /** Derived variables and model outputs checked against this sample's columns. */
  readonly variables: CheckedVariables
  /**
   * Checks an expression against the sample's columns and variables. `role` ('a cut', 'a
   * weight') requires one value per event; without it lists are allowed. `path`: where the
   * expression is in the source's description (a spec's JSON path; [] for a typed one). Throws
   * the adapter's user-facing error (ExprError or SpecError) naming the expression.
   */
  check(expr: string, path: readonly (string | number)[], role?: string): CheckedExpr
  /** Columns the files hold that no expression can read (text, or missing from some file). */
  readonly unreadable: readonly UnreadableColumn[]
  /**
   * The sample's partitions, numbered from 0 in chain order; the same on every call. With
   * `options`, a plan cut as they say instead of the source's own (streaming under a budget).
   */
  partitions(options?: PartitionOptions): Promise<readonly Partition[]>
  /** File columns `columns` (and what the weight needs) of one partition only. */
  read(
    partition: Partition,
    columns: readonly string[],
    ctx: JobContext,
    options?: ReadOptions,
  ): Promise<PartitionEvents>
  /** Frees what reading held in memory (an adapter with a shared cache may keep it). */
  release(): void
}

export interface EventSource {
  /** What the source is, for messages: "the spec", "the project". */
  readonly what: string
  samples(): readonly SourceSample[]
  variables(): SourceVariables
  regions(): readonly SpecRegion[]
  /** Opens sample `index` (nothing decoded). Throws the adapter's error for unreadable files. */
  open(index: number, ctx: JobContext): Promise<OpenedSample>
  /**
   * How to open this source again in a worker thread or process; absent: its passes run in
   * this process only (an executor is then ignored).
   */
  readonly description?: SourceDescription
  /**
   * Where its passes over partitions run: a worker-thread pool, a cluster. Absent: in this
   * process, one partition after the other (the live source's own reads, no task round trip).
   * Every executor gives the same answer to the last bit (partials merged in partition order).
   */
  readonly executor?: TaskExecutor
  /**
   * The memory budget of its passes (bytes, app/memory-budget.ts): partitions are sized from
   * it and the columns a pass reads. Absent: the source's own plan (at most 2^20 entries).
   */
  readonly memory?: number
}

/** `source` with its passes run on `executor` (undefined: in this process). */
export function runOn(source: EventSource, executor: TaskExecutor | undefined): EventSource {
  return { ...source, executor }
}

/** `source` with its passes sized under `memory` bytes (undefined: the source's own plan). */
export function withMemory(source: EventSource, memory: number | undefined): EventSource {
  return { ...source, memory }
}

/** The file columns that `exprs` read, through derived variables and model outputs. */
export function fileColumns(opened: OpenedSample, exprs: readonly CheckedExpr[]): string[] {
  const names = new Set<string>()
  for (const e of exprs) for (const c of e.columns) names.add(c)
  const { checked, computed } = opened.variables
  return baseColumns(names, checked, computed)
}

/** A partition's events as the selection engine takes them (derived variables on demand). */
export function preparePartition(opened: OpenedSample, events: PartitionEvents): PreparedSample {
  const { checked, computed } = opened.variables
  return {
    name: opened.sample.name,
    role: opened.sample.role,
    group: opened.sample.group,
    data: events.data,
    derive: checked.size || computed.size ? derivedLayer(opened.variables) : undefined,
    variables: opened.variables,
    weights: events.weights,
  }
}

/**
 * What a use case takes the values of: an expression (`Muon_pt * 2`), or a column — a file
 * column, derived variable or model output — by its name, which need not be a valid expression
 * (`branch.leaf`, a CSV header with spaces): the explorer addresses variables by name.
 */
export type ValueOf = { readonly expr: string } | { readonly column: string }

/** The text of a ValueOf, for results and messages. */
export function valueText(v: ValueOf): string {
  return 'column' in v ? v.column : v.expr
}

/**
 * `value` checked for one opened sample (lists allowed). A column by name is resolved to that
 * column (a file column first, then a derived variable or model output of that name); a name
 * the sample lacks is a SpecError "in sample 'S': no variable 'name'" (or why the sample cannot
 * compute that derived variable).
 */
export function checkValue(opened: OpenedSample, value: ValueOf): CheckedExpr {
  if (!('column' in value)) return opened.check(value.expr, [])
  const name = value.column
  if (!opened.variables.symbols.has(name)) {
    const why = opened.variables.failed.get(name)
    throw why ?? new SpecError([], `${opened.context}: no variable '${name}'`)
  }
  // A name node of the whole text: the compiler reads the column by name, whatever its spelling.
  const r = check(
    name,
    { type: 'name', name, start: 0, end: name.length },
    opened.variables.symbols,
  )
  if (!r.ok) throw r.error
  return r.value
}

/** Opens the sample named `name`; a SpecError naming the source's samples when there is none. */
export async function openByName(
  source: EventSource,
  name: string,
  ctx: JobContext,
): Promise<OpenedSample> {
  const all = source.samples()
  const index = all.findIndex((s) => s.name === name)
  if (index < 0) {
    const list = all.map((s) => `'${s.name}'`).join(', ') || 'none'
    throw new SpecError([], `no sample '${name}' in ${source.what} (samples: ${list})`)
  }
  return source.open(index, ctx)
}
