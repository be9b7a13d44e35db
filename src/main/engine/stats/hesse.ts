/**
 * HESSE: the covariance V = 2·errordef·H⁻¹ from a Hessian (errors at Δf = errordef) and the
 * correlation matrix. Fits of a Likelihood use its analytic Hessian (likelihood.ts); for any
 * other objective, and as an independent check, `numericalHessian` takes central finite
 * differences of the analytic gradient.
 */
import { invertSpd } from './linalg'

export type ValueGrad = (x: Float64Array, grad: Float64Array) => number

/**
 * Hessian (n × n, row-major) of f at x over all n parameters; rows/columns of parameters not in
 * `free` stay 0. Steps are `step[i]` (or 1e-4·(1 + |x_i|)); near a bound the difference is
 * one-sided so f is never evaluated outside [lower, upper]. Symmetrised.
 */
export function numericalHessian(
  fg: ValueGrad,
  x: Float64Array,
  free: ArrayLike<number>,
  lower?: Float64Array,
  upper?: Float64Array,
  step?: Float64Array,
): Float64Array {
  const n = x.length
  const H = new Float64Array(n * n)
  const xp = Float64Array.from(x)
  const gp = new Float64Array(n)
  const gm = new Float64Array(n)
  const g0 = new Float64Array(n)
  let haveG0 = false
  for (let a = 0; a < free.length; a++) {
    const i = free[a]
    const h = step?.[i] && step[i] > 0 ? step[i] : 1e-4 * (1 + Math.abs(x[i]))
    const lo = lower ? lower[i] : -Infinity
    const hi = upper ? upper[i] : Infinity
    let up = x[i] + h
    let dn = x[i] - h
    if (up > hi) up = x[i]
    if (dn < lo) dn = x[i]
    if (up === dn) continue
    if (up === x[i] || dn === x[i]) {
      if (!haveG0) {
        fg(x, g0)
        haveG0 = true
      }
    }
    if (up !== x[i]) {
      xp[i] = up
      fg(xp, gp)
    } else gp.set(g0)
    if (dn !== x[i]) {
      xp[i] = dn
      fg(xp, gm)
    } else gm.set(g0)
    xp[i] = x[i]
    const inv = 1 / (up - dn)
    for (let b = 0; b < free.length; b++) {
      const j = free[b]
      H[i * n + j] = (gp[j] - gm[j]) * inv
    }
  }
  for (let a = 0; a < free.length; a++) {
    for (let b = a + 1; b < free.length; b++) {
      const i = free[a]
      const j = free[b]
      const v = 0.5 * (H[i * n + j] + H[j * n + i])
      H[i * n + j] = v
      H[j * n + i] = v
    }
  }
  return H
}

export interface HesseResult {
  /** Covariance (n × n over all parameters; fixed ones have 0 rows). */
  covariance: Float64Array
  /** √diag(covariance) (0 for fixed parameters). */
  errors: Float64Array
  /** Correlation matrix over the free parameters, in the order of `free`. */
  correlation: Float64Array
  free: number[]
  /** Whether the Hessian on the free parameters was positive definite. */
  positiveDefinite: boolean
}

/**
 * Covariance from a Hessian: V = 2·errordef·H⁻¹ on the free parameters, so errors are where f
 * rises by errordef (errordef 1 for −2 ln L). A Hessian that is not positive definite gives
 * NaN errors and positiveDefinite = false (nothing pretends).
 */
export function covarianceFromHessian(
  H: Float64Array,
  n: number,
  free: number[],
  errordef = 1,
): HesseResult {
  const m = free.length
  const sub = new Float64Array(m * m)
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = H[free[a] * n + free[b]]
  const inv = invertSpd(sub, m)
  const covariance = new Float64Array(n * n)
  const errors = new Float64Array(n)
  const correlation = new Float64Array(m * m)
  if (!inv) {
    for (const i of free) errors[i] = NaN
    correlation.fill(NaN)
    return { covariance: covariance.fill(NaN), errors, correlation, free, positiveDefinite: false }
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) covariance[free[a] * n + free[b]] = 2 * errordef * inv[a * m + b]
  }
  for (let a = 0; a < m; a++) errors[free[a]] = Math.sqrt(covariance[free[a] * n + free[a]])
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      correlation[a * m + b] =
        covariance[free[a] * n + free[b]] / (errors[free[a]] * errors[free[b]])
    }
  }
  return { covariance, errors, correlation, free, positiveDefinite: true }
}
