/**
 * A sample opened in the engine: its lazy event table (columns decoded on first use, cached on
 * disk), its final per-event weights (expression × normalisation, computed once) and the
 * statistics of the variables already summarised (app/statistics.ts computes them). `openSample` is also the validation of a
 * sample spec: every problem is a user-facing error naming the file, table or column.
 */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { SampleSpec, VariableStats } from '../../../shared/contract/data'
import type { SpecVariable } from '../../../shared/spec'
import type { ColumnCache } from '../data/column-cache'
import { EventTable } from '../data/event-table'
import { InputError } from '../io/errors'
import { silentContext, type JobContext } from '../jobs/context'
import type { SampleFacts } from '../store/samples'
import { baseColumns } from '../select/derived'
import {
  type CheckedWeight,
  checkWeight,
  normalisationScale,
  rawWeights,
  scaledWeights,
  sumWeights,
} from './weights'

export class LoadedSample {
  private weightsCache: Float64Array | null = null
  private readonly stats = new Map<string, VariableStats>()
  /** Variables whose column could not be decoded, and why (not retried). */
  private readonly failed = new Map<string, string>()

  constructor(
    private currentSpec: SampleSpec,
    readonly table: EventTable,
    readonly facts: SampleFacts,
    /** Factor applied to every raw weight. */
    readonly scale: number,
    /** Raw weights, dropped once the final weights exist. */
    private raw: Float64Array | null,
  ) {}

  get spec(): SampleSpec {
    return this.currentSpec
  }

  /**
   * Whether `spec` reads the same events with the same weights (only name, role, group or
   * colour differ), so the opened sample, its decoded columns and statistics stay valid.
   */
  sameEvents(spec: SampleSpec): boolean {
    const data = (s: SampleSpec) =>
      JSON.stringify([s.files, s.table, s.weight, s.normalisation, s.missing])
    return data(spec) === data(this.currentSpec)
  }

  /** Takes a new name, role, group or colour (`sameEvents(spec)` must hold). */
  relabel(spec: SampleSpec): void {
    if (!this.sameEvents(spec)) throw new Error('relabel: the events or weights differ')
    this.currentSpec = spec
  }

  /** Final per-event weights (length entries), normalisation included. */
  weights(): Float64Array {
    if (!this.weightsCache) {
      this.weightsCache = scaledWeights(this.raw, this.scale, this.table.entries)
      this.raw = null
    }
    return this.weightsCache
  }

  /** Σw after normalisation. */
  get yield(): number {
    return this.facts.rawSumWeights * this.scale
  }

  /** Bytes held in memory: decoded columns and weights. */
  memoryBytes(): number {
    return (
      this.table.memoryBytes() + (this.weightsCache?.byteLength ?? 0) + (this.raw?.byteLength ?? 0)
    )
  }

  /**
   * Keeps the statistics of a variable (a file column by its name, a derived variable or model
   * output under derived-columns.ts derivedKey), computed by the statistics use case.
   */
  keepStats(key: string, stats: VariableStats): void {
    this.stats.set(key, stats)
  }

  /** The statistics computed so far, without computing any. */
  knownStats(name: string): VariableStats | undefined {
    return this.stats.get(name)
  }

  /** Why a variable could not be summarised, if it could not. */
  failedStats(name: string): string | undefined {
    return this.failed.get(name)
  }

  markFailed(name: string, reason: string): void {
    this.failed.set(name, reason)
  }

  /** Frees decoded columns (weights stay: they are small and needed by every plot). */
  release(): void {
    this.table.release()
  }
}

async function checkReadable(file: string): Promise<void> {
  try {
    const s = await stat(file)
    if (!s.isFile()) throw new InputError({ file }, 'not a file')
    await access(file, constants.R_OK)
  } catch (e) {
    if (e instanceof InputError) throw e
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(
      { file },
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'not readable (permission denied)'
          : String(e),
    )
  }
}

/** A sample whose files, table and weight expression passed the quick checks. */
export interface CheckedSample {
  readonly spec: SampleSpec
  readonly table: EventTable
  readonly weight: CheckedWeight | null
}

/**
 * The quick checks (file headers only, nothing decoded): files exist and are readable, the table
 * is in every file, the weight expression names existing columns or derived `variables` (the
 * project's) and gives one value per event.
 * Throws InputError / WeightError naming the file, table or column.
 */
export async function checkSample(
  spec: SampleSpec,
  cache: ColumnCache | undefined,
  ctx: JobContext = silentContext(),
  variables: readonly SpecVariable[] = [],
): Promise<CheckedSample> {
  for (const f of spec.files) await checkReadable(f)
  const table = await EventTable.open(
    { files: spec.files, table: spec.table, missing: spec.missing },
    { cache, ctx },
  )
  const where = { file: spec.files[0], table: spec.table }
  const weight = checkWeight(spec.weight, table, where, variables)
  return { spec, table, weight }
}

/**
 * The long part: hashes every file (for the column cache), evaluates the weight expression over
 * every event and works out the normalisation. Reports progress through `ctx`.
 */
export async function loadSample(
  c: CheckedSample,
  cache: ColumnCache | undefined,
  ctx: JobContext = silentContext(),
): Promise<LoadedSample> {
  const { spec, table, weight } = c
  const hashes: string[] = []
  if (cache)
    for (const [i, f] of spec.files.entries()) {
      ctx.progress(i / (spec.files.length + 1), `checking ${f}`)
      hashes.push(await cache.fileHash(f))
    }
  ctx.progress(spec.files.length / (spec.files.length + 1), 'summing the weights')
  const raw = await rawWeights(weight, table, ctx)
  const rawSum = sumWeights(raw, table.entries)
  const scale = normalisationScale(spec.normalisation, rawSum)
  const facts: SampleFacts = {
    entries: table.entries,
    rawSumWeights: rawSum,
    columns: table.columns.length,
    hashes,
  }
  // The weight columns were decoded only to compute the weights; free them.
  if (weight)
    for (const name of baseColumns(weight.expr.columns, weight.variables?.checked ?? new Map()))
      table.release(name)
  return new LoadedSample(spec, table, facts, scale, raw)
}

/** Checks and loads a sample (both steps above); `variables`: the project's derived variables. */
export async function openSample(
  spec: SampleSpec,
  cache: ColumnCache | undefined,
  ctx: JobContext = silentContext(),
  variables: readonly SpecVariable[] = [],
): Promise<LoadedSample> {
  return loadSample(await checkSample(spec, cache, ctx, variables), cache, ctx)
}
