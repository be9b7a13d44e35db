/**
 * Ranking of the parameters by their impact on the POI, as cabinetry's `fit.ranking`: refit with
 * θ held at θ̂ ± Δθ and take Δμ = μ̂(θ fixed) − μ̂. Pre-fit Δθ is the prior width (pulls.ts);
 * post-fit Δθ the HESSE error. Every free parameter but the POI is ranked: constrained nuisance
 * parameters and the free normalisation factors (normfactor, shapefactor), which have no prior
 * and so only a post-fit impact. Ranked by the larger post-fit |Δμ|.
 */
import type { JobContext } from '../jobs/context'
import { fitLikelihood, type FitResult } from './fit'
import type { Likelihood } from './likelihood'
import { prior } from './pulls'

// Pulls live in pulls.ts; re-exported for callers that take both from here.
export { prior, pulls, type Pull } from './pulls'

export interface Impact {
  name: string
  /** Δμ for θ̂ + Δθ_prior and θ̂ − Δθ_prior; NaN for a free parameter (it has no prior). */
  prefit: [number, number]
  /** Δμ for θ̂ + Δθ_post and θ̂ − Δθ_post. */
  postfit: [number, number]
  converged: boolean
}

/**
 * Impacts of every free parameter but the POI on the POI, ranked by post-fit impact. Needs a
 * free fit with HESSE (`best.hesse`). 4 fits per constrained parameter, 2 per free one,
 * warm-started from the best fit.
 */
export function impacts(
  lik: Likelihood,
  best: FitResult,
  options: { tol?: number; ctx?: JobContext } = {},
): Impact[] {
  const model = lik.model
  const poi = model.poi
  if (poi < 0) throw new Error('impacts need a POI')
  if (!best.hesse) throw new Error('impacts need the covariance of the free fit (HESSE)')
  const params: number[] = []
  for (let p = 0; p < model.npar; p++) if (p !== poi && !best.fixed[p]) params.push(p)
  const out: Impact[] = []
  params.forEach((p, k) => {
    options.ctx?.throwIfCancelled()
    options.ctx?.progress(k / params.length, `impact of ${model.parNames[p]}`)
    out.push(impact(lik, best, p, options))
  })
  const size = (i: Impact): number => Math.max(Math.abs(i.postfit[0]), Math.abs(i.postfit[1]))
  return out.sort((a, b) => size(b) - size(a))
}

/** The impact of parameter `p` on the POI around the free fit `best` (with HESSE). */
export function impact(
  lik: Likelihood,
  best: FitResult,
  p: number,
  options: { tol?: number; ctx?: JobContext } = {},
): Impact {
  const model = lik.model
  const poi = model.poi
  const muHat = best.x[poi]
  const pr = prior(model, p)
  const post = best.hesse?.errors[p] ?? NaN
  let ok = true
  const shift = (delta: number): number => {
    if (!Number.isFinite(delta)) return NaN
    const v = Math.min(model.upper[p], Math.max(model.lower[p], best.x[p] + delta))
    const fix = new Map([[p, v]])
    for (let j = 0; j < best.fixed.length; j++) if (best.fixed[j]) fix.set(j, best.x[j])
    const x0 = Float64Array.from(best.x)
    x0[p] = v
    const r = fitLikelihood(lik, { init: x0, fix, tol: options.tol, ctx: options.ctx })
    if (!r.converged) ok = false
    return r.x[poi] - muHat
  }
  return {
    name: model.parNames[p],
    prefit: pr ? [shift(pr.width), shift(-pr.width)] : [NaN, NaN],
    postfit: [shift(post), shift(-post)],
    converged: ok,
  }
}
