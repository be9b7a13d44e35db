/**
 * Background events streamed from the sample files for megaset training: each sample's chain
 * read in chunks (a chunk never straddles two files) with the region's cuts applied and the
 * inputs evaluated (app/training-set.ts streamedChunks), then the same
 * missing-value policy, split and training weights as anomalyTrainingData (data.ts) — the
 * statistics those need (training means, weight sums) gathered in a first pass over the files.
 * The split is per event from its global index (split.ts), so chunking changes nothing.
 */
import type { AnomalySetup } from '../../../../shared/contract/anomaly'
import { silentContext, type JobContext } from '../../jobs/context'
import type { SelectedChunks } from '../streaming'
import { PART } from '../dataset'
import type { EventChunk, EventChunks } from './megaset'
import { backgroundPart } from './split'

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
 * The background events of `source`'s chunks with the set-up's missing values, split and
 * weights. Reads every chunk once here (the first pass). Throws naming the sample when an
 * input cannot be evaluated.
 */
export async function fileChunks(
  source: SelectedChunks,
  setup: Pick<AnomalySetup, 'inputs' | 'weights' | 'split' | 'missing'>,
  ctx: JobContext = silentContext(),
): Promise<FileChunks> {
  const d = setup.inputs.length
  const places = Array.from({ length: source.count }, (_, k) => ({ sample: source.sampleOf(k) }))
  const select = (k: number) => source.select(k, ctx)

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
    ctx.progress(k / places.length, `reading ${source.samples[p.sample]} (first pass)`)
    const sel = await select(k)
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
  source.samples.forEach((name, si) => {
    const mine = places.flatMap((p, k) => (p.sample === si ? [first[k + 1] - first[k]] : []))
    if (!mine.some((v) => v > 0))
      warnings.push(`background sample '${name}' has no events after the cuts`)
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
        const sel = await select(k)
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
