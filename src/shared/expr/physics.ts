/**
 * Collider kinematics on (pt, eta, phi, m) in GeV and radians, scalar versions. The engine
 * maps these over whole columns; the formulas live once, here.
 */

const TWO_PI = 2 * Math.PI

/** φ1 − φ2 wrapped into [−π, π] (NaN or ±Inf in → NaN out). */
export function deltaPhi(phi1: number, phi2: number): number {
  const d = phi1 - phi2
  // Subtracting the nearest multiple of 2π handles any number of turns, not only one.
  return d - TWO_PI * Math.round(d / TWO_PI)
}

/** ΔR = √(Δη² + Δφ²), Δφ wrapped. */
export function deltaR(eta1: number, phi1: number, eta2: number, phi2: number): number {
  const dEta = eta1 - eta2
  const dPhi = deltaPhi(phi1, phi2)
  return Math.sqrt(dEta * dEta + dPhi * dPhi)
}

/** Transverse mass of two massless objects: √(2 pt1 pt2 (1 − cos Δφ)), GeV. */
export function mT(pt1: number, phi1: number, pt2: number, phi2: number): number {
  return Math.sqrt(2 * pt1 * pt2 * (1 - Math.cos(phi1 - phi2)))
}

/**
 * Invariant mass (GeV) of two objects given as (pt, eta, phi, m):
 * m² = m1² + m2² + 2 (E1 E2 − p⃗1·p⃗2), with E = √(m² + (pt cosh η)²) and
 * p⃗1·p⃗2 = pt1 pt2 (cos Δφ + sinh η1 sinh η2). A tiny negative m² from rounding gives 0.
 */
export function invMass(
  pt1: number,
  eta1: number,
  phi1: number,
  m1: number,
  pt2: number,
  eta2: number,
  phi2: number,
  m2: number,
): number {
  const pz1 = pt1 * Math.sinh(eta1)
  const pz2 = pt2 * Math.sinh(eta2)
  const e1 = Math.sqrt(m1 * m1 + pt1 * pt1 + pz1 * pz1)
  const e2 = Math.sqrt(m2 * m2 + pt2 * pt2 + pz2 * pz2)
  const dot = pt1 * pt2 * Math.cos(phi1 - phi2) + pz1 * pz2
  const m2sum = m1 * m1 + m2 * m2 + 2 * (e1 * e2 - dot)
  return m2sum > 0 ? Math.sqrt(m2sum) : m2sum === m2sum ? 0 : NaN
}
