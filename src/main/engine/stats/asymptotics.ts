/**
 * Asymptotic hypothesis tests (Cowan, Cranmer, Gross, Vitells 2011, arXiv:1007.1727), computed
 * exactly as pyhf's AsymptoticCalculator does:
 *
 *   t_μ = twice_nll(μ, θ̂̂) − twice_nll(μ̂, θ̂) clipped at 0;
 *   q_μ, q̃_μ: t_μ, set to 0 when μ̂ > μ (q̃_μ is q_μ with the POI bounded below at 0);
 *   q₀: t₀, set to 0 when μ̂ < 0.
 *   The Asimov data set is the expected data (main and auxiliary) of the fit with the POI held at
 *   μ' = 0 (μ' = 1 for q₀) to the observed data; q_A is the same statistic on it.
 *   In −μ̂/σ space the statistic is √q − √q_A (q, q₀; q̃ when √q < √q_A) or
 *   (q − q_A)/(2√q_A) (q̃ otherwise); the s+b distribution is N(−√q_A, 1), the b-only N(0, 1):
 *   CLs+b = Φ(−(t + √q_A)), CLb = Φ(−t), CLs = CLs+b/CLb.
 *   Expected values use t = n for n = 2, 1, 0, −1, −2 (pyhf's order: the band of CLs from
 *   the −2σ to the +2σ limit), i.e. CLs_exp(n) = Φ(−(n + √q_A))/Φ(−n).
 *   For q₀ the p-value is p₀ = CLs+b = Φ(−√q₀), Z = √q₀; expected p₀(n) = Φ(−(n + √q₀_A)).
 */
import type { JobContext } from '../jobs/context'
import { FIT_TOLERANCE, fitLikelihood, type FitResult } from './fit'
import { clippedBinsWarning } from './fit-report'
import { asimovData, type Dataset, Likelihood } from './likelihood'
import type { Model } from './model'
import { normalCdf } from './special'

export type TestStatistic = 'qtilde' | 'q' | 'q0'

export interface AsymptoticOptions {
  testStat?: TestStatistic
  /** Minuit tolerance of the fits (default FIT_TOLERANCE); the Asimov-generating fit is polished. */
  tol?: number
  /**
   * Allow tested μ above the POI's upper bound (the fixed-POI fits hold it there; the free fits
   * keep the bound), as pyhf's limit scan extends its range. Default false.
   */
  beyondUpperBound?: boolean
  ctx?: JobContext
}

export const N_SIGMA = [2, 1, 0, -1, -2] as const

export interface HypotestResult {
  mu: number
  testStat: TestStatistic
  /** Test statistic on the observed data (q, q̃ or q₀) and on the Asimov data. */
  q: number
  qA: number
  /** The statistic in −μ̂/σ space that the p-values use. */
  teststat: number
  clsb: number
  clb: number
  /** CLs (q, q̃) observed; for q₀ this is p₀. */
  cls: number
  /** Expected CLs (or p₀ for q₀) at n = 2, 1, 0, −1, −2 σ (increasing CLs). */
  clsExp: number[]
  /** Best-fit POI on the data. */
  muHat: number
  /** Every fit behind the numbers converged. */
  converged: boolean
  /** Main-measurement bins clipped to zero expectation in any fit. */
  clippedBins: number
  /** Fits that did not converge, bins clipped in any fit of this calculator so far. */
  warnings: string[]
}

/**
 * Caches the fits that do not depend on the tested μ (free fit to data, Asimov data, free fit to
 * Asimov) so scans and limits pay only the two fixed-POI fits per μ.
 */
export class AsymptoticCalculator {
  readonly model: Model
  readonly testStat: TestStatistic
  readonly tol: number
  private readonly ctx?: JobContext
  private readonly beyondUpper: boolean
  private readonly lik: Likelihood
  private free: FitResult | null = null
  private asimovLik: Likelihood | null = null
  private asimovFit: FitResult | null = null
  private freeAsimov: FitResult | null = null
  private readonly fixedCache = new Map<string, FitResult>()
  readonly warnings: string[] = []
  /** The most main-measurement bins clipped to 0 at the minimum of any fit so far. */
  private clipped = 0

