/**
 * The INFERNO loss and its gradient with respect to the network's outputs, in closed form and
 * float64 JavaScript, for the hand-written training pass (no autodiff tape).
 *
 * A batch is a block of rows (events, and events moved by input-transform nuisances) and a
 * constant weight matrix W (q × rows) whose rows turn soft assignments A = softmax(logits / τ)
 * into every histogram the Fisher matrix needs, H = W·A (q × bins):
 *   row 0       λ, the expected counts (a floor keeps empty bins finite)
 *   rows 1…k    ∂λ/∂θ_a for the POI (parameter 0) and the nuisances
 * I = Σ_bins d_a d_c / λ + diag(constraints), loss L = (I⁻¹)₀₀ (expected variance of the POI with
 * the nuisances profiled). With v = I⁻¹ e₀ and w_j = Σ_a v_a d_a[j]:
 *   ∂L/∂d_a[j] = −2 v_a w_j / λ_j,   ∂L/∂λ_j = w_j² / λ_j²   (dL = −vᵀ dI v)
 * then ∂L/∂A = Wᵀ ∂L/∂H and the softmax Jacobian gives ∂L/∂logits. Tested against finite
 * differences and against tfjs autodiff of the same loss (test/unit/ml/inferno/fisher-head.test.ts).
 */
import type * as TF from '@tensorflow/tfjs'
import { invertSpd } from '../../stats/linalg'
import type { LossHead } from '../dense-backprop'

export interface FisherBlock {
  /** Rows in the block. */
  readonly rows: number
  /** The weight matrix W, q × rows row-major (q = 1 + number of parameters). */
  readonly w: Float32Array
  readonly q: number
}

export interface FisherLoss {
  /** (I⁻¹)₀₀; NaN when I is not positive definite. */
  readonly loss: number
  /** d loss / d logits, rows × bins row-major (zeros when the loss is NaN); absent unless asked. */
  readonly dLogits?: Float32Array
}

/**
 * The loss of `block` given the network outputs `logits` (rows × bins, row-major), softmax
 * temperature τ > 0, one constraint term (1/σ², 0 when free) per parameter, and the floor added
 * to λ (counts).
 */
export function fisherLoss(
  logits: Float32Array,
  bins: number,
  block: FisherBlock,
  tau: number,
  constraints: readonly number[],
  withGradient: boolean,
  floor = 1e-6,
): FisherLoss {
  const { rows, w, q } = block
  const k = q - 1
  // Soft assignments (kept for the backward pass) and H = W·A.
  const a = new Float64Array(rows * bins)
  const h = new Float64Array(q * bins)
  softHistograms(logits, bins, block, tau, h, a)
  const { lambda, inv, loss } = fisherOfHistograms(h, bins, q, constraints, floor)
  const d = (p: number, j: number): number => h[(1 + p) * bins + j]
  if (!withGradient) return { loss }
  const dLogits = new Float32Array(rows * bins)
  if (!inv || !Number.isFinite(loss)) return { loss, dLogits }
  // ∂L/∂H (q × bins).
  const v = Array.from({ length: k }, (_, p) => inv[p * k])
  const g = new Float64Array(q * bins)
  for (let j = 0; j < bins; j++) {
    let wj = 0
    for (let p = 0; p < k; p++) wj += v[p] * d(p, j)
    g[j] = (wj * wj) / (lambda[j] * lambda[j])
    for (let p = 0; p < k; p++) g[(1 + p) * bins + j] = (-2 * v[p] * wj) / lambda[j]
  }
  // ∂L/∂A = Wᵀ·∂L/∂H per row, then through the softmax: (A ⊙ (dA − Σ A·dA)) / τ.
  const da = new Float64Array(bins)
  for (let r = 0; r < rows; r++) {
    const o = r * bins
    da.fill(0)
    for (let c = 0; c < q; c++) {
      const wc = w[c * rows + r]
      if (wc === 0) continue
      for (let j = 0; j < bins; j++) da[j] += wc * g[c * bins + j]
    }
    let dot = 0
    for (let j = 0; j < bins; j++) dot += a[o + j] * da[j]
    for (let j = 0; j < bins; j++) dLogits[o + j] = (a[o + j] * (da[j] - dot)) / tau
  }
  return { loss, dLogits }
}

/**
 * Adds the block's soft histograms H = W·softmax(logits / τ) (q × bins) to `h`; `a`, when
 * given, receives the soft assignments (rows × bins). Blocks read in pieces (a validation set
 * streamed chunk by chunk) add up to the whole block's H.
 */
export function softHistograms(
  logits: Float32Array,
  bins: number,
  block: FisherBlock,
  tau: number,
  h: Float64Array,
  a: Float64Array = new Float64Array(bins),
): void {
  const { rows, w, q } = block
  const whole = a.length === rows * bins
  for (let r = 0; r < rows; r++) {
    const o = whole ? r * bins : 0
    let m = -Infinity
    for (let j = 0; j < bins; j++) m = Math.max(m, logits[r * bins + j] / tau)
    let z = 0
    for (let j = 0; j < bins; j++) z += a[o + j] = Math.exp(logits[r * bins + j] / tau - m)
    for (let j = 0; j < bins; j++) a[o + j] /= z
    for (let c = 0; c < q; c++) {
      const wc = w[c * rows + r]
      if (wc === 0) continue
      for (let j = 0; j < bins; j++) h[c * bins + j] += wc * a[o + j]
    }
  }
}

/**
 * λ (H's first row plus the floor), the inverse Fisher matrix (null when not positive
 * definite) and the loss (I⁻¹)₀₀ from the histograms H (q × bins) of a whole block.
 */
export function fisherOfHistograms(
  h: Float64Array,
  bins: number,
  q: number,
  constraints: readonly number[],
  floor = 1e-6,
): { lambda: Float64Array; inv: Float64Array | null; loss: number } {
  const k = q - 1
  if (constraints.length !== k)
    throw new Error(`fisherLoss: ${constraints.length} constraint terms for ${k} parameters`)
  const lambda = new Float64Array(bins)
  for (let j = 0; j < bins; j++) lambda[j] = h[j] + floor
  const d = (p: number, j: number): number => h[(1 + p) * bins + j]
  const fisher = new Float64Array(k * k)
  for (let j = 0; j < bins; j++)
    for (let p = 0; p < k; p++)
      for (let c = p; c < k; c++) fisher[p * k + c] += (d(p, j) * d(c, j)) / lambda[j]
  for (let p = 0; p < k; p++) {
    fisher[p * k + p] += constraints[p]
    for (let c = 0; c < p; c++) fisher[p * k + c] = fisher[c * k + p]
  }
  const inv = invertSpd(fisher, k)
  const loss = inv && inv[0] > 0 ? inv[0] : NaN
  return { lambda, inv, loss }
}

/** fisherLoss as the hand-written pass's loss head (reads the logits back once per batch). */
export function fisherLossHead(
  tf: typeof TF,
  block: FisherBlock,
  bins: number,
  tau: number,
  constraints: readonly number[],
): LossHead {
  return (z) => {
    const r = fisherLoss(z.dataSync() as Float32Array, bins, block, tau, constraints, true)
    return { loss: tf.scalar(r.loss), dz: tf.tensor2d(r.dLogits!, [block.rows, bins]) }
  }
}
