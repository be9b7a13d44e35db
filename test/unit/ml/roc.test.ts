/**
 * Weighted ROC and AUC: identical distributions (0.5), two unit Gaussians Δ apart (Φ(Δ/√2)),
 * a hand-worked weighted example with ties, negative weights against the signed Mann–Whitney
 * double sum written plainly here, thinning, and the efficiency curve against hand numbers.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../src/main/engine/data/random'
import { normalCdf } from '../../../src/main/engine/stats/special'
import { thinCurve, weightedRoc } from '../../../src/main/engine/ml/evaluate/roc'
import { efficiencyCurve } from '../../../src/main/engine/ml/evaluate/efficiency'
import { separation } from '../../../src/main/engine/ml/evaluate/separation'

/** Hanley–McNeil standard error of an AUC A from nS signal and nB background events. */
function aucError(A: number, nS: number, nB: number): number {
  const q1 = A / (2 - A)
  const q2 = (2 * A * A) / (1 + A)
  return Math.sqrt((A * (1 - A) + (nS - 1) * (q1 - A * A) + (nB - 1) * (q2 - A * A)) / (nS * nB))
}

function gaussians(seed: number, n: number, shift: number) {
  const r = new Random(seed)
  const scores = new Float64Array(2 * n)
  const labels = new Uint8Array(2 * n)
  for (let i = 0; i < n; i++) {
    scores[i] = r.normal() + shift
    labels[i] = 1
    scores[n + i] = r.normal()
  }
  return { scores, labels, weights: new Float64Array(2 * n).fill(1) }
}

/** Σ_s Σ_b w_s w_b ([s > b] + ½[s = b]) / (W_S W_B), by the double loop. */
function mannWhitney(scores: ArrayLike<number>, labels: ArrayLike<number>, w: ArrayLike<number>) {
  let num = 0
  let ws = 0
  let wb = 0
  for (let i = 0; i < scores.length; i++) {
    if (labels[i]) ws += w[i]
    else wb += w[i]
    if (!labels[i]) continue
    for (let j = 0; j < scores.length; j++) {
      if (labels[j]) continue
      const g = scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0
      num += w[i] * w[j] * g
    }
  }
  return num / (ws * wb)
}

