/**
 * The latent space for display: principal components of the latent means (VAE) or codes
 * (autoencoder), fitted on chosen events (e.g. the validation background) and applied to all,
 * so processes can be drawn coloured in two dimensions.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'

export interface LatentPca {
  /** Mean subtracted before projecting (length L). */
  readonly mean: number[]
  /** Principal directions, largest variance first, each a unit vector of length L. */
  readonly components: number[][]
  /** Fraction of the total variance along each component. */
  readonly explained: number[]
}

/** PCA of rows `rows` of `latent` (row-major, L columns), keeping `k` components. */
export function fitLatentPca(
  latent: Float64Array,
  L: number,
  rows: ArrayLike<number>,
  k = 2,
): LatentPca {
  const n = rows.length
  if (n < 2) throw new Error('a latent PCA needs at least two events')
  const mean = new Array<number>(L).fill(0)
  for (let r = 0; r < n; r++) for (let l = 0; l < L; l++) mean[l] += latent[rows[r] * L + l] / n
  const cov = Matrix.zeros(L, L)
  for (let r = 0; r < n; r++)
    for (let a = 0; a < L; a++) {
      const da = latent[rows[r] * L + a] - mean[a]
      for (let b = 0; b <= a; b++)
        cov.set(a, b, cov.get(a, b) + (da * (latent[rows[r] * L + b] - mean[b])) / (n - 1))
    }
  for (let a = 0; a < L; a++) for (let b = 0; b < a; b++) cov.set(b, a, cov.get(a, b))
  const e = new EigenvalueDecomposition(cov, { assumeSymmetric: true })
  const values = e.realEigenvalues
  const order = values.map((_, i) => i).sort((i, j) => values[j] - values[i])
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0)
  const keep = order.slice(0, Math.min(k, L))
  return {
    mean,
    components: keep.map((i) => e.eigenvectorMatrix.getColumn(i)),
    explained: keep.map((i) => (total > 0 ? Math.max(values[i], 0) / total : 0)),
  }
}

/** The projections of all n rows of `latent` on the components (row-major n × components). */
export function projectLatent(pca: LatentPca, latent: Float64Array, n: number): Float64Array {
  const L = pca.mean.length
  const k = pca.components.length
  const out = new Float64Array(n * k)
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++) {
      let s = 0
      for (let l = 0; l < L; l++) s += (latent[i * L + l] - pca.mean[l]) * pca.components[c][l]
      out[i * k + c] = s
    }
  return out
}
