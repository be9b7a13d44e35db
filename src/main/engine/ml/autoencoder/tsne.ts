/**
 * Exact t-SNE (van der Maaten & Hinton 2008) of a few hundred to a few thousand points, for the
 * latent space of the Anomaly view: Gaussian affinities whose widths are calibrated per point
 * by binary search to a perplexity, symmetrised; a Student-t similarity in 2-D; gradient
 * descent with momentum and per-parameter gains, the affinities exaggerated for the first
 * iterations so clusters form before they spread. O(n²) memory and time per iteration: meant
 * for ≤ 2000 points (sample them first). Seeded: the same input and seed give the same map.
 */
import { Random } from '../../data/random'

export interface TsneOptions {
  /** Effective number of neighbours (clamped below (n − 1) / 3). */
  readonly perplexity?: number
  readonly iterations?: number
  /** Factor on the affinities during the first `exaggerationIterations`. */
  readonly exaggeration?: number
  readonly exaggerationIterations?: number
  /** Step size; default max(n / exaggeration / 4, 50) (Belkina et al. 2019). */
  readonly learningRate?: number
  readonly seed?: number
}

/** Most points t-SNE accepts (n² affinities). */
export const TSNE_MAX_POINTS = 2000

/**
 * The 2-D embedding (row-major n × 2) of the n points of `x` (row-major n × D). Throws for
 * more than TSNE_MAX_POINTS points.
 */
export function tsne(
  x: Float64Array,
  n: number,
  D: number,
  options: TsneOptions = {},
): Float64Array {
  if (n > TSNE_MAX_POINTS)
    throw new Error(`t-SNE takes at most ${TSNE_MAX_POINTS} points (got ${n}): sample them first`)
  const y = new Float64Array(n * 2)
  if (n < 2) return y
  const iterations = options.iterations ?? 750
  const exaggeration = options.exaggeration ?? 12
  const early = options.exaggerationIterations ?? 250
  const eta = options.learningRate ?? Math.max(n / exaggeration / 4, 50)
  const perplexity = Math.min(options.perplexity ?? 30, Math.max(1, (n - 1) / 3))
  const P = affinities(x, n, D, perplexity)

  const rng = new Random(options.seed ?? 1)
  for (let k = 0; k < 2 * n; k++) y[k] = 1e-4 * rng.normal()
  const update = new Float64Array(2 * n)
  const gains = new Float64Array(2 * n).fill(1)
  const grad = new Float64Array(2 * n)
  const num = new Float64Array(n * n)
  for (let it = 0; it < iterations; it++) {
    const ex = it < early ? exaggeration : 1
    const momentum = it < early ? 0.5 : 0.8
    // Student-t similarities and their sum.
    let sum = 0
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const dx = y[2 * i] - y[2 * j]
        const dy = y[2 * i + 1] - y[2 * j + 1]
        const q = 1 / (1 + dx * dx + dy * dy)
        num[i * n + j] = q
        num[j * n + i] = q
        sum += 2 * q
      }
    grad.fill(0)
    for (let i = 0; i < n; i++) {
      let gx = 0
      let gy = 0
      for (let j = 0; j < n; j++) {
        if (j === i) continue
        const q = num[i * n + j]
        const m = (ex * P[i * n + j] - q / sum) * q
        gx += m * (y[2 * i] - y[2 * j])
        gy += m * (y[2 * i + 1] - y[2 * j + 1])
      }
      grad[2 * i] = 4 * gx
      grad[2 * i + 1] = 4 * gy
    }
    for (let k = 0; k < 2 * n; k++) {
      gains[k] = Math.sign(grad[k]) !== Math.sign(update[k]) ? gains[k] + 0.2 : gains[k] * 0.8
      if (gains[k] < 0.01) gains[k] = 0.01
      update[k] = momentum * update[k] - eta * gains[k] * grad[k]
      y[k] += update[k]
    }
    // Keep the map centred (the objective does not see translations).
    let cx = 0
    let cy = 0
    for (let i = 0; i < n; i++) {
      cx += y[2 * i] / n
      cy += y[2 * i + 1] / n
    }
    for (let i = 0; i < n; i++) {
      y[2 * i] -= cx
      y[2 * i + 1] -= cy
    }
  }
  return y
}

/**
 * Symmetric joint affinities p_ij = (p_j|i + p_i|j) / 2n (row-major n × n, zero diagonal).
 */
export function affinities(
  x: Float64Array,
  n: number,
  D: number,
  perplexity: number,
): Float64Array {
  const cond = conditionalAffinities(x, n, D, perplexity)
  const P = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      if (j !== i) P[i * n + j] = Math.max((cond[i * n + j] + cond[j * n + i]) / (2 * n), 1e-12)
  return P
}

/**
 * The conditional affinities p_j|i (row i, row-major n × n): a Gaussian in the squared distance
 * whose precision is found by binary search so the row's entropy is log(perplexity) (natural
 * log) to 1e-5.
 */
export function conditionalAffinities(
  x: Float64Array,
  n: number,
  D: number,
  perplexity: number,
): Float64Array {
  const dist = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0
      for (let k = 0; k < D; k++) {
        const v = x[i * D + k] - x[j * D + k]
        s += v * v
      }
      dist[i * n + j] = s
      dist[j * n + i] = s
    }
  const target = Math.log(perplexity)
  const cond = new Float64Array(n * n)
  const row = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let beta = 1
    let lo = 0
    let hi = Infinity
    // Distances relative to the nearest neighbour, so exp does not underflow for far points.
    let dmin = Infinity
    for (let j = 0; j < n; j++) if (j !== i && dist[i * n + j] < dmin) dmin = dist[i * n + j]
    for (let step = 0; step < 200; step++) {
      let sum = 0
      let dsum = 0
      for (let j = 0; j < n; j++) {
        const p = j === i ? 0 : Math.exp(-(dist[i * n + j] - dmin) * beta)
        row[j] = p
        sum += p
        dsum += p * (dist[i * n + j] - dmin)
      }
      // H = log Σ + β ⟨d⟩ (d shifted by dmin: the entropy is unchanged).
      const H = Math.log(sum) + (beta * dsum) / sum
      for (let j = 0; j < n; j++) row[j] /= sum
      if (Math.abs(H - target) < 1e-5) break
      if (H > target) {
        lo = beta
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2
      } else {
        hi = beta
        beta = (beta + lo) / 2
      }
    }
    cond.set(row, i * n)
  }
  return cond
}
