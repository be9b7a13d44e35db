/**
 * A classifier's training set streamed from chunks (issue 13): the rows assembleTrainingData
 * (build-dataset.ts) would hold, handed out chunk by chunk instead, with the same split, the
 * same missing-value means and the same training weights — so a streamed training selects the
 * very events an in-memory one does.
 *
 * The split is assembleTrainingData's running stream over the kept events (one or two draws
 * per event, in sample and chain order); a first pass over the chunks, in order, runs it and
 * keeps the generator's state at each chunk's start (Random.state), so reading chunk k again
 * draws its events' parts again without the events before it (partition-rows.ts, the rows
 * out-of-core Fisher and cuts read too). The same pass sums what the
 * set-up needs (training means, per-class training Σw, counts, expected yields, the warnings);
 * events are summed in the order memory sums them, so those numbers are bit-identical.
 */
import type { TrainSetup } from '../../../shared/contract/train'
import { Random } from '../data/random'
import type { JobContext } from '../jobs/context'
import {
  checkPartCounts,
  classFactors,
  imputedMessage,
  negativeWeightsMessage,
  lowestValues,
  type SelectedEvents,
  sentinelMessage,
} from './build-dataset'
import { PART } from './dataset'
import { addTo } from './pair-sum'
import { missingTest, partitionRows, trainingWeight } from './partition-rows'
import { type Preprocessing, preprocessingFrom } from './preprocess'
import { drawPart } from './split-stream'
import { eachChunk, type SelectedChunks } from './streaming'

/** One chunk's events as TrainingData holds them (its part of the rows). */
export interface ChunkRows {
  readonly n: number
  /** Inputs, row-major n × d, missing values handled as the set-up says. */
  readonly x: Float64Array
  /** 1 signal, 0 background. */
  readonly y: Uint8Array
  /** Training weights (normalisation and negative-weight choice applied). */
  readonly w: Float64Array
  /** Physical weights. */
  readonly weight: Float64Array
  /** PART of each event. */
  readonly part: Uint8Array
  /** Index of the chunk's sample in `samples`. */
  readonly sample: number
}

export type SetSetup = Pick<TrainSetup, 'inputs' | 'weights' | 'split' | 'missing'>

export interface StreamedSet {
  readonly inputs: readonly string[]
  readonly d: number
  readonly samples: readonly { name: string; role: 'signal' | 'background' }[]
  /** Chunks (the files' partitions). */
  readonly count: number
  /** Events of chunk k in `part` (all parts when absent). */
  rows(k: number, part?: number): number
  /** Events per class and PART. */
  readonly counts: { readonly signal: readonly number[]; readonly background: readonly number[] }
  /** Σ physical weights of all selected signal (background) events. */
  readonly expected: { readonly s: number; readonly b: number }
  /** Mean of each input's defined values over the training events (replaces a missing one). */
  readonly means: readonly number[]
  /** Per input, [lo, hi] of its values over every event (missing ones handled). */
  readonly ranges: readonly { lo: number; hi: number }[]
  readonly warnings: readonly string[]
  /** Chunk k's sample. */
  sampleOf(k: number): number
  /** Reads chunks `ks` and hands each one's rows to `visit`, in increasing k. */
  each(
    ks: readonly number[],
    visit: (k: number, rows: ChunkRows) => void,
    ctx: JobContext,
  ): Promise<void>
}

/** All chunk indices 0 … count − 1. */
export const allChunks = (set: { count: number }): number[] =>
  Array.from({ length: set.count }, (_, k) => k)

/**
 * The training set of `chunks` under `setup`: one pass over every chunk (see the file comment).
 * Throws a TrainingDataError as assembleTrainingData does (no events of a class, none to train).
 */
