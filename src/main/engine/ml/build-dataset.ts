/**
 * Building a TrainingData from samples: the events of each sample that pass the region's cuts,
 * their input values and physical weights (`selectEvents`), then all samples assembled with the
 * set-up's missing-value policy, seeded train / validation / test split and training-weight
 * normalisation (`assembleTrainingData`). The project service and the CLI (spec files) both
 * prepare samples their own way and meet here.
 */
import type { TrainSetup } from '../../../shared/contract/train'
import type { CheckedExpr } from '../../../shared/expr'
import { Random } from '../data/random'
import { compile } from '../select/compile'
import { CutCompiler } from '../select/cut-compiler'
import type { PreparedSample } from '../select/cutflow'
import { selectionMask } from '../select/hist'
import type { ResolvedCut } from '../select/regions'
import { atPath } from '../select/spec-error'
import { PART, type TrainingData } from './dataset'
import { drawParts } from './split-stream'
import { addTo } from './pair-sum'

/** One sample's selected events: input values (one array per input) and physical weights. */
export interface SelectedEvents {
  readonly name: string
  readonly role: 'signal' | 'background'
  readonly columns: readonly Float64Array[]
  readonly weight: Float64Array
}

/**
 * The events of `sample` passing `cuts`, with the value of every input (checked for this
 * sample, one value per event) and the physical weight (weight expression × scale).
 */
export function selectEvents(
  sample: PreparedSample,
  role: 'signal' | 'background',
  inputs: readonly CheckedExpr[],
  cuts: readonly ResolvedCut[],
  compiler: CutCompiler = new CutCompiler(),
): SelectedEvents {
  const data = sample.derive ? sample.derive(sample.data) : sample.data
  const n = data.entries
  const pass = cuts.length ? selectionMask(sample, cuts, compiler) : null
  let k = 0
  if (pass) for (let i = 0; i < n; i++) k += pass[i]
  else k = n
  const rows = new Int32Array(k)
  for (let i = 0, j = 0; i < n; i++) if (!pass || pass[i]) rows[j++] = i
  const context = `in sample '${sample.name}'`
  const columns = inputs.map((expr) => {
    const col = atPath([], expr.source, context, () => compile(expr, data).evaluate(data))
    const out = new Float64Array(k)
    for (let j = 0; j < k; j++) out[j] = Number(col.values[rows[j]])
    return out
  })
  const { weights } = sample
  const weight =
    typeof weights === 'number'
      ? new Float64Array(k).fill(weights)
      : Float64Array.from(rows, (i) => weights[i])
  return { name: sample.name, role, columns, weight }
}

export interface AssembledData {
  readonly data: TrainingData
  /** Σ physical weights of all selected signal (background) events: the expected yields. */
  readonly expected: { readonly s: number; readonly b: number }
  /** Mean of each input's defined values in the training part: what replaces a missing value. */
  readonly means: number[]
  readonly warnings: string[]
}

/** A user-facing problem with the training set (no signal events, …). */
export class TrainingDataError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TrainingDataError'
  }
}

/**
 * All samples' selected events as one training set. Missing values (the set-up's sentinels and
 * NaN/±∞) are replaced by the mean of the input's defined values in the training part, or
 * their events dropped. The split draws one uniform number per event in order from the seed:
 * the same seed and events give the same split.
 */
