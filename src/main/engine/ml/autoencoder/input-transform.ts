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
