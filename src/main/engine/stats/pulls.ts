/**
 * Pulls of the constrained nuisance parameters after a fit:
 * pull = (θ̂ − θ₀)/Δθ_prior and constraint = Δθ_post/Δθ_prior
 * (Gaussian: θ₀ = aux, Δθ_prior = σ; Poisson: θ₀ = aux/τ, Δθ_prior = 1/√τ).
 */
import type { FitResult } from './fit'
import type { Model } from './model'

export interface Pull {
  name: string
  value: number
  /** (θ̂ − θ₀)/Δθ_prior. */
  pull: number
  /** Δθ_post/Δθ_prior (NaN without HESSE). */
  constraint: number
}

/** Prior centre and width of a constrained parameter (null for free ones). */
export function prior(model: Model, p: number): { centre: number; width: number } | null {
  if (model.constraint[p] === 1) return { centre: model.auxdata[p], width: model.sigma[p] }
  if (model.constraint[p] === 2) {
    const tau = model.factor[p]
    return { centre: model.auxdata[p] / tau, width: 1 / Math.sqrt(tau) }
  }
  return null
}

/** Pulls of every free constrained parameter of the fit `best`. */
export function pulls(model: Model, best: FitResult): Pull[] {
  const out: Pull[] = []
  for (let p = 0; p < model.npar; p++) {
    if (best.fixed[p]) continue
    const pr = prior(model, p)
    if (!pr) continue
    const post = best.hesse?.errors[p] ?? NaN
    out.push({
      name: model.parNames[p],
      value: best.x[p],
      pull: (best.x[p] - pr.centre) / pr.width,
      constraint: post / pr.width,
    })
  }
  return out
}
