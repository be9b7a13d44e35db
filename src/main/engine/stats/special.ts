/**
 * Special functions the likelihood and the asymptotic formulae need, accurate to ~1e-15
 * relative in float64 (CLs values of 1e-10 must keep their digits, so 1 − Φ is never formed).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
]
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI)

/** ln Γ(x) for x > 0 (Lanczos, g = 7); Poisson terms use lgamma(n + 1) for non-integer n. */
export function lgamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x)
  }
  x -= 1
  let a = LANCZOS[0]
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i)
  return HALF_LOG_2PI + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

const INV_SQRT_PI = 1 / Math.sqrt(Math.PI)

/** Complementary error function erfc(x), relative accuracy ~1e-15 also deep in the tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x < 0) return 2 - erfc(-x)
  if (x < 2) {
    // erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (2n+1)!!: all terms positive, no cancellation.
    const x2 = x * x
    let term = x
    let sum = x
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1)
      sum += term
      if (term < 1e-17 * sum) break
    }
    return 1 - 2 * INV_SQRT_PI * Math.exp(-x2) * sum
  }
  if (x > 27) return 0
  return (INV_SQRT_PI * Math.exp(-x * x)) / erfcFraction(x)
}

/**
 * The continued fraction of erfc for x ≥ 2: erfc(x) = e^{-x²}/√π · 1/F(x) with
 * F(x) = x + ½/(x + 1/(x + 3/2/(x + …))), evaluated by modified Lentz.
 */
function erfcFraction(x: number): number {
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let k = 1; k < 500; k++) {
    const a = k / 2
    d = x + a * d
    d = d === 0 ? tiny : 1 / d
    c = x + a / c
    if (c === 0) c = tiny
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return f
}

/**
 * Scaled complementary error function erfcx(x) = e^{x²} erfc(x), for the tails where erfc
 * itself underflows (≈ 1/(x√π) for large x). Overflows to +∞ below x ≈ −26.6.
 */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x === Infinity) return 0
  if (x < 2) return x < -26.7 ? Infinity : Math.exp(x * x) * erfc(x)
  return INV_SQRT_PI / erfcFraction(x)
}

/**
 * log(1 − Φ(z)), the log of the standard normal upper tail, for every z: through erfcx in
 * the upper tail, where 1 − Φ underflows beyond z ≈ 38, and log1p(−Φ(z)) below zero.
 */
export function logNormalSf(z: number): number {
  if (Number.isNaN(z)) return NaN
  if (z === Infinity) return -Infinity
  if (z <= 0) return Math.log1p(-normalCdf(z))
  return Math.log(0.5 * erfcx(z * Math.SQRT1_2)) - 0.5 * z * z
}

/** log Φ(z), the log of the standard normal CDF, for every z. */
export function logNormalCdf(z: number): number {
  return logNormalSf(-z)
}

/**
 * log(Φ(u) − Φ(l)) for l < u: the log probability of a standard normal in [l, u], with its
 * relative precision kept however far the interval lies in either tail (−∞ when l ≥ u).
 */
export function logNormalInterval(l: number, u: number): number {
  if (!(u > l)) return Number.isNaN(l) || Number.isNaN(u) ? NaN : -Infinity
  // Mirror so the interval's centre is ≥ 0: then Φ(u) − Φ(l) = Q(l) − Q(u), Q(l) ≥ Q(u) and
  // the difference is formed as Q(l)·(1 − Q(u)/Q(l)) from the logs.
  if (l + u < 0) [l, u] = [-u, -l]
  const ql = logNormalSf(l)
  return ql + Math.log1p(-Math.exp(logNormalSf(u) - ql))
}

/**
 * The z with log(1 − Φ(z)) = logq (logq ≤ 0): the inverse of logNormalSf, also where the tail
 * probability e^logq underflows (Newton steps on logNormalSf from its asymptote).
 */
export function normalSfInverseLog(logq: number): number {
  if (!(logq <= 0)) return NaN
  if (logq === 0) return -Infinity
  if (logq > Math.log(0.5)) return normalQuantile(-Math.expm1(logq))
  if (logq > -700) return -normalQuantile(Math.exp(logq))
  // log Q is concave and decreasing, and z₀ = √(−2 logq) lies above the root: Newton's steps
  // then decrease monotonically onto it. d log Q / dz = −√(2/π) / erfcx(z/√2).
  let z = Math.sqrt(-2 * logq)
  for (let i = 0; i < 60; i++) {
    const step = ((logNormalSf(z) - logq) * erfcx(z * Math.SQRT1_2)) / Math.sqrt(2 / Math.PI)
    z += step
    if (Math.abs(step) <= 1e-15 * z) break
  }
  return z
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2)
}

/** Upper tail 1 − Φ(z), computed without cancellation. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2)
}

/** Standard normal quantile Φ⁻¹(p) (Acklam's rational start, two Halley steps on erfc). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ]
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const plow = 0.02425
  let x: number
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p))
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  } else if (p <= 1 - plow) {
    const q = p - 0.5
    const r = q * q
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
  }
  for (let i = 0; i < 2; i++) {
    // Halley refinement; the residual uses the tail that keeps precision.
    const e = p < 0.5 ? normalCdf(x) - p : 1 - p - normalSf(x)
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2)
    x = x - u / (1 + (x * u) / 2)
  }
  return x
}

/** One-sided p-value → significance Z = Φ⁻¹(1 − p). */
export function pToZ(p: number): number {
  return -normalQuantile(p)
}
