/**
 * The report of a maximum-likelihood fit, shaped like iminuit's results: named values, HESSE
 * errors, MINOS intervals, the covariance and correlation in named order and the state of the
 * minimum (EDM, valid, calls, tolerance). `fitReport` is the one place that fits, runs MINOS and
 * turns the minimiser's index-based FitResult into names; the Fit view (services/fit.ts) and
 * `hepwb fit` both use it, so the window and a script print the same numbers.
 *
 * It is plain JSON: a number that is not defined (an error without a positive-definite Hessian,
 * a MINOS side that found no crossing) is null, never NaN.
 */
import { finiteOrNull } from '../../../shared/contract/common'
import type { JobContext } from '../jobs/context'
import { ERRORDEF, fitLikelihood, type FitResult } from './fit'
import type { Likelihood } from './likelihood'
import { minos, type MinosError } from './minos'
import { requirePar, type Model } from './model'

export interface MinosReport {
  /** Lower (≤ 0) and upper (≥ 0) error in parameter units; null where no crossing was found. */
  lower: number | null
  upper: number | null
  /** Every profile fit converged and both sides were found (or stopped at the bound). */
  valid: boolean
  /** The side stopped at the parameter's bound before Δ(−2 ln L) reached ERRORDEF. */
  lowerAtLimit: boolean
  upperAtLimit: boolean
}

export interface ParameterReport {
  name: string
  value: number
  /** HESSE error at Δ(−2 ln L) = ERRORDEF; null when fixed or without a valid covariance. */
  error: number | null
  /** MINOS interval, when it was asked for this parameter. */
  minos: MinosReport | null
  fixed: boolean
  /** [lower, upper] bound of the fit. */
  bounds: [number, number]
  /** Free and ended on a bound. */
  atBound: boolean
}

/** A square matrix over named parameters (row-major, rows and columns in `names` order). */
export interface NamedMatrix {
  names: string[]
  matrix: (number | null)[][]
}

export interface FitMinimum {
  /** The minimiser met its convergence test. */
  converged: boolean
  /** Converged and the Hessian is positive definite (iminuit's FMin.is_valid). */
  valid: boolean
  /** Estimated distance to the minimum, ½ gᵀ V g (after HESSE, with its covariance); null if not finite. */
  edm: number | null
  /** Objective and gradient evaluations of the free fit. */
  calls: number
  /** Minuit's tolerance: converged means EDM < 0.002 · tolerance · errordef. */
  tolerance: number
  errordef: number
  /** null when HESSE did not run. */
  hessianPositiveDefinite: boolean | null
  message: string
}

export interface FitReport {
  poi: string | null
  /** −2 ln L at the minimum (pyhf's twice_nll); null where it is not finite (a failed fit). */
  twiceNll: number | null
  parameters: ParameterReport[]
  /** Covariance and correlation of the free parameters. */
  covariance: NamedMatrix
  correlation: NamedMatrix
  minimum: FitMinimum
  /** Main-measurement bins whose negative expected yield was clipped to 0 at the minimum. */
  clippedBins: number
  warnings: string[]
}

export interface FitReportOptions {
  /** MINOS for these parameters: names, 'poi' for the POI, 'all' for every free parameter. */
  minos?: readonly string[]
  ctx?: JobContext
}

/**
 * The free fit with HESSE at FIT_TOLERANCE, MINOS for the parameters asked for, and its report.
 * `fit` is the minimiser's result, for what builds on it (pulls, yields, scans). Progress runs
 * from 0 to 0.8. Throws for an unknown or fixed MINOS parameter, naming it.
 */
export function fitReport(
  lik: Likelihood,
  options: FitReportOptions = {},
): { fit: FitResult; report: FitReport } {
  const { model } = lik
  const ctx = options.ctx
  // The free fit holds exactly the model's fixed parameters: names are checked before fitting.
  const targets = minosTargets(model, model.fixed, options.minos ?? [])
  ctx?.progress(0.02, 'fitting')
  const fit = fitLikelihood(lik, { hesse: true, ctx })
  ctx?.throwIfCancelled()
  const intervals = new Map<number, MinosError>()
  // As iminuit, no MINOS around a minimum that was not found: its intervals would mean nothing.
  const skip = !fit.converged && targets.length > 0
  if (!skip)
    targets.forEach((p, k) => {
      ctx?.throwIfCancelled()
      ctx?.progress(0.3 + (0.5 * k) / targets.length, `MINOS for ${model.parNames[p]}`)
      intervals.set(p, minos(lik, fit, p, { ctx }))
    })
  const report = buildFitReport(model, fit, intervals)
  if (skip) report.warnings.push('MINOS was not run: the fit did not converge')
  return { fit, report }
}

/**
 * Parameter indices for MINOS from names, 'poi' (the POI, if the model has one) and 'all' (every
 * free parameter), without repeats, in model order.
 */
