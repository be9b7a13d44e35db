/**
 * Asimov Fisher information of the binned Poisson model of the synthetic benchmark and the
 * INFERNO loss built on it.
 *
 * Expected counts per bin: μ(θ) = s·S + b·B(r, λ) with S, B the normalised signal and
 * background histograms of the summary statistic. At the Asimov point (observed = μ) the
 * Hessian of −ln L = Σ (μ − n ln μ) is exactly I_ij = Σ_bins ∂_i μ ∂_j μ / μ (the second-
 * derivative term is multiplied by 1 − n/μ = 0), plus 1/σ² on the diagonal for each Gaussian
 * constraint. ∂μ/∂s = S and ∂μ/∂b = B in closed form; ∂μ/∂r and ∂μ/∂λ come from symmetric finite
 * differences b·(B(θ + ε) − B(θ − ε)) / 2ε of the histograms of the transformed background.
 * Those histograms are soft during training, so the differences stay differentiable in the
 * network weights (the training loss and its gradient: fisher-head.ts); this replaces the
 * paper's nested autodiff through the input transform (error O(ε²)). For hard histograms
 * with ε = the template steps it is the paper's own evaluation (quadratic interpolation between
 * ±1σ templates, whose slope at 0 is this difference).
 */
import { invertSpd } from '../../stats/linalg'
import { type Benchmark, type ParamName } from './benchmarks'
import { NOMINAL } from './simulator'

/** Shape nuisances that act on the background inputs. */
export type ShapeNuisance = 'r' | 'lambda'

/** Normalised histograms (each sums to 1) of the summary statistic, b bins. */
export interface Shapes<V> {
  readonly signal: V
  readonly background: V
  /** Background at nominal ± step of each shape nuisance. */
  readonly up: Partial<Record<ShapeNuisance, V>>
  readonly down: Partial<Record<ShapeNuisance, V>>
}

/** Finite-difference half-steps per shape nuisance, in parameter units. */
export type Steps = Record<ShapeNuisance, number>

/** The paper's template steps (paper-inferno template_model.py): r ± 0.2, λ ± 0.5. */
export const TEMPLATE_STEPS: Steps = { r: 0.2, lambda: 0.5 }

/** Shape nuisances a benchmark needs variations for. */
export function shapeNuisances(bm: Benchmark): ShapeNuisance[] {
  return bm.params.filter((p): p is ShapeNuisance => p === 'r' || p === 'lambda')
}

/** Nuisance values of the up (+1) or down (−1) variation of `which`. */
export function shifted(
  which: ShapeNuisance,
  sign: 1 | -1,
  steps: Steps,
): { r: number; lambda: number } {
  return which === 'r'
    ? { r: NOMINAL.r + sign * steps.r, lambda: NOMINAL.lambda }
    : { r: NOMINAL.r, lambda: NOMINAL.lambda + sign * steps.lambda }
}

/** Constraint term 1/σ² per parameter of the benchmark (0 when unconstrained). */
export function constraintTerms(bm: Benchmark): number[] {
  return bm.params.map((p) => {
    const s = bm.constraints[p]
    return s === undefined ? 0 : 1 / (s * s)
  })
}

// ---- float64 (evaluation, validation) ----

/** Expected counts μ = s·S + b·B at the nominal point, per bin. */
export function expectedCounts(sh: Shapes<Float64Array>): Float64Array {
  const mu = new Float64Array(sh.signal.length)
  for (let j = 0; j < mu.length; j++)
    mu[j] = NOMINAL.s * sh.signal[j] + NOMINAL.b * sh.background[j]
  return mu
}

/** ∂μ/∂θ per bin for each parameter of the benchmark (in its order). */
export function countDerivatives(
  sh: Shapes<Float64Array>,
  params: readonly ParamName[],
  steps: Steps,
): Float64Array[] {
  return params.map((p) => {
    if (p === 's') return Float64Array.from(sh.signal)
    if (p === 'b') return Float64Array.from(sh.background)
    const up = sh.up[p]
    const down = sh.down[p]
    if (!up || !down) throw new Error(`no background variation for ${p}`)
    const d = new Float64Array(up.length)
    for (let j = 0; j < d.length; j++) d[j] = (NOMINAL.b * (up[j] - down[j])) / (2 * steps[p])
    return d
  })
}

/**
 * Fisher information k × k (row-major) Σ_bins d_i d_j / μ + diag(constraints); bins with
 * μ ≤ 0 carry no information and are skipped (the paper drops empty bins too).
 */
export function fisherMatrix(
  mu: Float64Array,
  derivs: readonly Float64Array[],
  constraints: readonly number[],
): Float64Array {
  const k = derivs.length
  const f = new Float64Array(k * k)
  for (let j = 0; j < mu.length; j++) {
    if (!(mu[j] > 0)) continue
    for (let a = 0; a < k; a++)
      for (let c = 0; c < k; c++) f[a * k + c] += (derivs[a][j] * derivs[c][j]) / mu[j]
  }
  for (let a = 0; a < k; a++) f[a * k + a] += constraints[a]
  return f
}

/** √(I⁻¹)_00: the expected uncertainty of the POI (parameter 0); NaN when I is singular. */
export function poiSigmaFromFisher(f: Float64Array, k: number): number {
  const inv = invertSpd(Float64Array.from(f), k)
  return inv ? Math.sqrt(inv[0]) : NaN
}

/** Expected σ_s of a benchmark from its normalised histograms (Fisher information). */
export function fisherSigmaS(sh: Shapes<Float64Array>, bm: Benchmark, steps: Steps): number {
  const f = fisherMatrix(
    expectedCounts(sh),
    countDerivatives(sh, bm.params, steps),
    constraintTerms(bm),
  )
  return poiSigmaFromFisher(f, bm.params.length)
}
