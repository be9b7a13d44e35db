/**
 * The assembled TMVA-style evaluation: for Fisher on Gaussian classes with a common covariance
 * Σ the test AUC is Φ(D/√2), D² = Δᵀ Σ⁻¹ Δ (closed form); histogram sums, KS p-values, the
 * ranking of a useless input, correlations against the generating matrix; the ROC of cut sets
 * against plain loops; constant inputs and an empty test part give nulls, never NaN.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../src/main/engine/data/random'
import { CancelledError, silentContext } from '../../../src/main/engine/jobs/context'
import { PART } from '../../../src/main/engine/ml/dataset'
import { evaluateClassifier } from '../../../src/main/engine/ml/evaluate/evaluate'
import { trainLda } from '../../../src/main/engine/ml/lda'
import { trainRectCuts } from '../../../src/main/engine/ml/rect-cuts'
import { normalCdf } from '../../../src/main/engine/stats/special'
import { ClassifierEvaluation, CutsOptions } from '../../../src/shared/contract/train'
import { type Event, gaussianEvents, trainingData } from './training-data'
import { kaggleAvailable, kaggleData } from './kaggle-higgs'

// Σ = L Lᵀ: var(a) = 1, var(b) = 1, cov(a, b) = 0.6, c independent with unit variance.
const CHOL = [
  [1, 0, 0],
  [0.6, 0.8, 0],
  [0, 0, 1],
]
const MEAN_S = [1, 0.2, 0]
const MEAN_B = [0, 0, 0]

function events(seed: number, n: number, testFraction = 0.5): Event[] {
  const r = new Random(seed)
  return [
    ...gaussianEvents(r, n, 1, MEAN_S, CHOL, { weighted: true, testFraction }),
    ...gaussianEvents(r, n, 0, MEAN_B, CHOL, { weighted: true, testFraction }),
  ]
}

const OPTIONS = { bins: 40, expectedS: 50, expectedB: 1000, seed: 1 }

describe('classifier evaluation', () => {
  const evs = events(1, 20_000)
  const data = trainingData(['a', 'b', 'c'], evs)
  const lda = trainLda(data)
  const ev = evaluateClassifier(data, lda.classifier, OPTIONS)

  it('is a valid ClassifierEvaluation', () => {
    expect(() => ClassifierEvaluation.parse(ev)).not.toThrow()
  })

  it('has the closed-form AUC Φ(D/√2) on train and test (within 4 standard errors)', () => {
    // Δ = (1, 0.2, 0), Σ⁻¹ of [[1, .6], [.6, 1]] = [[1, −.6], [−.6, 1]] / 0.64:
    // D² = (1 − 2·0.6·0.2 + 0.04) / 0.64 = 1.25.
    const expected = normalCdf(Math.sqrt(1.25) / Math.SQRT2)
    // Hanley–McNeil σ for ≈ 10 000 events per class and A ≈ 0.78: ≈ 0.0045 (weights widen it a bit).
    expect(Math.abs(ev.auc_test! - expected)).toBeLessThan(0.02)
    expect(Math.abs(ev.auc_train! - expected)).toBeLessThan(0.02)
    expect(ev.roc.eff_s.length).toBeLessThanOrEqual(200)
  })

  it('histograms the output for train and test with the classes’ weights; no overtraining', () => {
    const out = ev.output!
    const sum = (v: number[]) => v.reduce((s, x) => s + x, 0)
    const classWeight = (part: number, y: number) =>
      evs.filter((e) => e.part === part && e.y === y).reduce((s, e) => s + e.weight!, 0)
    expect(sum(out.train.signal.sumw)).toBeCloseTo(classWeight(PART.train, 1), 8)
    expect(sum(out.test.background.sumw)).toBeCloseTo(classWeight(PART.test, 0), 8)
    expect(out.train.lo).toBe(out.test.lo)
    expect(out.train.signal.sumw.length).toBe(40)
    // A 3-parameter linear model on 10⁴ events: train and test agree.
    expect(out.ks_p_signal!).toBeGreaterThan(0.001)
    expect(out.ks_p_background!).toBeGreaterThan(0.001)
  })

  it('scales the efficiency curve to the expected yields', () => {
    const e = ev.efficiency!
    expect(e.eff_s[0]).toBe(1)
    expect(e.eff_b[0]).toBe(1)
    expect(e.significance[0]).toBeCloseTo(50 / Math.sqrt(1050), 10)
    expect(e.best!.significance).toBeGreaterThan(50 / Math.sqrt(1050))
    expect(e.best!.s).toBeLessThanOrEqual(50)
  })

  it('ranks the useless input last with no importance', () => {
    expect(ev.ranking.map((r) => r.input)).toEqual(['a', 'b', 'c'])
    const c = ev.ranking.find((r) => r.input === 'c')!
    expect(c.separation).toBeLessThan(0.005)
    expect(Math.abs(c.importance!)).toBeLessThan(0.005)
    const a = ev.ranking.find((r) => r.input === 'a')!
    expect(a.importance!).toBeGreaterThan(0.1)
  })

  it('gives the generating correlations and input histograms of every event', () => {
    // Within the classes corr(a, b) = 0.6, c uncorrelated; σ(ρ̂) ≈ (1 − ρ²)/√n ≈ 0.003.
    for (const m of [ev.correlation.signal, ev.correlation.background]) {
      expect(m[0][1]!).toBeCloseTo(0.6, 1)
      expect(Math.abs(m[0][2]!)).toBeLessThan(0.03)
      expect(m[1][1]).toBe(1)
    }
    const h = ev.inputs[0]
    const total = evs.filter((e) => e.y === 1).reduce((s, e) => s + e.weight!, 0)
    expect(h.signal.sumw.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 8)
    expect(h.input).toBe('a')
  })

  it('makes the ROC of rectangular cuts from the cut sets on the test events', () => {
    const cuts = trainRectCuts(data, CutsOptions.parse({ samples: 2000 }), silentContext())
    const ec = evaluateClassifier(data, cuts.classifier, OPTIONS)
    expect(() => ClassifierEvaluation.parse(ec)).not.toThrow()
    expect(ec.output).toBeNull()
    expect(ec.efficiency).toBeNull()
    const test = evs.filter((e) => e.part === PART.test)
    const ws = test.filter((e) => e.y).reduce((s, e) => s + e.weight!, 0)
    const wb = test.filter((e) => !e.y).reduce((s, e) => s + e.weight!, 0)
    const points = cuts.summary.sets.map((set) => {
      let s = 0
      let b = 0
      for (const e of test) {
        const inside = set.intervals.every(
          ({ lo, hi }, j) => (lo === null || e.x[j] >= lo) && (hi === null || e.x[j] < hi),
        )
        if (inside && e.y) s += e.weight!
        else if (inside) b += e.weight!
      }
      return [b / wb, s / ws]
    })
    expect(ec.roc.eff_s.length).toBe(points.length + 2)
    for (const [eb, es] of points) {
      const k = ec.roc.eff_s.findIndex((v) => Math.abs(v - es) < 1e-12)
      expect(k).toBeGreaterThan(0)
      expect(ec.roc.eff_b[k]).toBeCloseTo(eb, 12)
    }
    // Cuts do worse than the optimal linear discriminant here, but clearly better than chance.
    expect(ec.auc_test!).toBeGreaterThan(0.65)
    expect(ec.auc_test!).toBeLessThan(ev.auc_test! + 0.01)
  })

  it('stops with CancelledError when its job is cancelled', () => {
    const controller = new AbortController()
    let calls = 0
    const ctx = {
      ...silentContext(controller.signal),
      progress: (f: number) => {
        calls++
        if (f > 0.5) controller.abort()
      },
    }
    expect(() => evaluateClassifier(data, lda.classifier, OPTIONS, ctx)).toThrow(CancelledError)
    expect(calls).toBeGreaterThan(1)
  })

  it('gives nulls, not NaN, for a constant input and an empty test part', () => {
    const flat = events(2, 300, 0).map((e) => ({ ...e, x: [e.x[0], 7, e.x[2]] }))
    const d2 = trainingData(['a', 'k', 'c'], flat)
    const r = trainLda(d2)
    const e2 = evaluateClassifier(d2, r.classifier, OPTIONS)
    expect(() => ClassifierEvaluation.parse(e2)).not.toThrow()
    expect(e2.auc_test).toBeNull()
    expect(e2.output!.ks_p_signal).toBeNull()
    expect(e2.correlation.signal[0][1]).toBeNull()
    expect(e2.ranking.find((x) => x.input === 'k')!.separation).toBe(0)
    expect(e2.ranking.every((x) => x.importance === null)).toBe(true)
    expect(e2.inputs[1].lo).toBe(6.5)
  })
})

describe.runIf(kaggleAvailable)('evaluation on the Kaggle Higgs sample', () => {
  it('evaluates Fisher: AUC, KS, ranking (printed)', async () => {
    const data = await kaggleData(1)
    const { classifier } = trainLda(data)
    const ev = evaluateClassifier(data, classifier, {
      bins: 40,
      expectedS: 100,
      expectedB: 1e4,
      seed: 1,
    })
    expect(() => ClassifierEvaluation.parse(ev)).not.toThrow()
    const top = ev.ranking
      .slice(0, 5)
      .map((r) => `${r.input} (sep ${r.separation.toFixed(3)}, imp ${r.importance?.toFixed(3)})`)
    console.log(
      `Kaggle Fisher evaluation: AUC test ${ev.auc_test?.toFixed(4)} train ${ev.auc_train?.toFixed(4)}, ` +
        `KS p signal ${ev.output?.ks_p_signal?.toFixed(3)} background ${ev.output?.ks_p_background?.toFixed(3)}; ` +
        `top inputs ${top.join(', ')}`,
    )
    expect(ev.auc_test!).toBeGreaterThan(0.85)
    // The transverse mass of lepton and MET separates best in this sample (TMVA-style separation).
    expect(ev.ranking.slice(0, 5).map((r) => r.input)).toContain('DER_mass_transverse_met_lep')
  })
})
