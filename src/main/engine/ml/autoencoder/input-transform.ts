/**
 * Per-input preprocessing of the autoencoders, fitted on the background training events: log x
 * for positive-definite inputs with a long right tail (momenta, masses: their tails would
 * otherwise dominate a squared-error loss), then the weighted standardisation of
 * ml/preprocess.ts.
 */
import type { AnomalySetup } from '../../../../shared/contract/anomaly'
import { applyPreprocessing, fitPreprocessing, type Preprocessing } from '../preprocess'

export interface InputTransform {
  /** Per input: taken as log(max(x, floor)) before standardising. */
  readonly log: boolean[]
  /** Half the smallest training value of each logged input (0 where not logged): keeps log finite on events outside the training range. */
  readonly floor: number[]
  readonly pre: Preprocessing
}

/** Skewness above which `auto` takes a positive input as log x. */
const AUTO_SKEW = 1

/**
 * Fits the transform on the rows `rows` of `x` (row-major, d = inputs.length columns) with
 * weights `w`. Throws naming an input listed for log that is not an input or has values ≤ 0.
 */
export function fitInputTransform(
  x: Float64Array,
  inputs: readonly string[],
  rows: ArrayLike<number>,
  w: ArrayLike<number>,
  options: AnomalySetup['preprocess'],
): InputTransform {
  const d = inputs.length
  const named = Array.isArray(options.log) ? options.log : []
  for (const name of named)
    if (!inputs.includes(name))
      throw new Error(`preprocess.log names '${name}', which is not one of the inputs`)
  const log: boolean[] = []
  const floor: number[] = []
  for (let j = 0; j < d; j++) {
    const m = moments(x, d, j, rows, w)
    const wanted =
      options.log === 'auto' ? m.min > 0 && m.skew > AUTO_SKEW : named.includes(inputs[j])
    if (wanted && !(m.min > 0))
      throw new Error(
        `input '${inputs[j]}' has the value ${m.min} in the background training events: log x needs values > 0`,
      )
    log.push(wanted)
    floor.push(wanted ? m.min / 2 : 0)
  }
  const logged = logInputs(x, d, rows.length, log, floor, rows)
  const all = Uint32Array.from({ length: rows.length }, (_, r) => r)
  const weights = Float64Array.from({ length: rows.length }, (_, r) => w[rows[r]])
  const pre = fitPreprocessing(logged, d, all, weights, {
    standardise: options.standardise,
    decorrelate: false,
  })
  return { log, floor, pre }
}

/** The transformed inputs of the n rows of `x` (row-major, d columns), float32 for tensors. */
export function applyInputTransform(t: InputTransform, x: Float64Array, n: number): Float32Array {
  return applyPreprocessing(t.pre, logInputs(x, t.pre.d, n, t.log, t.floor), n)
}

/** Copies rows (all n, or `rows`) of x with the logged columns replaced by their log. */
function logInputs(
  x: Float64Array,
  d: number,
  n: number,
  log: readonly boolean[],
  floor: readonly number[],
  rows?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(n * d)
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]
      out[r * d + j] = log[j] ? Math.log(Math.max(v, floor[j])) : v
    }
  }
  return out
}

/** Minimum and weighted skewness of column j over `rows` (|w| so negative weights stay sane). */
function moments(
  x: Float64Array,
  d: number,
  j: number,
  rows: ArrayLike<number>,
  w: ArrayLike<number>,
): { min: number; skew: number } {
  let min = Infinity
  let sw = 0
  let s1 = 0
  for (let r = 0; r < rows.length; r++) {
    const v = x[rows[r] * d + j]
    const wi = Math.abs(w[rows[r]])
    if (v < min) min = v
    sw += wi
    s1 += wi * v
  }
  const mean = sw > 0 ? s1 / sw : 0
  let m2 = 0
  let m3 = 0
  for (let r = 0; r < rows.length; r++) {
    const dv = x[rows[r] * d + j] - mean
    const wi = Math.abs(w[rows[r]])
    m2 += wi * dv * dv
    m3 += wi * dv * dv * dv
  }
  const skew = sw > 0 && m2 > 0 ? m3 / sw / Math.pow(m2 / sw, 1.5) : 0
  return { min, skew }
}

/**
 * The same transform as fitInputTransform on all the rows `rows()` yields, fitted in three
 * streaming passes (for data that does not fit in memory): minimum and mean; skewness and the
 * mean of the logged values; the variance of the transformed values. Sums run in the order
 * the rows come, as fitInputTransform's do over rows in that order.
 */
export async function streamInputTransform(
  rows: () => AsyncIterable<{
    readonly x: Float64Array
    readonly w: Float64Array
    readonly n: number
  }>,
  inputs: readonly string[],
  options: AnomalySetup['preprocess'],
): Promise<InputTransform> {
  const d = inputs.length
  const named = Array.isArray(options.log) ? options.log : []
  for (const name of named)
    if (!inputs.includes(name))
      throw new Error(`preprocess.log names '${name}', which is not one of the inputs`)
  const min = new Array<number>(d).fill(Infinity)
  const s1 = new Array<number>(d).fill(0)
  let sw = 0
  for await (const r of rows())
    for (let i = 0; i < r.n; i++) {
      const wi = Math.abs(r.w[i])
      sw += wi
      for (let j = 0; j < d; j++) {
        const v = r.x[i * d + j]
        if (v < min[j]) min[j] = v
        s1[j] += wi * v
      }
    }
  const mean = s1.map((s) => (sw > 0 ? s / sw : 0))
  const floorOf = min.map((m) => m / 2)
  const m2 = new Array<number>(d).fill(0)
  const m3 = new Array<number>(d).fill(0)
  const logSum = new Array<number>(d).fill(0)
  for await (const r of rows())
    for (let i = 0; i < r.n; i++) {
      const wi = Math.abs(r.w[i])
      for (let j = 0; j < d; j++) {
        const v = r.x[i * d + j]
        const dv = v - mean[j]
        m2[j] += wi * dv * dv
        m3[j] += wi * dv * dv * dv
        if (min[j] > 0) logSum[j] += wi * Math.log(Math.max(v, floorOf[j]))
      }
    }
  const log: boolean[] = []
  const floor: number[] = []
  for (let j = 0; j < d; j++) {
    const skew = sw > 0 && m2[j] > 0 ? m3[j] / sw / Math.pow(m2[j] / sw, 1.5) : 0
    const wanted =
      options.log === 'auto' ? min[j] > 0 && skew > AUTO_SKEW : named.includes(inputs[j])
    if (wanted && !(min[j] > 0))
      throw new Error(
        `input '${inputs[j]}' has the value ${min[j]} in the background training events: log x needs values > 0`,
      )
    log.push(wanted)
    floor.push(wanted ? floorOf[j] : 0)
  }
  const centre = mean.map((m, j) => (log[j] ? (sw > 0 ? logSum[j] / sw : 0) : m))
  const variance = new Array<number>(d).fill(0)
  for await (const r of rows())
    for (let i = 0; i < r.n; i++) {
      const wi = Math.abs(r.w[i])
      for (let j = 0; j < d; j++) {
        const v = r.x[i * d + j]
        const dv = (log[j] ? Math.log(Math.max(v, floor[j])) : v) - centre[j]
        variance[j] += wi * dv * dv
      }
    }
  const transform = new Array<number>(d * d).fill(0)
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(sw > 0 ? variance[j] / sw : 0)
    transform[j * d + j] = options.standardise && sd > 0 ? 1 / sd : 1
  }
  return {
    log,
    floor,
    pre: { d, mean: options.standardise ? centre : centre.map(() => 0), transform },
  }
}
