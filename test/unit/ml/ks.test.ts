/**
 * Weighted Kolmogorov–Smirnov: the distance against a direct evaluation of both weighted ECDFs
 * at every value, the p-value against the Kolmogorov series summed here (and the textbook 5%
 * point z = 1.3581), effective numbers (Σw)²/Σw², and ROOT's binned variant by hand.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../src/main/engine/data/random'
import {
  kolmogorovProb,
  ksPValue,
  ksTest,
  ksTestBinned,
} from '../../../src/main/engine/ml/evaluate/ks'

/** Q_KS(z) = 2 Σ_{k=1}^{200} (−1)^{k−1} e^{−2k²z²}. */
function series(z: number): number {
  let s = 0
  for (let k = 1; k <= 200; k++) s += (k % 2 ? 2 : -2) * Math.exp(-2 * k * k * z * z)
  return s
}

/** sup_t |F_a(t) − F_b(t)| evaluating both weighted ECDFs at every value of either sample. */
function directDistance(a: number[], wa: number[], b: number[], wb: number[]): number {
  const sa = wa.reduce((s, v) => s + v, 0)
  const sb = wb.reduce((s, v) => s + v, 0)
  const F = (x: number[], w: number[], sum: number, t: number) =>
    x.reduce((s, v, i) => s + (v <= t ? w[i] : 0), 0) / sum
  let d = 0
  for (const t of [...a, ...b]) d = Math.max(d, Math.abs(F(a, wa, sa, t) - F(b, wb, sb, t)))
  return d
}

describe('Kolmogorov–Smirnov', () => {
  it('has the Kolmogorov distribution in both of its forms', () => {
    for (const z of [0.3, 0.5, 0.8, 0.99, 1.0, 1.2, 2, 3])
      expect(kolmogorovProb(z)).toBeCloseTo(series(z), 12)
    // Q(1) = 2(e⁻² − e⁻⁸ + e⁻¹⁸ − …) and the two-sided 5% point of the Kolmogorov distribution.
    expect(kolmogorovProb(1)).toBeCloseTo(0.2699996716773546, 14)
    expect(kolmogorovProb(1.3581)).toBeCloseTo(0.05, 4)
    expect(kolmogorovProb(0.1)).toBe(1)
    expect(kolmogorovProb(10)).toBeLessThan(1e-80)
  })

  it('computes the weighted distance of a direct ECDF evaluation, with ties', () => {
    const r = new Random(4)
    const a = Array.from({ length: 300 }, () => Math.round(r.normal() * 5) / 5)
    const b = Array.from({ length: 200 }, () => Math.round((r.normal() + 0.3) * 5) / 5)
    const wa = a.map(() => 0.2 + r.uniform())
    const wb = b.map(() => 0.2 + r.uniform())
    const ks = ksTest(a, wa, b, wb)
    expect(ks.distance).toBeCloseTo(directDistance(a, wa, b, wb), 14)
    const n1 = wa.reduce((s, v) => s + v, 0) ** 2 / wa.reduce((s, v) => s + v * v, 0)
    const n2 = wb.reduce((s, v) => s + v, 0) ** 2 / wb.reduce((s, v) => s + v * v, 0)
    expect(ks.n1).toBeCloseTo(n1, 10)
    expect(ks.n2).toBeCloseTo(n2, 10)
    expect(ks.p).toBeCloseTo(series(ks.distance * Math.sqrt((n1 * n2) / (n1 + n2))), 12)
  })

  it('gives the unweighted answer for equal weights and a hand-computed one for 3 vs 2 events', () => {
    const a = [1, 2, 3]
    const b = [2.5, 4]
    // F_a − F_b is largest (2/3) just after 2: F_a = 2/3, F_b = 0.
    const ks = ksTest(a, [2, 2, 2], b, [5, 5])
    expect(ks.distance).toBeCloseTo(2 / 3, 15)
    expect(ks.n1).toBeCloseTo(3, 12)
    expect(ks.n2).toBeCloseTo(2, 12)
    expect(ks.p).toBeCloseTo(kolmogorovProb((2 / 3) * Math.sqrt(6 / 5)), 15)
  })

  it('gives p-values spread over (0, 1) for samples of one distribution, tiny for shifted ones', () => {
    const r = new Random(8)
    const draw = (n: number, shift: number) => Array.from({ length: n }, () => r.normal() + shift)
    const ones = (n: number) => new Array<number>(n).fill(1)
    const same = ksTest(draw(2000, 0), ones(2000), draw(1500, 0), ones(1500))
    expect(same.p).toBeGreaterThan(0.001)
    const shifted = ksTest(draw(2000, 0), ones(2000), draw(1500, 0.3), ones(1500))
    expect(shifted.p).toBeLessThan(1e-6)
  })

  it('is undefined for an empty sample', () => {
    expect(ksTest([], [], [1], [1]).p).toBeNaN()
    expect(ksPValue(0.2, 0, 5)).toBeNaN()
  })

  it('does ROOT’s binned test with effective numbers', () => {
    // Cumulative (¼, ¾, 1) against (½, ¾, 1): D = ¼; n₁ = 4²/4 = 4, n₂ = 4²/6.
    const ks = ksTestBinned(
      { sumw: [1, 2, 1], sumw2: [1, 2, 1] },
      { sumw: [2, 1, 1], sumw2: [4, 1, 1] },
    )
    expect(ks.distance).toBeCloseTo(0.25, 15)
    expect(ks.n2).toBeCloseTo(16 / 6, 14)
    const n2 = 16 / 6
    expect(ks.p).toBeCloseTo(kolmogorovProb(0.25 * Math.sqrt((4 * n2) / (4 + n2))), 15)
  })
})
