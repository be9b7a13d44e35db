/**
 * MINOS: asymmetric errors of a parameter from the profile likelihood, i.e. the values where
 * min over the other parameters of twice_nll rises by ERRORDEF (1) above the global minimum.
 * Each side is bracketed from the HESSE error outwards and solved with Brent's method; every
 * profile fit is warm-started from the nearest one already done.
 */
import type { JobContext } from '../jobs/context'
import { ERRORDEF, fitLikelihood, type FitResult } from './fit'
import type { Likelihood } from './likelihood'
import { brentRoot } from './roots'

export interface MinosError {
  /** Negative (or 0) lower error and positive upper error, in parameter units. */
  lower: number
  upper: number
  /** The side stopped at the parameter's bound before Δ reached ERRORDEF. */
  lowerAtLimit: boolean
  upperAtLimit: boolean
  /** All profile fits converged and both roots were found. */
  valid: boolean
  nfits: number
}

export interface MinosOptions {
  /** Precision of the crossing in units of the HESSE error (default 1e-4). */
  xtol?: number
  /** Tolerance of the profile fits (default FIT_TOLERANCE). */
  tol?: number
  ctx?: JobContext
}

/**
 * MINOS errors of parameter `p` around the free fit `best` (which must carry HESSE errors or
 * pass `sigma`). Units: those of the parameter.
 */
export function minos(
  lik: Likelihood,
  best: FitResult,
  p: number,
  options: MinosOptions & { sigma?: number } = {},
): MinosError {
  const model = lik.model
  const up = ERRORDEF
  let sigma = options.sigma ?? best.hesse?.errors[p] ?? NaN
  if (!(sigma > 0)) sigma = 0.1 * (1 + Math.abs(best.x[p]))
  const xhat = best.x[p]
  const lo = model.lower[p]
  const hi = model.upper[p]
  const done: { v: number; fit: FitResult }[] = []
  let valid = true
  const profile = (v: number): number => {
    options.ctx?.throwIfCancelled()
    let init = best.x
    let dist = Math.abs(v - xhat)
    for (const d of done) {
      if (Math.abs(d.v - v) < dist) {
        dist = Math.abs(d.v - v)
        init = d.fit.x
      }
    }
    const x0 = Float64Array.from(init)
    x0[p] = v
    const fix = new Map([[p, v]])
    for (let i = 0; i < best.fixed.length; i++) if (best.fixed[i] && i !== p) fix.set(i, best.x[i])
    const fit = fitLikelihood(lik, { init: x0, fix, tol: options.tol, ctx: options.ctx })
    if (!fit.converged) valid = false
    done.push({ v, fit })
    return fit.twiceNll - best.twiceNll - up
  }
  const side = (dir: 1 | -1): { err: number; atLimit: boolean } => {
    const bound = dir > 0 ? hi : lo
    if ((bound - xhat) * dir <= 0) return { err: 0, atLimit: true }
    let a = xhat
    let fa = -up
    let step = sigma
    for (let k = 0; k < 40; k++) {
      let b = xhat + dir * step
      let atBound = false
      if ((b - bound) * dir >= 0) {
        b = bound
        atBound = true
      }
      const fb = profile(b)
      if (fb >= 0) {
        const r = brentRoot(profile, a, b, { fa, fb, xtol: (options.xtol ?? 1e-4) * sigma })
        if (!r.converged) valid = false
        return { err: r.x - xhat, atLimit: false }
      }
      if (atBound) return { err: bound - xhat, atLimit: true }
      a = b
      fa = fb
      step *= 1.6
    }
    valid = false
    return { err: NaN, atLimit: false }
  }
  const u = side(1)
  const l = side(-1)
  return {
    lower: l.err,
    upper: u.err,
    lowerAtLimit: l.atLimit,
    upperAtLimit: u.atLimit,
    valid: valid && Number.isFinite(l.err) && Number.isFinite(u.err),
    nfits: done.length,
  }
}
