/**
 * CLs upper limits on the POI (asymptotic, q̃μ by default), observed and expected ±1σ ±2σ:
 *  - by root finding (`upperLimit`): the expected limits solve √q_A(μ) = T_n exactly, with
 *    T_n = −Φ⁻¹(α·Φ(−n)) − n (the μ where Φ(−(n + √q_A))/Φ(−n) = α); √q_A is smooth and nearly
 *    linear in μ, so a few Asimov fits suffice. The observed limit is Brent's root of
 *    CLs_obs(μ) − α, bracketed around the median expected limit.
 *  - by scan (`upperLimitScan`): CLs on a grid and linear interpolation of the crossing, as
 *    pyhf.infer.intervals.upper_limits.upper_limit(scan=…) does (np.interp on the reversed arrays).
 * α = 1 − CL (0.05 for 95 % CL). Expected limits are listed −2σ … +2σ (increasing).
 */
import type { JobContext } from '../jobs/context'
import {
  AsymptoticCalculator,
  N_SIGMA,
  type HypotestResult,
  type TestStatistic,
} from './asymptotics'
import type { Dataset } from './likelihood'
import type { Model } from './model'
import { brentRoot } from './roots'
import { normalCdf, normalQuantile } from './special'

export interface LimitOptions {
  /** Confidence level (default 0.95): the limit is where CLs = 1 − cl. */
  cl?: number
  testStat?: Exclude<TestStatistic, 'q0'>
  /** Relative precision of the limits in μ (default 1e-6). */
  rtol?: number
  tol?: number
  ctx?: JobContext
}

export interface LimitResult {
  obs: number
  /** Expected limits at −2σ, −1σ, median, +1σ, +2σ. */
  exp: number[]
  cl: number
  /** μ values tested and their results, in the order evaluated. */
  points: { mu: number; cls: number; clsExp: number[] }[]
  converged: boolean
  warnings: string[]
}

/** numpy.interp(x, xp, fp) for increasing xp (values outside clamp to the end points). */
export function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length
  if (n === 0) return NaN
  if (x <= xp[0]) return fp[0]
  if (x >= xp[n - 1]) return fp[n - 1]
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (xp[mid] <= x) lo = mid
    else hi = mid
  }
  const t = (x - xp[lo]) / (xp[hi] - xp[lo])
  return fp[lo] + t * (fp[hi] - fp[lo])
}

/** CLs at each μ of `scan` and the interpolated crossings (pyhf's linear-scan upper limit). */
export function upperLimitScan(
  model: Model,
  data: Dataset,
  scan: number[],
  options: LimitOptions = {},
): LimitResult {
  const cl = options.cl ?? 0.95
  const alpha = 1 - cl
  const calc = new AsymptoticCalculator(model, data, {
    testStat: options.testStat ?? 'qtilde',
    tol: options.tol,
    ctx: options.ctx,
  })
  const results: HypotestResult[] = []
  scan.forEach((mu, i) => {
    options.ctx?.progress(i / scan.length, `CLs at ${model.poiName} = ${mu}`)
    results.push(calc.hypotest(mu))
  })
  const mus = scan.slice().reverse()
  const obsCls = results.map((r) => r.cls).reverse()
  const obs = interp(alpha, obsCls, mus)
  const exp = [0, 1, 2, 3, 4].map((k) =>
    interp(alpha, results.map((r) => r.clsExp[k]).reverse(), mus),
  )
  return {
    obs,
    exp,
    cl,
    points: results.map((r) => ({ mu: r.mu, cls: r.cls, clsExp: r.clsExp })),
    converged: results.every((r) => r.converged),
    // One calculator ran every fit: its last result's warnings cover them all.
    warnings: results.at(-1)?.warnings ?? [],
  }
}