  constructor(model: Model, data: Dataset, options: AsymptoticOptions = {}) {
    if (model.poi < 0) throw new Error('the model has no parameter of interest (POI)')
    if (model.fixed[model.poi]) {
      throw new Error(
        `the POI '${model.poiName}' is fixed in the measurement; a hypothesis test needs it free`,
      )
    }
    this.model = model
    this.testStat = options.testStat ?? 'qtilde'
    this.tol = options.tol ?? FIT_TOLERANCE
    this.ctx = options.ctx
    this.beyondUpper = options.beyondUpperBound ?? false
    this.lik = new Likelihood(model, data)
    if (this.testStat === 'qtilde' && model.lower[model.poi] !== 0) {
      this.warnings.push(
        `q̃μ expects the POI bounded below at 0; its lower bound is ${model.lower[model.poi]}`,
      )
    }
  }

  /**
   * Only the fit that generates the Asimov data is polished: the data inherit its parameter
   * error linearly, while q only needs twice_nll, whose error is quadratic (≤ the EDM).
   */
  private fit(
    lik: Likelihood,
    init: ArrayLike<number> | undefined,
    mu: number | null,
    polish = false,
  ): FitResult {
    const fix = mu === null ? undefined : new Map([[this.model.poi, mu]])
    const r = fitLikelihood(lik, { init, fix, tol: this.tol, polish, ctx: this.ctx })
    this.clipped = Math.max(this.clipped, r.clippedBins)
    if (!r.converged)
      this.warnings.push(
        `fit${mu === null ? '' : ` at ${this.model.poiName} = ${mu}`} did not converge: ${r.message}`,
      )
    return r
  }

  /** Free fit to the observed data (μ̂, θ̂). */
  freeFit(): FitResult {
    this.free ??= this.fit(this.lik, undefined, null)
    return this.free
  }

  private checkMu(mu: number): void {
    const p = this.model.poi
    if (!(
      mu >= this.model.lower[p] &&
      (mu <= this.model.upper[p] || (this.beyondUpper && Number.isFinite(mu)))
    )) {
      throw new Error(
        `${this.model.poiName} = ${mu} is outside the POI bounds [${this.model.lower[p]}, ${this.model.upper[p]}]`,
      )
    }
  }

  /** The Asimov data set (for μ' = 0, or 1 for q₀) and the fit that generated it. */
  asimov(): { data: Dataset; fit: FitResult } {
    if (!this.asimovFit) {
      const muA = this.testStat === 'q0' ? 1 : 0
      this.checkMu(muA)
      this.asimovFit = this.fixedFit(this.lik, muA, true)
      this.asimovLik = new Likelihood(this.model, asimovData(this.model, this.asimovFit.x))
    }
    return { data: this.asimovLik!.data, fit: this.asimovFit }
  }

  private freeAsimovFit(): FitResult {
    if (!this.freeAsimov) {
      const { fit } = this.asimov()
      // The Asimov data's own generating point is the free minimum: start there.
      this.freeAsimov = this.fit(this.asimovLik!, fit.x, null)
    }
    return this.freeAsimov
  }

  /** Fixed-POI fit at μ, warm-started from the nearest μ already fitted on the same data. */
  private fixedFit(lik: Likelihood, mu: number, polish = false): FitResult {
    const tag = lik === this.lik ? 'd' : 'a'
    const key = `${tag}:${mu}${polish ? ':p' : ''}`
    const hit = this.fixedCache.get(key)
    if (hit) return hit
    let init: Float64Array | undefined
    let best = Infinity
    for (const [k, r] of this.fixedCache) {
      if (!k.startsWith(tag)) continue
      const d = Math.abs(Number(k.split(':')[1]) - mu)
      if (d < best) {
        best = d
        init = Float64Array.from(r.x)
      }
    }
    if (!init) {
      const ref = tag === 'd' ? this.freeFit() : this.freeAsimovFit()
      init = Float64Array.from(ref.x)
    }
    init[this.model.poi] = mu
    const r = this.fit(lik, init, mu, polish)
    this.fixedCache.set(key, r)
    return r
  }

  private statistic(lik: Likelihood, free: FitResult, mu: number): { q: number; fixed: FitResult } {
    const fixed = this.fixedFit(lik, mu)
    let q = Math.max(0, fixed.twiceNll - free.twiceNll)
    const muHat = free.x[this.model.poi]
    if (this.testStat === 'q0') {
      if (muHat < 0) q = 0
    } else if (muHat > mu) q = 0
    return { q, fixed }
  }

  /** q (or q̃, q₀) on the observed data at μ. */
  qObserved(mu: number): number {
    this.checkMu(mu)
    return this.statistic(this.lik, this.freeFit(), mu).q
  }

  /** The same statistic on the Asimov data at μ. */
  qAsimov(mu: number): number {
    this.checkMu(mu)
    this.asimov()
    return this.statistic(this.asimovLik!, this.freeAsimovFit(), mu).q
  }