export async function streamedTrainingSet(
  chunks: SelectedChunks,
  setup: SetSetup,
  ctx: JobContext,
): Promise<StreamedSet> {
  const d = setup.inputs.length
  const missing = missingTest(setup)
  const drop = setup.missing.policy === 'drop'
  const rng = new Random(setup.split.seed)
  const states: number[][] = new Array(chunks.count)
  const perPart = new Float64Array(chunks.count * 3)
  const roles: ('signal' | 'background')[] = chunks.samples.map(() => 'background')
  const counts = { signal: [0, 0, 0], background: [0, 0, 0] }
  const expected = [0, 0]
  const trainSum = [0, 0]
  const defSum = new Float64Array(2 * d) // pair sums (pair-sum.ts), as trainingMeans
  const defCount = new Float64Array(d)
  const absent = new Float64Array(d)
  const lo = new Float64Array(d).fill(Infinity)
  const hi = new Float64Array(d).fill(-Infinity)
  const atMin = new Float64Array(d)
  const next = new Float64Array(d).fill(Infinity)
  const least = { min: lo, atMin, next }
  let dropped = 0
  let negative = false
  let n = 0

  ctx.progress(0, 'streaming the training set: first pass')
  await eachChunk(
    chunks,
    Array.from({ length: chunks.count }, (_, k) => k),
    (k, sel) => {
      states[k] = rng.state()
      const c = sel.role === 'signal' ? 1 : 0
      roles[chunks.sampleOf(k)] = sel.role
      const m = sel.weight.length
      for (let i = 0; i < m; i++) {
        if (drop && sel.columns.some((col) => missing(col[i]))) {
          dropped++
          continue
        }
        n++
        const part = drawPart(rng, setup.split)
        perPart[k * 3 + part]++
        ;(c ? counts.signal : counts.background)[part]++
        const raw = sel.weight[i]
        expected[c] += raw
        if (raw < 0) negative = true
        if (part === PART.train) trainSum[c] += trainingWeight(raw, c, setup, [1, 1])
        for (let j = 0; j < d; j++) {
          const v = sel.columns[j][i]
          if (missing(v)) {
            absent[j]++
            continue
          }
          if (part === PART.train) {
            addTo(defSum, 2 * j, v)
            defCount[j]++
          }
          lowestValues(least, j, v, 1)
          if (v > hi[j]) hi[j] = v
        }
      }
    },
    ctx,
  )

  const warnings: string[] = []
  if (dropped) warnings.push(`${dropped} events with a missing input value were left out`)
  checkPartCounts(counts)
  setup.inputs.forEach((input, j) => {
    const min = lo[j]
    const hint = sentinelMessage(min, atMin[j], next[j], n)
    if (hint) warnings.push(`input '${input}': ${hint}`)
  })
  const means = Array.from(defCount, (c, j) => (c ? (defSum[2 * j] + defSum[2 * j + 1]) / c : 0))
  if (!drop)
    setup.inputs.forEach((input, j) => {
      if (!absent[j]) return
      warnings.push(imputedMessage(input, absent[j], n, means[j]))
      lo[j] = Math.min(lo[j], means[j])
      hi[j] = Math.max(hi[j], means[j])
    })
  setup.inputs.forEach((input, j) => {
    if (lo[j] === hi[j]) warnings.push(`input '${input}' is constant (${lo[j]}): it cannot help`)
  })
  if (negative) warnings.push(negativeWeightsMessage(setup.weights.negative))
  const factor = classFactors(
    trainSum,
    [counts.background[PART.train], counts.signal[PART.train]],
    setup.weights.norm,
  )

  /** Chunk k's rows from its selected events (partition-rows.ts), the parts drawn again. */
  const rowsOf = (k: number, sel: SelectedEvents): ChunkRows => {
    const rows = partitionRows(sel, setup, states[k], means)
    const m = perPart[k * 3] + perPart[k * 3 + 1] + perPart[k * 3 + 2]
    if (rows.n !== m)
      throw new Error(`chunk ${k} changed since it was first read (${rows.n} events, ${m} before)`)
    const w = rows.weight.map((v, i) => trainingWeight(v, rows.y[i], setup, factor))
    const { n, x, y, weight, part } = rows
    return { n, x, y, w, weight, part, sample: chunks.sampleOf(k) }
  }

  return {
    inputs: [...setup.inputs],
    d,
    samples: chunks.samples.map((name, i) => ({ name, role: roles[i] })),
    count: chunks.count,
    rows: (k, part) =>
      part === undefined
        ? perPart[k * 3] + perPart[k * 3 + 1] + perPart[k * 3 + 2]
        : perPart[k * 3 + part],
    counts,
    expected: { s: expected[1], b: expected[0] },
    means,
    ranges: Array.from(lo, (l, j) =>
      l > hi[j]
        ? { lo: 0, hi: 1 }
        : l === hi[j]
          ? { lo: l - 0.5, hi: l + 0.5 }
          : { lo: l, hi: hi[j] },
    ),
    warnings,
    sampleOf: (k) => chunks.sampleOf(k),
    each: (ks, visit, c) => eachChunk(chunks, ks, (k, sel) => visit(k, rowsOf(k, sel)), c),
  }
}

/**
 * The preprocessing fitPreprocessing gives on the training events of `set` (|w|-weighted mean,
 * then covariance around it), in two streamed passes that sum the events in memory's order.
 */
export async function streamedPreprocessing(
  set: StreamedSet,
  options: { standardise: boolean; decorrelate: boolean },
  ctx: JobContext,
): Promise<Preprocessing> {
  const d = set.d
  const ks = allChunks(set).filter((k) => set.rows(k, PART.train) > 0)
  const mean = new Array<number>(d).fill(0)
  const cov = new Array<number>(d * d).fill(0)
  let sw = 0
  const train = (rows: ChunkRows, f: (i: number, wi: number) => void) => {
    for (let i = 0; i < rows.n; i++) if (rows.part[i] === PART.train) f(i, Math.abs(rows.w[i]))
  }
  ctx.progress(0, 'streaming the training set: preprocessing')
  await set.each(
    ks,
    (_, rows) =>
      train(rows, (i, wi) => {
        sw += wi
        for (let j = 0; j < d; j++) mean[j] += wi * rows.x[i * d + j]
      }),
    ctx,
  )
  if (sw > 0) for (let j = 0; j < d; j++) mean[j] /= sw
  await set.each(
    ks,
    (_, rows) =>
      train(rows, (i, wi) => {
        for (let j = 0; j < d; j++) {
          const dj = rows.x[i * d + j] - mean[j]
          for (let k = 0; k <= j; k++) cov[j * d + k] += wi * dj * (rows.x[i * d + k] - mean[k])
        }
      }),
    ctx,
  )
  return preprocessingFrom(d, mean, cov, sw, options)
}