export function assembleTrainingData(
  samples: readonly SelectedEvents[],
  setup: Pick<TrainSetup, 'inputs' | 'weights' | 'split' | 'missing'>,
): AssembledData {
  const d = setup.inputs.length
  const warnings: string[] = []
  const sentinels = new Set(setup.missing.values)
  const missing = (v: number) => !Number.isFinite(v) || sentinels.has(v)
  const drop = setup.missing.policy === 'drop'

  let n = 0
  let dropped = 0
  for (const s of samples) {
    const m = s.weight.length
    for (let i = 0; i < m; i++) {
      if (drop && s.columns.some((c) => missing(c[i]))) dropped++
      else n++
    }
  }
  const x = new Float64Array(n * d)
  const y = new Uint8Array(n)
  const weight = new Float64Array(n)
  const sample = new Uint16Array(n)
  const isMissing = new Uint8Array(n * d)
  let r = 0
  samples.forEach((s, si) => {
    const m = s.weight.length
    for (let i = 0; i < m; i++) {
      if (drop && s.columns.some((c) => missing(c[i]))) continue
      for (let j = 0; j < d; j++) {
        const v = s.columns[j][i]
        if (missing(v)) isMissing[r * d + j] = 1
        else x[r * d + j] = v
      }
      y[r] = s.role === 'signal' ? 1 : 0
      weight[r] = s.weight[i]
      sample[r] = si
      r++
    }
  })
  if (dropped) warnings.push(`${dropped} events with a missing input value were left out`)

  const part = drawParts(new Random(setup.split.seed), n, setup.split)

  const counts = { signal: [0, 0, 0], background: [0, 0, 0] }
  for (let i = 0; i < n; i++) counts[y[i] ? 'signal' : 'background'][part[i]]++
  checkPartCounts(counts)

  for (let j = 0; j < d; j++) {
    const hint = sentinelHint(x, d, n, j, isMissing)
    if (hint) warnings.push(`input '${setup.inputs[j]}': ${hint}`)
  }
  const means = trainingMeans(x, d, n, isMissing, part)
  if (!drop) imputeMeans(x, d, n, isMissing, means, setup.inputs, warnings)
  for (let j = 0; j < d; j++) {
    let lo = Infinity
    let hi = -Infinity
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    if (lo === hi) warnings.push(`input '${setup.inputs[j]}' is constant (${lo}): it cannot help`)
  }

  const w = trainingWeights(y, weight, part, setup.weights)
  let s = 0
  let b = 0
  for (let i = 0; i < n; i++) {
    if (y[i]) s += weight[i]
    else b += weight[i]
  }
  if (weight.some((v) => v < 0)) warnings.push(negativeWeightsMessage(setup.weights.negative))
  return {
    data: {
      inputs: [...setup.inputs],
      n,
      d,
      x,
      y,
      w,
      weight,
      part,
      sample,
      samples: samples.map((v) => ({ name: v.name, role: v.role })),
    },
    expected: { s, b },
    means,
    warnings,
  }
}

/** Throws unless each class has events, and training events, in `counts` (events per PART). */
export function checkPartCounts(counts: {
  readonly signal: readonly number[]
  readonly background: readonly number[]
}): void {
  for (const [cls, c] of Object.entries(counts)) {
    if (c[0] + c[1] + c[2] === 0)
      throw new TrainingDataError(
        `no ${cls} events: check the samples' roles and the region's cuts`,
      )
    if (c[PART.train] === 0)
      throw new TrainingDataError(`no ${cls} events in the training part: lower the test fraction`)
  }
}

/** What the user is told when some events have negative weights. */
export function negativeWeightsMessage(negative: TrainSetup['weights']['negative']): string {
  return negative === 'ignore'
    ? 'events with negative weights get weight 0 in training (kept in evaluation)'
    : 'some events have negative weights; they enter the training loss as they are'
}

/**
 * Why input `j`'s smallest value looks like a "missing" marker nobody declared (Kaggle's −999
 * when the samples' missing value is not set): a whole number ≤ −99 held by at least 1% of the
 * events, with no other value within a tenth of its size above it. null when it does not.
 */
export function sentinelHint(
  x: Float64Array,
  d: number,
  n: number,
  j: number,
  isMissing: Uint8Array,
): string | null {
  let min = Infinity
  for (let i = 0; i < n; i++) if (!isMissing[i * d + j] && x[i * d + j] < min) min = x[i * d + j]
  if (!(Number.isInteger(min) && min <= -99)) return null
  const near = min + Math.abs(min) / 10
  let count = 0
  for (let i = 0; i < n; i++) {
    if (isMissing[i * d + j]) continue
    const v = x[i * d + j]
    if (v === min) count++
    else if (v < near) return null
  }
  return sentinelMessage(min, count, Infinity, n)
}

/**
 * The hint of sentinelHint for a smallest value `min` held by `count` of n events, `next` the
 * least value above it (null when one lies within a tenth of min's size, under 1%, or when
 * `min` is no such marker). Streamed and out-of-core training merge min, count and next from
 * partitions (lowestValues).
 */