  /** The full hypothesis test at μ (μ = 0 for q₀). */
  hypotest(mu: number): HypotestResult {
    this.ctx?.throwIfCancelled()
    const q = this.qObserved(mu)
    const qA = this.qAsimov(mu)
    const p = pValues(q, qA, this.testStat)
    const fits = [
      this.freeFit(),
      this.asimov().fit,
      this.freeAsimovFit(),
      this.fixedFit(this.lik, mu),
      this.fixedFit(this.asimovLik!, mu),
    ]
    return {
      mu,
      testStat: this.testStat,
      q,
      qA,
      ...p,
      muHat: this.freeFit().x[this.model.poi],
      converged: fits.every((f) => f.converged),
      clippedBins: Math.max(...fits.map((f) => f.clippedBins)),
      warnings: [
        ...new Set(this.warnings),
        ...(this.clipped ? [clippedBinsWarning(this.clipped)] : []),
      ],
    }
  }
}

/** p-values from q and q_A as pyhf's AsymptoticCalculator (see the module comment). */
export function pValues(
  q: number,
  qA: number,
  testStat: TestStatistic,
): { teststat: number; clsb: number; clb: number; cls: number; clsExp: number[] } {
  const sq = Math.sqrt(q)
  const sqA = Math.sqrt(qA)
  let t: number
  if (testStat !== 'qtilde' || sq < sqA) t = sq - sqA
  // q̃ at q = q_A = 0 (μ = 0) is 0/0 in pyhf; the limit of both branches there is 0.
  else t = sqA > 0 ? (q - qA) / (2 * sqA) : 0
  const clsb = normalCdf(-(t + sqA))
  const clb = normalCdf(-t)
  const expected = N_SIGMA.map((n) => {
    const sb = normalCdf(-(n + sqA))
    return testStat === 'q0' ? sb : sb / normalCdf(-n)
  })
  return { teststat: t, clsb, clb, cls: testStat === 'q0' ? clsb : clsb / clb, clsExp: expected }
}

/** One hypothesis test at μ (pyhf.infer.hypotest with the asymptotic calculator). */
export function hypotest(
  model: Model,
  data: Dataset,
  mu: number,
  options: AsymptoticOptions = {},
): HypotestResult {
  return new AsymptoticCalculator(model, data, options).hypotest(mu)
}

export interface SignificanceResult {
  /** Observed discovery p-value p₀ and significance Z = √q₀. */
  pObs: number
  zObs: number
  /** Median expected (signal at μ = 1) p₀ and Z = √q₀,A. */
  pExp: number
  zExp: number
  /** Expected p₀ at n = 2, 1, 0, −1, −2 σ. */
  pExpBand: number[]
  q0: number
  q0A: number
  muHat: number
  converged: boolean
  warnings: string[]
}

/** Discovery significance with q₀ (Cowan et al. 2011, eqs. 52–53). */
export function discoverySignificance(
  model: Model,
  data: Dataset,
  options: Omit<AsymptoticOptions, 'testStat'> = {},
): SignificanceResult {
  const r = hypotest(model, data, 0, { ...options, testStat: 'q0' })
  const empty = Number.isFinite(r.q) ? [] : emptyBins(model, data)
  const warnings = empty.length
    ? [
        `q₀ is infinite: with μ = 0 the model expects no events in ${empty.join(', ')}, where ` +
          'the data has some (a bin with signal but no background; merge it or give it a background estimate)',
        ...r.warnings,
      ]
    : r.warnings
  return {
    pObs: r.cls,
    zObs: Math.sqrt(r.q),
    pExp: r.clsExp[2],
    zExp: Math.sqrt(r.qA),
    pExpBand: r.clsExp,
    q0: r.q,
    q0A: r.qA,
    muHat: r.muHat,
    converged: r.converged,
    warnings,
  }
}

/** Bins ("channel bin k", 1-based) with data but no expectation at μ = 0 and the initial nuisances. */
function emptyBins(model: Model, data: Dataset): string[] {
  const pars = Float64Array.from(model.init)
  if (model.poi >= 0) pars[model.poi] = 0
  const lambda = new Likelihood(model, data).expected(pars)
  const out: string[] = []
  for (const ch of model.channels)
    for (let k = 0; k < ch.nbins; k++)
      if (!(lambda[ch.offset + k] > 0) && data.main[ch.offset + k] > 0)
        out.push(`${ch.name} bin ${k + 1}`)
  return out
}
