/**
 * Background events streamed from the sample files for megaset training: each sample's chain
 * read in entry ranges (a range never straddles two files), the region's cuts applied and the
 * inputs evaluated per range (ml/build-dataset.ts selectEvents on a range), then the same
 * missing-value policy, split and training weights as anomalyTrainingData (data.ts) — the
 * statistics those need (training means, weight sums) gathered in a first pass over the files.
 * The split is per event from its global index (split.ts), so chunking changes nothing.
 */
import type { AnomalySetup } from '../../../../shared/contract/anomaly'
import type { CheckedExpr } from '../../../../shared/expr'
import { readEntryRange } from '../../data/entry-range'
import { silentContext, type JobContext } from '../../jobs/context'
import { CutCompiler } from '../../select/cut-compiler'
import { columnProvider, type ColumnProvider } from '../../select/provider'
import type { ResolvedCut } from '../../select/regions'
import { selectEvents, type SelectedEvents } from '../build-dataset'
import { PART } from '../dataset'
import type { EventChunk, EventChunks } from './megaset'
import { backgroundPart } from './split'

/** A background sample as streaming reads it: its file chain, what to read, how to select. */
export interface RangedSample {
  readonly name: string
  /** Files of the chain in order, with their entries. */
  readonly files: readonly { readonly path: string; readonly entries: number }[]
  /** The table read in each file ('' for CSV / Parquet). */
  readonly table: string
  /** The sample's missing-value marker, read as NaN (data/missing-values.ts); null: none. */
  readonly missing: number | null
  /** File columns the inputs and cuts read (through derived variables). */
  readonly columns: readonly string[]
  /** Adds derived variables to a range's columns; absent: none. */
  readonly derive?: (batch: ColumnProvider) => ColumnProvider
  /** Final per-event weights over the whole chain, or one weight for every event. */
  readonly weights: Float64Array | number
  /** Inputs and cuts checked against this sample. */
  readonly inputs: readonly CheckedExpr[]
  readonly cuts: readonly ResolvedCut[]
}

/** Entries [start, stop) of file `file` of sample `sample`; `offset`: the file's first entry in the chain. */
interface Place {
  readonly sample: number
  readonly file: number
  readonly offset: number
  readonly start: number
  readonly stop: number
}

/** The entry ranges of at most `chunkEntries` entries of a sample's chain. */
function rangesOf(s: RangedSample, chunkEntries: number, sample = 0): Place[] {
  const step = Math.max(1, Math.floor(chunkEntries))
  const out: Place[] = []
  let offset = 0
  s.files.forEach((f, file) => {
    for (let start = 0; start < f.entries; start += step)
      out.push({ sample, file, offset, start, stop: Math.min(f.entries, start + step) })
    offset += f.entries
  })
  return out
}

/** The selected events of one range of a sample (cuts applied, inputs evaluated). */
async function selectRange(
  s: RangedSample,
  p: Place,
  compiler: CutCompiler,
  ctx: JobContext,
  role: 'signal' | 'background' = 'background',
): Promise<SelectedEvents> {
  ctx.throwIfCancelled()
  const n = p.stop - p.start
  const read = await readEntryRange(s.files[p.file].path, s.table, s.columns, s.missing, p, ctx)
  const weights =
    typeof s.weights === 'number'
      ? s.weights
      : s.weights.subarray(p.offset + p.start, p.offset + p.stop)
  const prepared = {
    name: s.name,
    role,
    group: s.name,
    data: columnProvider(read, n),
    derive: s.derive,
    weights,
  }
  return selectEvents(prepared, role, s.inputs, s.cuts, compiler)
}

/** Every selected event of a sample, read range by range (signal samples for scoring). */
export async function readSelected(
  s: RangedSample,
  role: 'signal' | 'background',
  chunkEntries: number,
  ctx: JobContext = silentContext(),
): Promise<SelectedEvents> {
  const compiler = new CutCompiler()
  const parts: SelectedEvents[] = []
  for (const p of rangesOf(s, chunkEntries))
    parts.push(await selectRange(s, p, compiler, ctx, role))
  const concat = (arrays: Float64Array[]) => {
    const out = new Float64Array(arrays.reduce((a, v) => a + v.length, 0))
    let o = 0
    for (const a of arrays) {
      out.set(a, o)
      o += a.length
    }
    return out
  }
  return {
    name: s.name,
    role,
    columns: s.inputs.map((_, j) => concat(parts.map((p) => p.columns[j]))),
    weight: concat(parts.map((p) => p.weight)),
  }
}

/** Not a part the trainer reads: an event dropped for a missing input value. */
const DROPPED = 255

export interface FileChunks {
  readonly chunks: EventChunks
  /** Selected background events (before dropping any for missing values). */
  readonly selected: number
  /** Per input, the mean of its defined values over the background training events. */
  readonly means: readonly number[]
  readonly warnings: string[]
}

