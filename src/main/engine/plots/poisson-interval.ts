/**
 * Frequentist (Garwood) central intervals for a Poisson count n at 68.27 % CL — what ROOT's
 * kPoisson and mplhep's default draw for data: lower = 0 for n = 0, so an empty bin still gets
 * its upper error bar (1.84). Solved from the regularised incomplete gamma function:
 * P(n, lo) = α/2 and P(n + 1, hi) = 1 − α/2.
 */
import { lgamma } from '../stats/special'

/** Regularised lower incomplete gamma P(a, x) (series for x < a + 1, continued fraction else). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0
  const lnPre = a * Math.log(x) - x - lgamma(a)
  if (x < a + 1) {
    let sum = 1 / a
    let term = sum
    for (let k = 1; k < 10_000; k++) {
      term *= x / (a + k)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break
    }
    return sum * Math.exp(lnPre)
  }
  // Lentz's continued fraction for Q(a, x).
  let b = x + 1 - a
  let c = 1 / 1e-300
  let d = 1 / b
  let h = d
  for (let k = 1; k < 10_000; k++) {
    const an = -k * (k - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < 1e-300) d = 1e-300
    c = b + an / c
    if (Math.abs(c) < 1e-300) c = 1e-300
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-15) break
  }
  return 1 - Math.exp(lnPre) * h
}

/** x with P(a, x) = p, by bisection on [0, a + 40√(a+1) + 40]. */
function gammaPInverse(a: number, p: number): number {
  let lo = 0
  let hi = a + 40 * Math.sqrt(a + 1) + 40
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2
    if (gammaP(a, mid) < p) lo = mid
    else hi = mid
    if (hi - lo < 1e-12 * Math.max(1, hi)) break
  }
  return (lo + hi) / 2
}

/** 1σ two-sided: 1 − 0.6827. */
const ALPHA = 1 - 0.682689492137086

/** [lower, upper] edges of the 68.27 % Garwood interval of a count n ≥ 0 (not necessarily whole). */
export function garwood(count: number): [number, number] {
  const lo = count <= 0 ? 0 : gammaPInverse(count, ALPHA / 2)
  const hi = gammaPInverse(Math.max(0, count) + 1, 1 - ALPHA / 2)
  return [lo, hi]
}