export function sentinelMessage(
  min: number,
  count: number,
  next: number,
  n: number,
): string | null {
  if (!(Number.isInteger(min) && min <= -99) || count < 0.01 * n) return null
  if (next < min + Math.abs(min) / 10) return null
  return `${count} events (${((100 * count) / n).toFixed(1)}%) have exactly ${min}, far below every other value: if it means "missing", set it as the samples' missing value in the Data step`
}

/**
 * Counts `times` occurrences of v among input j's values in `p` (per input: the least value,
 * how many hold it, the least value above it — what sentinelMessage needs), so that partitions
 * counted apart and merged give what one count over all values gives.
 */
export function lowestValues(
  p: { min: Float64Array; atMin: Float64Array; next: Float64Array },
  j: number,
  v: number,
  times: number,
): void {
  if (v === p.min[j]) p.atMin[j] += times
  else if (v < p.min[j]) {
    if (p.min[j] < p.next[j]) p.next[j] = p.min[j]
    p.min[j] = v
    p.atMin[j] = times
  } else if (v < p.next[j]) p.next[j] = v
}

/**
 * Mean of each input's defined values over the training part (0 when it has none), for x
 * row-major n × d with its missing values marked in isMissing (1: missing).
 */
export function trainingMeans(
  x: Float64Array,
  d: number,
  n: number,
  isMissing: Uint8Array,
  part: Uint8Array,
): number[] {
  // Pair sums (pair-sum.ts): the same mean however the rows are split into partitions.
  const sum = new Float64Array(2 * d)
  const count = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    if (part[i] !== PART.train) continue
    for (let j = 0; j < d; j++)
      if (!isMissing[i * d + j]) {
        addTo(sum, 2 * j, x[i * d + j])
        count[j]++
      }
  }
  return Array.from(count, (c, j) => (c ? (sum[2 * j] + sum[2 * j + 1]) / c : 0))
}

/**
 * Replaces the missing values of x (marked in isMissing) by `means`, one per input, and warns
 * for each input that had any how many, naming the replacement (`meanName`).
 */
export function imputeMeans(
  x: Float64Array,
  d: number,
  n: number,
  isMissing: Uint8Array,
  means: readonly number[],
  inputs: readonly string[],
  warnings: string[],
  meanName = 'training mean',
): void {
  for (let j = 0; j < d; j++) {
    let absent = 0
    for (let i = 0; i < n; i++)
      if (isMissing[i * d + j]) {
        x[i * d + j] = means[j]
        absent++
      }
    if (absent) warnings.push(imputedMessage(inputs[j], absent, n, means[j], meanName))
  }
}

/** The warning that `absent` of n values of `input` were replaced by `mean`. */
export function imputedMessage(
  input: string,
  absent: number,
  n: number,
  mean: number,
  meanName = 'training mean',
): string {
  return `input '${input}': ${absent} missing values (${((100 * absent) / n).toFixed(1)}%) replaced by the ${meanName} ${mean.toPrecision(4)}`
}

/**
 * Training weights from physical weights: negative ones zeroed if asked, then each class
 * rescaled by one factor (so validation and test keep the training proportions) such that, on
 * the training part, Σw = the class's event count (`numevents`) or Σw_S = Σw_B = the signal
 * event count (`equalsum`).
 */
export function trainingWeights(
  y: Uint8Array,
  weight: Float64Array,
  part: Uint8Array,
  options: TrainSetup['weights'],
): Float64Array {
  const n = y.length
  const w = Float64Array.from(weight, (v) => (options.negative === 'ignore' && v < 0 ? 0 : v))
  if (options.norm === 'none') return w
  const sum = [0, 0]
  const count = [0, 0]
  for (let i = 0; i < n; i++) {
    if (part[i] !== PART.train) continue
    sum[y[i]] += w[i]
    count[y[i]]++
  }
  const factor = classFactors(sum, count, options.norm)
  for (let i = 0; i < n; i++) w[i] *= factor[y[i]]
  return w
}

/**
 * The factor of each class (background, signal) of trainingWeights from the training part's
 * Σw (after the negative-weight choice) and event count per class.
 */
export function classFactors(
  sum: readonly number[],
  count: readonly number[],
  norm: TrainSetup['weights']['norm'],
): number[] {
  if (norm === 'none') return [1, 1]
  const target = norm === 'numevents' ? count : [count[1], count[1]]
  return [0, 1].map((c) => (sum[c] !== 0 ? target[c] / sum[c] : 1))
}
