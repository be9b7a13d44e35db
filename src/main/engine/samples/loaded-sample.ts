/**
 * A sample opened in the engine: its lazy event table (columns decoded on first use, cached on
 * disk), its final per-event weights (expression × normalisation: of a range when a pass reads
 * partitions out of core, of every event when a pass holds whole columns) and the
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
import type { Lease } from '../io/array-pool'
import type { EntryRange } from '../io/schema'
import { locateRanges } from '../io/source'
import {
  bareWeight,
  type CheckedWeight,
  checkWeight,
  normalisationScale,
  rawWeights,
  scaledWeights,
  weightColumns,
  weightsOf,
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
    /** The checked weight expression; null: unit weights. */
    private readonly weight: CheckedWeight | null,
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

  /**
   * Final per-event weights (length entries), normalisation included, kept for the next pass
   * (8 bytes per event: for passes that hold the sample's columns whole anyway).
   */
  async weights(ctx: JobContext = silentContext()): Promise<Float64Array> {
    if (!this.weightsCache) {
      const raw = await rawWeights(this.weight, this.table, ctx)
      this.weightsCache = scaledWeights(raw, this.scale, this.table.entries)
      // The weight columns were decoded only to compute the weights; free them.
      if (this.weight) for (const name of weightColumns(this.weight)) this.table.release(name)
    }
    return this.weightsCache
  }

  /**
   * Final weights of entries `range` of file `fileIndex` only, nothing kept (out-of-core
   * passes): from the weights held when they are, else from the range of the weight columns.
   */
  async rangeWeights(
    fileIndex: number,
    range: EntryRange,
    ctx: JobContext = silentContext(),
    /** Where the arrays come from, reused between partitions (io/array-pool.ts); default new. */
    lease?: Lease | null,
  ): Promise<Float64Array> {
    const n = range.stop - range.start
    if (this.weightsCache) {
      const at = this.table.fileEntries.slice(0, fileIndex).reduce((s, x) => s + x, 0)
      return this.weightsCache.subarray(at + range.start, at + range.stop)
    }
    if (!this.weight)
      return (lease ? (lease.alloc('float64', n) as Float64Array) : new Float64Array(n)).fill(
        this.scale,
      )
    const cols = await this.table.loadRange(
      weightColumns(this.weight),
      fileIndex,
      range,
      ctx,
      lease,
    )
    // A weight that is one float64 column, unscaled (the usual ntuple weight): that column's
    // array as it was read, not a copy (a pass only reads its weights).
    const { expr, variables } = this.weight
    const derived = () => variables !== null
    const bare = this.scale === 1 ? bareWeight(expr, derived, (c) => cols.get(c), n) : null
    if (bare) return bare
    // Every array a lease hands out is its own (a weight column the pass also reads included).
    const out = lease ? (lease.alloc('float64', n) as Float64Array) : undefined
    const w = weightsOf(this.weight, cols, n, out)
    if (this.scale !== 1) for (let i = 0; i < n; i++) w[i] *= this.scale
    return w
  }

  /** Σw after normalisation. */
  get yield(): number {
    return this.facts.rawSumWeights * this.scale
  }

  /** Bytes held in memory: decoded columns and weights. */
  memoryBytes(): number {
    return this.table.memoryBytes() + (this.weightsCache?.byteLength ?? 0)
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
  const rawSum = weight ? await sumRawWeights(weight, table, spec.files, ctx) : table.entries
  const scale = normalisationScale(spec.normalisation, rawSum)
  const facts: SampleFacts = {
    entries: table.entries,
    rawSumWeights: rawSum,
    columns: table.columns.length,
    hashes,
  }
  return new LoadedSample(spec, table, facts, scale, weight)
}

/** Events per piece of the Σ-weights pass: a few MB per weight column. */
const SUM_ENTRIES = 1 << 20

/**
 * Σ raw weights (NaN left out) over every event, piece by piece (nothing held but a piece's
 * weight columns), summed in event order: the same double as summing the whole array.
 */
async function sumRawWeights(
  weight: CheckedWeight,
  table: EventTable,
  files: readonly string[],
  ctx: JobContext,
): Promise<number> {
  const names = weightColumns(weight)
  let sum = 0
  for (const [fileIndex, entries] of table.fileEntries.entries()) {
    const pieces: EntryRange[] = []
    for (let start = 0; start < entries; start += SUM_ENTRIES)
      pieces.push({ start, stop: Math.min(entries, start + SUM_ENTRIES) })
    for (const range of await locateRanges(files[fileIndex], pieces, ctx)) {
      ctx.throwIfCancelled()
      const cols = await table.loadRange(names, fileIndex, range, ctx)
      const w = weightsOf(weight, cols, range.stop - range.start)
      for (let i = 0; i < w.length; i++) if (w[i] === w[i]) sum += w[i]
    }
  }
  return sum
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
