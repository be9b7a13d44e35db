/**
 * Expected discovery significance of a counting experiment with s signal and b background
 * events (weighted yields), Cowan, Cranmer, Gross, Vitells, Eur. Phys. J. C 71 (2011) 1554 and
 * Cowan's "Discovery sensitivity for a counting experiment with background uncertainty" (2012).
 * Defined for b > 0 and s ≥ 0; NaN otherwise (e.g. negative weighted yields).
 */

/** S/B; NaN unless b > 0. */
export function signalOverBackground(s: number, b: number): number {
  return b > 0 ? s / b : NaN
}

/** S/√B; NaN unless b > 0. */
export function signalOverSqrtBackground(s: number, b: number): number {
  return b > 0 ? s / Math.sqrt(b) : NaN
}

/** Asimov significance Z_A = sqrt(2((s+b) ln(1+s/b) − s)), ≈ s/√b for s ≪ b. */
export function asimovZ(s: number, b: number): number {
  if (!(b > 0 && s >= 0)) return NaN
  // log1p keeps precision for s ≪ b, where the two terms nearly cancel.
  return Math.sqrt(Math.max(0, 2 * ((s + b) * Math.log1p(s / b) - s)))
}

/**
 * Asimov significance with a background known to ±`relSigmaB` × b (Cowan 2012):
 *   Z = sqrt(2[(s+b) ln((s+b)(b+σ²)/(b²+(s+b)σ²)) − (b²/σ²) ln(1 + σ²s/(b(b+σ²)))]),
 * σ = relSigmaB × b. relSigmaB = 0 gives asimovZ.
 */
export function asimovZWithUncertainty(s: number, b: number, relSigmaB: number): number {
  if (!(relSigmaB >= 0)) return NaN
  if (relSigmaB === 0) return asimovZ(s, b)
  if (!(b > 0 && s >= 0)) return NaN
  const v = (relSigmaB * b) ** 2
  const first = (s + b) * Math.log(((s + b) * (b + v)) / (b * b + (s + b) * v))
  const second = ((b * b) / v) * Math.log1p((v * s) / (b * (b + v)))
  return Math.sqrt(Math.max(0, 2 * (first - second)))
}
