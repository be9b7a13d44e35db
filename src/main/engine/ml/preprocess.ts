/**
 * Input preprocessing fitted on the training events and stored with the model: standardise
 * (subtract the weighted mean, divide by the weighted standard deviation) and optionally
 * decorrelate (multiply by the inverse square root of the weighted covariance, so the inputs are
 * uncorrelated with unit variance). A constant input is centred but not scaled.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'

/** Serialisable (stored in the project with the model). */
export interface Preprocessing {
  readonly d: number
  /** Subtracted from each input. */
  readonly mean: number[]
  /** Row-major d × d matrix applied after centring (identity when neither option is set). */
  readonly transform: number[]
}

/**
 * Fits the preprocessing on the rows `rows` of `x` (row-major, d columns) with weights `w`
 * (absolute values are used so negative weights cannot make a variance negative).
 */
export function fitPreprocessing(
  x: Float64Array,
  d: number,
  rows: ArrayLike<number>,
  w: ArrayLike<number>,
  options: { standardise: boolean; decorrelate: boolean },
): Preprocessing {
  const mean = new Array<number>(d).fill(0)
  const cov = new Array<number>(d * d).fill(0)
  let sw = 0
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    const wi = Math.abs(w[i])
    sw += wi
    for (let j = 0; j < d; j++) mean[j] += wi * x[i * d + j]
  }
  if (sw > 0) for (let j = 0; j < d; j++) mean[j] /= sw
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    const wi = Math.abs(w[i])
    for (let j = 0; j < d; j++) {
      const dj = x[i * d + j] - mean[j]
      for (let k = 0; k <= j; k++) cov[j * d + k] += wi * dj * (x[i * d + k] - mean[k])
    }
  }
  return preprocessingFrom(d, mean, cov, sw, options)
}

/**
 * The preprocessing from the weighted moments of the training events: `mean` (Σ|w|x / Σ|w|),
 * `cov` whose lower triangle (row-major d × d) holds Σ|w|(x − mean)(x − mean)ᵀ, and sw = Σ|w|
 * — what fitPreprocessing sums in memory, or a streamed pass over chunks (`cov` is overwritten).
 */
export function preprocessingFrom(
  d: number,
  mean: number[],
  cov: number[],
  sw: number,
  options: { standardise: boolean; decorrelate: boolean },
): Preprocessing {
  for (let j = 0; j < d; j++)
    for (let k = 0; k <= j; k++) {
      const v = sw > 0 ? cov[j * d + k] / sw : 0
      cov[j * d + k] = v
      cov[k * d + j] = v
    }
  const transform = new Array<number>(d * d).fill(0)
  if (options.decorrelate) {
    const e = new EigenvalueDecomposition(new Matrix(toRows(cov, d)), { assumeSymmetric: true })
    const V = e.eigenvectorMatrix
    const values = e.realEigenvalues
    // C^(−1/2) = V diag(1/√λ) Vᵀ; directions with (numerically) no variance are left unscaled.
    const top = Math.max(...values.map(Math.abs), 0)
    for (let j = 0; j < d; j++)
      for (let k = 0; k < d; k++) {
        let s = 0
        for (let m = 0; m < d; m++) {
          const lam = values[m]
          const f = lam > 1e-12 * top && lam > 0 ? 1 / Math.sqrt(lam) : 1
          s += V.get(j, m) * f * V.get(k, m)
        }
        transform[j * d + k] = s
      }
  } else {
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt(cov[j * d + j])
      transform[j * d + j] = options.standardise && sd > 0 ? 1 / sd : 1
    }
  }
  if (!options.standardise && !options.decorrelate) mean.fill(0)
  return { d, mean, transform }
}

/** Applies the preprocessing to n rows of `x` (row-major, d columns); float32 for tensors. */
export function applyPreprocessing(p: Preprocessing, x: Float64Array, n: number): Float32Array {
  const { d, mean, transform } = p
  const out = new Float32Array(n * d)
  const diagonal = isDiagonal(transform, d)
  const centred = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    const o = i * d
    for (let j = 0; j < d; j++) centred[j] = x[o + j] - mean[j]
    if (diagonal) for (let j = 0; j < d; j++) out[o + j] = centred[j] * transform[j * d + j]
    else
      for (let j = 0; j < d; j++) {
        let s = 0
        for (let k = 0; k < d; k++) s += transform[j * d + k] * centred[k]
        out[o + j] = s
      }
  }
  return out
}

function isDiagonal(m: readonly number[], d: number): boolean {
  for (let j = 0; j < d; j++)
    for (let k = 0; k < d; k++) if (j !== k && m[j * d + k] !== 0) return false
  return true
}

function toRows(m: readonly number[], d: number): number[][] {
  return Array.from({ length: d }, (_, j) => m.slice(j * d, (j + 1) * d))
}