describe('weighted ROC', () => {
  it('gives 0.5 for identical distributions (within 4 Hanley–McNeil standard errors)', () => {
    const n = 20_000
    const { scores, labels, weights } = gaussians(1, n, 0)
    const { auc } = weightedRoc(scores, labels, weights)
    // σ(AUC = ½) = √((nS + nB + 1)/(12 nS nB)) ≈ 0.0029.
    expect(Math.abs(auc - 0.5)).toBeLessThan(4 * aucError(0.5, n, n))
  })

  it('gives Φ(Δ/√2) for unit Gaussians Δ apart (within 4 standard errors)', () => {
    const n = 20_000
    for (const delta of [0.5, 1, 2]) {
      const { scores, labels, weights } = gaussians(2 + delta, n, delta)
      const expected = normalCdf(delta / Math.SQRT2)
      const { auc } = weightedRoc(scores, labels, weights)
      expect(Math.abs(auc - expected)).toBeLessThan(4 * aucError(expected, n, n))
    }
  })

  it('matches a hand-worked weighted example with ties', () => {
    // Signal scores 3 (w 1), 2 (w 2), 2 (w 1); background 2 (w 1), 1 (w 3). W_S = W_B = 4.
    // Pairs: 3 beats both: 1·4 = 4; the 2s tie the background 2: ½·3·1 = 1.5 and beat the 1:
    // 3·3 = 9 → AUC = 14.5 / 16.
    const roc = weightedRoc([3, 2, 2, 2, 1], [1, 1, 1, 0, 0], [1, 2, 1, 1, 3])
    expect(roc.auc).toBeCloseTo(14.5 / 16, 14)
    // Thresholds 3, 2 (the tie enters at once), 1.
    expect(roc.eff_b).toEqual([0, 0, 0.25, 1])
    expect(roc.eff_s).toEqual([0, 0.25, 1, 1])
    // The events `rows` only: without the background 2 the signal always wins.
    expect(weightedRoc([3, 2, 2, 2, 1], [1, 1, 1, 0, 0], [1, 2, 1, 1, 3], [0, 1, 2, 4]).auc).toBe(1)
  })

  it('equals the signed-weight Mann–Whitney statistic with negative weights', () => {
    const r = new Random(5)
    const n = 400
    const scores = Float64Array.from({ length: n }, () => Math.round(r.normal() * 4) / 4)
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 2)
    for (let i = 0; i < n; i += 2) scores[i + 1] += 0.5
    const w = Float64Array.from({ length: n }, () => (r.uniform() < 0.15 ? -0.5 : 1) * r.uniform())
    const roc = weightedRoc(scores, labels, w)
    expect(roc.auc).toBeCloseTo(mannWhitney(scores, labels, w), 12)
    // A dominant negative background weight above the signal pushes the AUC above 1.
    expect(weightedRoc([2, 1, 3], [1, 0, 0], [1, 2, -0.5]).auc).toBeCloseTo(2 / 1.5, 14)
    // No positive signal sum: undefined.
    const none = weightedRoc([2, 1], [1, 0], [-1, 1])
    expect(none.auc).toBeNaN()
    expect(none.eff_s).toEqual([])
  })

  it('leaves NaN scores out', () => {
    const roc = weightedRoc([3, NaN, 1, NaN], [1, 1, 0, 0], [1, 5, 1, 5])
    expect(roc.auc).toBe(1)
  })

  it('thins the curve to ≤ 200 points from (0,0) to (1,1), keeping its shape', () => {
    const { scores, labels, weights } = gaussians(9, 20_000, 1)
    const roc = weightedRoc(scores, labels, weights)
    expect(roc.eff_s.length).toBeLessThanOrEqual(200)
    expect(roc.eff_s.length).toBeGreaterThan(100)
    expect([roc.eff_b[0], roc.eff_s[0]]).toEqual([0, 0])
    expect([roc.eff_b.at(-1), roc.eff_s.at(-1)]).toEqual([1, 1])
    for (let k = 1; k < roc.eff_s.length; k++) {
      expect(roc.eff_s[k]).toBeGreaterThanOrEqual(roc.eff_s[k - 1])
      expect(roc.eff_b[k]).toBeGreaterThanOrEqual(roc.eff_b[k - 1])
    }
    // The trapezoid area of the thinned curve stays close to the full AUC.
    let area = 0
    for (let k = 1; k < roc.eff_s.length; k++)
      area += ((roc.eff_b[k] - roc.eff_b[k - 1]) * (roc.eff_s[k] + roc.eff_s[k - 1])) / 2
    expect(Math.abs(area - roc.auc)).toBeLessThan(1e-3)
    expect(thinCurve([0, 1], [0, 1], 200)).toEqual({ x: [0, 1], y: [0, 1] })
  })
})

describe('efficiency vs cut', () => {
  it('matches hand numbers and finds the best S/√(S+B)', () => {
    // Outputs 0 … 1; signal at 1 (w 1) and 0.5 (w 1), background at 0.5 (w 1) and 0 (w 3).
    const e = efficiencyCurve(
      [1, 0.5, 0.5, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 3],
      [0, 1, 2, 3],
      10,
      100,
      3,
    )
    expect(e.cut).toEqual([0, 0.5, 1])
    expect(e.eff_s).toEqual([1, 1, 0.5])
    expect(e.eff_b).toEqual([1, 0.25, 0])
    // S, B = (10, 100), (10, 25), (5, 0) → Z = 10/√110, 10/√35, √5.
    expect(e.significance[0]).toBeCloseTo(10 / Math.sqrt(110), 14)
    expect(e.significance[1]).toBeCloseTo(10 / Math.sqrt(35), 14)
    expect(e.significance[2]).toBeCloseTo(Math.sqrt(5), 14)
    expect(e.best).toEqual({ cut: 1, s: 5, b: 0, significance: Math.sqrt(5) })
    expect(e.expected_s).toBe(10)
  })
})

describe('separation', () => {
  it('is 0 for equal shapes, 1 for disjoint ones and ½Σ(p−q)²/(p+q) otherwise', () => {
    expect(separation([1, 2, 3], [2, 4, 6])).toBe(0)
    expect(separation([1, 2, 0, 0], [0, 0, 5, 1])).toBe(1)
    // p = (½, ½, 0), q = (0, ½, ½): ½(¼/½ + 0 + ¼/½) = ½.
    expect(separation([1, 1, 0], [0, 3, 3])).toBeCloseTo(0.5, 15)
    expect(separation([0, 0], [1, 1])).toBeNaN()
  })
})
