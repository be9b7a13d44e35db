import { describe, expect, it } from 'vitest'
import { deltaPhi, deltaR, invMass, mT } from '../../../src/shared/expr/physics'

const PI = Math.PI

/** (pt, eta, phi, m) → (E, px, py, pz), the textbook way, as an independent reference. */
function fourVector(pt: number, eta: number, phi: number, m: number): number[] {
  const px = pt * Math.cos(phi)
  const py = pt * Math.sin(phi)
  const pz = pt * Math.sinh(eta)
  return [Math.sqrt(px * px + py * py + pz * pz + m * m), px, py, pz]
}

function massOfSum(a: number[], b: number[]): number {
  const [e, x, y, z] = a.map((v, k) => v + b[k])
  return Math.sqrt(e * e - x * x - y * y - z * z)
}

describe('deltaPhi', () => {
  it('wraps into [−π, π]', () => {
    expect(deltaPhi(0.5, 0.2)).toBeCloseTo(0.3, 15)
    expect(deltaPhi(3, -3)).toBeCloseTo(6 - 2 * PI, 14)
    expect(deltaPhi(-3, 3)).toBeCloseTo(2 * PI - 6, 14)
    expect(deltaPhi(0, 7 * PI + 0.1)).toBeCloseTo(PI - 0.1, 12)
    for (let k = 0; k < 1000; k++) {
      const d = deltaPhi(Math.sin(k) * 20, Math.cos(k * 3) * 20)
      expect(Math.abs(d)).toBeLessThanOrEqual(PI)
    }
  })

  it('gives NaN for NaN or infinite angles', () => {
    expect(deltaPhi(NaN, 0)).toBeNaN()
    expect(deltaPhi(Infinity, 0)).toBeNaN()
  })
})

describe('deltaR and mT', () => {
  it('deltaR = √(Δη² + Δφ²) with Δφ wrapped', () => {
    expect(deltaR(0, 0, 0.3, 0.4)).toBeCloseTo(0.5, 14)
    expect(deltaR(1, 3, 1, -3)).toBeCloseTo(2 * PI - 6, 14)
  })

  it('mT of back-to-back objects is 2√(pt1 pt2), of collinear ones 0', () => {
    expect(mT(40, 0, 40, PI)).toBeCloseTo(80, 12)
    expect(mT(30, 1, 50, 1)).toBe(0)
    // W-like: lepton 40 GeV, MET 30 GeV at 90° → √(2·40·30) = 48.99 GeV.
    expect(mT(40, 0, 30, PI / 2)).toBeCloseTo(Math.sqrt(2400), 12)
  })
})

describe('invMass', () => {
  // Tolerance 1e-9 relative: the two formulas differ only in rounding (no cancellation here).
  const cases: number[][] = [
    [45.6, 0.3, 0.1, 0.105658, 45.6, -0.3, 0.1 + PI, 0.105658],
    [120, 1.2, -2.0, 4.18, 80, -0.7, 2.5, 4.18],
    [30, 2.4, 0.5, 0, 25, 2.1, 0.9, 0],
    [500, -1.5, 3.0, 80.4, 300, 0.2, -1.0, 91.19],
  ]
  it.each(cases)('matches the four-vector sum %#', (...c) => {
    const [pt1, eta1, phi1, m1, pt2, eta2, phi2, m2] = c
    const want = massOfSum(fourVector(pt1, eta1, phi1, m1), fourVector(pt2, eta2, phi2, m2))
    expect(invMass(pt1, eta1, phi1, m1, pt2, eta2, phi2, m2)).toBeCloseTo(want, 6)
    expect(Math.abs(invMass(pt1, eta1, phi1, m1, pt2, eta2, phi2, m2) / want - 1)).toBeLessThan(
      1e-9,
    )
  })

  it('two back-to-back 45.6 GeV muons at η = 0 make a Z (≈ 91.2 GeV)', () => {
    expect(invMass(45.6, 0, 0, 0.105658, 45.6, 0, PI, 0.105658)).toBeCloseTo(91.2, 3)
  })

  it('is 0 (not NaN) for identical massless objects, NaN for NaN input', () => {
    expect(invMass(50, 1, 2, 0, 50, 1, 2, 0)).toBe(0)
    expect(invMass(NaN, 1, 2, 0, 50, 1, 2, 0)).toBeNaN()
  })
})
