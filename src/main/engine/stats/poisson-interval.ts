/**
 * Garwood's central confidence interval for the mean of a Poisson count n (1936): the μ with
 * P(X ≥ n; μ) = α/2 (lower; 0 for n = 0) and P(X ≤ n; μ) = α/2 (upper), α = 1 − CL. Through
 * the Poisson–gamma relation P(X ≤ n; μ) = Q(n + 1, μ) these are the α/2 and 1 − α/2
 * quantiles of Gamma(n) and Gamma(n + 1) — what ROOT's TH1::kPoisson and mplhep's
 * `poisson_interval` draw for data. Non-integer n (a weighted count) goes through the same
 * gamma quantiles.
 */
import { brentRoot } from './roots'
import { lgamma } from './special'

/** Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above). */
export function gammaP(a: number, x: number): number {
  if (!(x > 0)) return 0
  if (x < a + 1) {
    let sum = 1 / a
    let term = sum
    for (let k = 1; k < 1000; k++) {
      term *= x / (a + k)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break
    }
    return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - lgamma(a)))
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-16) break
  }
  return Math.max(0, 1 - Math.exp(-x + a * Math.log(x) - lgamma(a)) * h)
}

/** The p-quantile of Gamma(a, 1): the x with P(a, x) = p. */
function gammaQuantile(a: number, p: number): number {
  let hi = Math.max(1, a + 10 * Math.sqrt(a) + 10)
  while (gammaP(a, hi) < p) hi *= 2
  return brentRoot((x) => gammaP(a, x) - p, 0, hi, { xtol: 1e-12 * Math.max(1, a) }).x
}

/** CL of ±1σ of a normal distribution (0.6827). */
export const ONE_SIGMA_CL = 0.6826894921370859

/** Garwood's interval [lo, hi] for a count n ≥ 0 at confidence level `cl` (default ±1σ). */
export function poissonInterval(n: number, cl = ONE_SIGMA_CL): [number, number] {
  if (!(n >= 0)) return [NaN, NaN]
  const alpha = 1 - cl
  const lo = n === 0 ? 0 : gammaQuantile(n, alpha / 2)
  return [lo, gammaQuantile(n + 1, 1 - alpha / 2)]
}