export function minosTargets(
  model: Model,
  fixed: ArrayLike<number>,
  names: readonly string[],
): number[] {
  const set = new Set<number>()
  for (const name of names) {
    if (name === 'poi') {
      if (model.poi >= 0 && !fixed[model.poi]) set.add(model.poi)
    } else if (name === 'all') {
      for (let p = 0; p < model.npar; p++) if (!fixed[p]) set.add(p)
    } else {
      const p = requirePar(model, name)
      if (fixed[p]) throw new Error(`parameter '${name}' is fixed: MINOS needs a free parameter`)
      set.add(p)
    }
  }
  return [...set].sort((a, b) => a - b)
}

/** The report of the free fit `fit` (with HESSE) and the MINOS intervals computed around it. */
export function buildFitReport(
  model: Model,
  fit: FitResult,
  intervals: ReadonlyMap<number, MinosError> = new Map(),
): FitReport {
  const names = model.parNames
  const n = model.npar
  const atBound = new Set(fit.atBound)
  const hesse = fit.hesse
  const parameters: ParameterReport[] = names.map((name, p) => {
    const m = intervals.get(p)
    return {
      name,
      value: fit.x[p],
      error: hesse && !fit.fixed[p] ? finiteOrNull(hesse.errors[p]) : null,
      minos: m
        ? {
            lower: finiteOrNull(m.lower),
            upper: finiteOrNull(m.upper),
            valid: m.valid,
            lowerAtLimit: m.lowerAtLimit,
            upperAtLimit: m.upperAtLimit,
          }
        : null,
      fixed: fit.fixed[p] === 1,
      bounds: [model.lower[p], model.upper[p]],
      atBound: atBound.has(p),
    }
  })
  const free = hesse?.free ?? names.flatMap((_, p) => (fit.fixed[p] ? [] : [p]))
  const m = free.length
  const freeNames = free.map((p) => names[p])
  const covariance: NamedMatrix = {
    names: freeNames,
    matrix: free.map((i) =>
      free.map((j) => (hesse ? finiteOrNull(hesse.covariance[i * n + j]) : null)),
    ),
  }
  const correlation: NamedMatrix = {
    names: freeNames,
    matrix: free.map((_, a) =>
      free.map((__, b) => (hesse ? finiteOrNull(hesse.correlation[a * m + b]) : null)),
    ),
  }
  const warnings = [...model.warnings]
  if (model.poi >= 0 && model.fixed[model.poi])
    warnings.push(`the POI '${model.poiName}' is fixed in the measurement`)
  warnings.push(...fitWarnings(fit))
  for (const p of fit.atBound) warnings.push(`${names[p]} ended at a bound`)
  for (const [p, e] of intervals) {
    // Not an error, but the interval is then not where Δ(−2 ln L) = 1, as a reader assumes.
    if (e.lowerAtLimit)
      warnings.push(`MINOS for ${names[p]}: the lower side stops at the bound ${model.lower[p]}`)
    if (e.upperAtLimit)
      warnings.push(`MINOS for ${names[p]}: the upper side stops at the bound ${model.upper[p]}`)
    if (!e.valid)
      warnings.push(
        `MINOS for ${names[p]} is not valid: ${Number.isFinite(e.lower) && Number.isFinite(e.upper) ? 'a profile fit did not converge' : 'a crossing was not found'}`,
      )
  }
  return {
    poi: model.poiName,
    twiceNll: finiteOrNull(fit.twiceNll),
    parameters,
    covariance,
    correlation,
    minimum: {
      converged: fit.converged,
      valid: fit.converged && fit.hessianPositiveDefinite !== false,
      edm: finiteOrNull(fit.edm),
      calls: fit.nfev,
      tolerance: fit.tolerance,
      errordef: ERRORDEF,
      hessianPositiveDefinite: fit.hessianPositiveDefinite,
      message: fit.message,
    },
    clippedBins: fit.clippedBins,
    warnings,
  }
}

/** What a user must know about one fit: convergence, the Hessian, clipped bins. */
export function fitWarnings(fit: FitResult): string[] {
  const out: string[] = []
  if (!fit.converged) out.push(`the fit did not converge: ${fit.message}`)
  if (fit.hessianPositiveDefinite === false)
    out.push('the Hessian is not positive definite: HESSE errors are not valid')
  if (fit.clippedBins) out.push(clippedBinsWarning(fit.clippedBins))
  return out
}

/**
 * The warning for bins whose expected yield went negative and was clipped to 0 (likelihood.ts).
 * pyhf clips only when asked to (`Model(…, clip_bin_data=0)`, per bin after summing the
 * samples); by default it does not clip, its Poisson term is NaN there and a Minuit fit fails.
 */
export function clippedBinsWarning(bins: number): string {
  const one = bins === 1
  return (
    `${bins} bin${one ? '' : 's'} had a negative expected yield and ${one ? 'was' : 'were'} ` +
    "clipped to 0, as pyhf does only when asked (clip_bin_data=0); pyhf's default does not " +
    'clip, and its likelihood is not defined there'
  )
}