/** The CLs upper limit by root finding (see the module comment). */
export function upperLimit(model: Model, data: Dataset, options: LimitOptions = {}): LimitResult {
  const cl = options.cl ?? 0.95
  if (!(cl > 0 && cl < 1)) throw new Error(`confidence level must be in (0, 1), got ${cl}`)
  const alpha = 1 - cl
  const rtol = options.rtol ?? 1e-6
  const calc = new AsymptoticCalculator(model, data, {
    testStat: options.testStat ?? 'qtilde',
    tol: options.tol,
    beyondUpperBound: true,
    ctx: options.ctx,
  })
  const p = model.poi
  const lo = Math.max(model.lower[p], 0)
  // Like pyhf's toms748_scan, the search may go past the POI's upper bound (μ is held there in
  // the fixed-POI fits only), up to 10× it; a limit beyond the bound is reported with a warning.
  const bound = model.upper[p]
  const hi = 10 * bound
  const warnings: string[] = []
  const points = new Map<number, { mu: number; cls: number; clsExp: number[] }>()
  const sqA = (mu: number): number => Math.sqrt(calc.qAsimov(mu))
  let evals = 0
  const clsObs = (mu: number): number => {
    options.ctx?.throwIfCancelled()
    options.ctx?.progress(
      Math.min(0.95, evals++ / 40),
      `CLs at ${model.poiName} = ${mu.toPrecision(5)}`,
    )
    const r = calc.hypotest(mu)
    points.set(mu, { mu, cls: r.cls, clsExp: r.clsExp })
    return r.cls - alpha
  }

  // Scale: σ_μ ≈ μ₁/√q_A(μ₁) at a probe μ₁ inside the bounds.
  let probe = Math.min(bound, Math.max(lo + (bound - lo) * 1e-3, 1))
  let s1 = sqA(probe)
  for (let k = 0; k < 30 && !(s1 > 0.5) && probe < hi; k++) {
    probe = Math.min(hi, probe * 4)
    s1 = sqA(probe)
  }
  if (!(s1 > 0))
    throw new Error(
      `the Asimov test statistic is 0 up to ${model.poiName} = ${hi}: the model has no sensitivity to the POI`,
    )
  const sigma = probe / s1

  const solve = (g: (mu: number) => number, guess: number, what: string): number => {
    // Bracket by geometric steps from the guess, inside [lo, hi].
    let a = Math.min(hi, Math.max(lo, guess))
    let fa = g(a)
    let b = a
    let fb = fa
    const factor = 1.5
    for (let k = 0; k < 60; k++) {
      if (fa > 0) {
        // Not excluded yet: move up.
        if (b >= hi) break
        b = Math.min(hi, Math.max(b * factor, b + sigma * 0.25))
        fb = g(b)
        if (fb <= 0) break
        a = b
        fa = fb
      } else {
        if (a <= lo) break
        b = a
        fb = fa
        a = Math.max(lo, Math.min(a / factor, a - sigma * 0.25))
        fa = g(a)
        if (fa > 0) break
      }
    }
    if (fa > 0 && fb > 0) {
      warnings.push(`${what} limit is above ${hi} (10× the POI upper bound)`)
      return NaN
    }
    if (fa <= 0 && fb <= 0) {
      warnings.push(`${what} limit is below the POI lower bound ${lo}`)
      return lo
    }
    const r = brentRoot(g, a, b, { fa, fb, xtol: rtol * Math.max(Math.abs(a), Math.abs(b), 1e-12) })
    if (!r.converged) warnings.push(`${what} limit: root finding did not converge`)
    return r.x
  }

  const exp = N_SIGMA.map((n, i) => {
    const target = -normalQuantile(alpha * normalCdf(-n)) - n
    const which = ['−2σ', '−1σ', 'median', '+1σ', '+2σ'][i] + ' expected'
    return solve((mu) => target - sqA(mu), target * sigma, which)
  })
  const obs = solve(clsObs, Number.isFinite(exp[2]) ? exp[2] : sigma * 2, 'observed')
  const above = [obs, ...exp].filter((v) => v > bound).length
  if (above)
    warnings.push(
      `${above} limit(s) above the POI upper bound ${bound} (fits held ${model.poiName} beyond it)`,
    )
  const list = [...points.values()].sort((a, b) => a.mu - b.mu)
  const res = calc.hypotest(Number.isFinite(obs) ? obs : hi)
  return {
    obs,
    exp,
    cl,
    points: list,
    converged: res.converged && warnings.every((w) => !w.includes('did not converge')),
    warnings: [...warnings, ...res.warnings],
  }
}