/**
 * The background events of `samples` in chunks of at most `chunkEntries` file entries (before
 * cuts), with the set-up's missing values, split and weights. Reads every file once here (the
 * first pass). Throws naming the sample when an input cannot be evaluated.
 */
export async function fileChunks(
  samples: readonly RangedSample[],
  setup: Pick<AnomalySetup, 'inputs' | 'weights' | 'split' | 'missing'>,
  chunkEntries: number,
  ctx: JobContext = silentContext(),
): Promise<FileChunks> {
  const d = setup.inputs.length
  const places = samples.flatMap((s, sample) => rangesOf(s, chunkEntries, sample))
  const compiler = new CutCompiler()
  const select = (p: Place) => selectRange(samples[p.sample], p, compiler, ctx)

  const sentinels = new Set(setup.missing.values)
  const missing = (v: number) => !Number.isFinite(v) || sentinels.has(v)
  const drop = setup.missing.policy === 'drop'
  const ignoreNegative = setup.weights.negative === 'ignore'
  const { seed, validation } = setup.split

  // First pass: global index of each chunk's first event, training means, weight sums.
  const first = new Float64Array(places.length + 1)
  const defined = new Float64Array(d)
  const definedCount = new Float64Array(d)
  const absent = new Float64Array(d)
  let dropped = 0
  let negative = false
  let trainSum = 0
  let trainCount = 0
  for (const [k, p] of places.entries()) {
    ctx.progress(k / places.length, `reading ${samples[p.sample].name} (first pass)`)
    const sel = await select(p)
    const m = sel.weight.length
    for (let i = 0; i < m; i++) {
      const isMissing = sel.columns.some((c) => missing(c[i]))
      if (drop && isMissing) {
        dropped++
        continue
      }
      if (sel.weight[i] < 0) negative = true
      if (backgroundPart(seed, validation, first[k] + i) !== PART.train) {
        for (let j = 0; j < d; j++) if (missing(sel.columns[j][i])) absent[j]++
        continue
      }
      trainCount++
      trainSum += ignoreNegative && sel.weight[i] < 0 ? 0 : sel.weight[i]
      for (let j = 0; j < d; j++) {
        const v = sel.columns[j][i]
        if (missing(v)) absent[j]++
        else {
          defined[j] += v
          definedCount[j]++
        }
      }
    }
    first[k + 1] = first[k] + m
  }
  const selected = first[places.length]
  const means = Array.from(defined, (v, j) => (definedCount[j] ? v / definedCount[j] : 0))
  const warnings: string[] = []
  if (dropped) warnings.push(`${dropped} events with a missing input value were left out`)
  samples.forEach((s, si) => {
    const mine = places.flatMap((p, k) => (p.sample === si ? [first[k + 1] - first[k]] : []))
    if (!mine.some((v) => v > 0))
      warnings.push(`background sample '${s.name}' has no events after the cuts`)
  })
  absent.forEach((a, j) => {
    if (a)
      warnings.push(
        `input '${setup.inputs[j]}': ${a} missing values (${((100 * a) / (selected - dropped)).toFixed(1)}%) replaced by the background training mean ${means[j].toPrecision(4)}`,
      )
  })
  if (negative)
    warnings.push(
      ignoreNegative
        ? 'events with negative weights get weight 0 in training (kept in evaluation)'
        : 'some events have negative weights; they enter the training loss as they are',
    )
  // As trainingWeights (build-dataset.ts) for the background class: numevents makes Σ w over
  // the training part the event count; equalsum targets the signal's training count, 0 here.
  const target = setup.weights.norm === 'numevents' ? trainCount : 0
  const factor = setup.weights.norm === 'none' || trainSum === 0 ? 1 : target / trainSum

  return {
    selected,
    means,
    warnings,
    chunks: {
      inputs: [...setup.inputs],
      count: places.length,
      async read(k): Promise<EventChunk> {
        const sel = await select(places[k])
        const n = sel.weight.length
        const x = new Float64Array(n * d)
        const w = new Float64Array(n)
        const part = new Uint8Array(n)
        for (let i = 0; i < n; i++) {
          let isMissing = false
          for (let j = 0; j < d; j++) {
            const v = sel.columns[j][i]
            if (missing(v)) {
              isMissing = true
              x[i * d + j] = means[j]
            } else x[i * d + j] = v
          }
          const raw = sel.weight[i]
          w[i] = (ignoreNegative && raw < 0 ? 0 : raw) * factor
          part[i] = drop && isMissing ? DROPPED : backgroundPart(seed, validation, first[k] + i)
        }
        return { x, w, part, n, weight: sel.weight, sample: places[k].sample }
      },
    },
  }
}
