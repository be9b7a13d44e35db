/**
 * Expected yields per sample and bin at given parameter values, and the 1σ uncertainty of the
 * total per bin propagated from a parameter covariance (σ²_b = J_b C J_bᵀ): pre-fit with the
 * constraint widths, post-fit with the HESSE covariance — the stacked plots of a fit.
 */
import { checkFitSize } from './fit-size'
import { Likelihood, type Dataset } from './likelihood'
import type { Model } from './model'
import { prior } from './ranking'

/**
 * The model with every sample but `s` removed (nominal and histosys templates zeroed), so its
 * expected yields are sample s's contribution; factors and parameters are unchanged.
 */
function onlySample(model: Model, s: number): Model {
  const sbNom = new Float64Array(model.sbNom.length)
  const hsU = new Float64Array(model.hsU.length)
  const hsD = new Float64Array(model.hsD.length)
  for (let i = model.sampleStart[s]; i < model.sampleStart[s + 1]; i++) {
    sbNom[i] = model.sbNom[i]
    for (let h = model.hsStart[i]; h < model.hsStart[i + 1]; h++) {
      hsU[h] = model.hsU[h]
      hsD[h] = model.hsD[h]
    }
  }
  return { ...model, sbNom, hsU, hsD }
}

/** Yields of each sample (model.samples order) over all bins: samples × nbins. */
export function sampleYields(model: Model, pars: ArrayLike<number>): Float64Array[] {
  const data: Dataset = { main: new Float64Array(model.nbins), aux: new Float64Array(model.npar) }
  return model.samples.map((_, s) => new Likelihood(onlySample(model, s), data).expected(pars))
}

/**
 * 1σ uncertainty of the total expected yield per bin for a covariance `cov` (npar × npar,
 * row-major) at `pars`.
 */
export function totalError(
  lik: Likelihood,
  pars: ArrayLike<number>,
  cov: Float64Array,
): Float64Array {
  const { nbins, npar } = lik.model
  // Sparse rows: a bin depends on few parameters, so this is linear in the number of bins.
  const { start, par, value } = lik.jacobianRows(pars)
  const out = new Float64Array(nbins)
  for (let b = 0; b < nbins; b++) {
    let v = 0
    for (let t = start[b]; t < start[b + 1]; t++) {
      const row = par[t] * npar
      let acc = 0
      for (let u = start[b]; u < start[b + 1]; u++) acc += cov[row + par[u]] * value[u]
      v += value[t] * acc
    }
    out[b] = Math.sqrt(Math.max(0, v))
  }
  return out
}

/** Pre-fit covariance: diagonal, the constraint widths; free and fixed parameters contribute 0. */
export function prefitCovariance(model: Model): Float64Array {
  checkFitSize(model)
  const n = model.npar
  const cov = new Float64Array(n * n)
  for (let p = 0; p < n; p++) {
    const pr = model.fixed[p] ? null : prior(model, p)
    if (pr) cov[p * n + p] = pr.width * pr.width
  }
  return cov
}
