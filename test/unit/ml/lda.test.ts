/**
 * Fisher's discriminant against plain matrix algebra written in this test (weighted means and
 * covariances by loops, W c = Δμ solved by Gaussian elimination), its scale convention (class
 * means at ±½), the singular cases (a constant input, linearly dependent inputs), bad input,
 * JSON round trip, and the test AUC on the Kaggle Higgs sample.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../src/main/engine/data/random'
import { PART, indicesOf } from '../../../src/main/engine/ml/dataset'
import { ldaFromJSON, ldaToJSON, trainLda } from '../../../src/main/engine/ml/lda'
import { weightedRoc } from '../../../src/main/engine/ml/evaluate/roc'
import { type Event, gaussianEvents, trainingData } from './training-data'
import { kaggleAvailable, kaggleData } from './kaggle-higgs'

const CHOL = [
  [1.0, 0, 0, 0],
  [0.6, 0.8, 0, 0],
  [-0.3, 0.2, 1.5, 0],
  [0.1, -0.4, 0.3, 0.7],
]

function sample(seed = 7): Event[] {
  const r = new Random(seed)
  return [
    ...gaussianEvents(r, 3000, 1, [1, 0.5, -0.2, 3], CHOL, { weighted: true }),
    ...gaussianEvents(
      r,
      4000,
      0,
      [0, 0, 0.4, 2.5],
      CHOL.map((row) => row.map((v) => v * 1.2)),
      {
        weighted: true,
      },
    ),
  ]
}

/** Weighted mean and covariance (Σw(x−μ)(x−μ)ᵀ/Σw) of one class, by plain loops. */
function moments(events: Event[], label: 0 | 1, d: number) {
  const ev = events.filter((e) => e.y === label && (e.part ?? 0) === 0)
  const sw = ev.reduce((s, e) => s + (e.w ?? 1), 0)
  const mu = Array.from(
    { length: d },
    (_, j) => ev.reduce((s, e) => s + (e.w ?? 1) * e.x[j], 0) / sw,
  )
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from(
      { length: d },
      (_, b) => ev.reduce((s, e) => s + (e.w ?? 1) * (e.x[a] - mu[a]) * (e.x[b] - mu[b]), 0) / sw,
    ),
  )
  return { mu, cov }
}

/** Solves A x = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length
  const M = A.map((row, i) => [...row, b[i]])
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r
    ;[M[c], M[p]] = [M[p], M[c]]
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c]
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k]
    }
  }
  const x = new Array<number>(n).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n]
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k]
    x[r] = s / M[r][r]
  }
  return x
}

function unit(v: readonly number[]): number[] {
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

function weightedMean(scores: Float64Array, events: Event[], label: 0 | 1): number {
  let s = 0
  let sw = 0
  events.forEach((e, i) => {
    if (e.y !== label) return
    s += (e.w ?? 1) * scores[i]
    sw += e.w ?? 1
  })
  return s / sw
}

describe('Fisher discriminant', () => {
  const inputs = ['a', 'b', 'c', 'd']
  const events = sample()
  const data = trainingData(inputs, events)
  const result = trainLda(data)

  it('has the direction W⁻¹(μ_S − μ_B) of an independent computation to 1e-9', () => {
    const S = moments(events, 1, 4)
    const B = moments(events, 0, 4)
    const W = S.cov.map((row, a) => row.map((v, b) => v + B.cov[a][b]))
    const delta = S.mu.map((m, j) => m - B.mu[j])
    const expected = unit(solve(W, delta))
    const got = unit(result.classifier.coefficients)
    for (let j = 0; j < 4; j++) expect(Math.abs(got[j] - expected[j])).toBeLessThan(1e-9)
    // Same sign: larger output is more signal-like.
    expect(got[0] * expected[0]).toBeGreaterThan(0)
    // Fisher criterion (μ_S − μ_B)²/(σ_S² + σ_B²) of the output = Δᵀ W⁻¹ Δ.
    const J = delta.reduce((s, v, j) => s + v * solve(W, delta)[j], 0)
    expect(result.summary.fisherCriterion).toBeCloseTo(J, 9)
    expect(result.warnings).toEqual([])
  })

  it('puts the weighted class means of the output at +½ (signal) and −½ (background)', () => {
    const f = result.classifier.score(data.x, data.n)
    expect(weightedMean(f, events, 1)).toBeCloseTo(0.5, 10)
    expect(weightedMean(f, events, 0)).toBeCloseTo(-0.5, 10)
    // Output = offset + Σ c x, as the summary says.
    const { coefficients, offset } = result.summary
    const e = events[17]
    expect(f[17]).toBeCloseTo(
      offset + coefficients.reduce((s, c, j) => s + c.value * e.x[j], 0),
      12,
    )
    expect(coefficients.map((c) => c.input)).toEqual(inputs)
  })

  it('uses only the training part', () => {
    const r = new Random(3)
    const moved = events.map((e) => ({ ...e }))
    // Test events far away must not change the coefficients.
    for (let i = 0; i < 500; i++)
      moved.push({ x: [50 + r.normal(), 0, 0, 0], y: (i % 2) as 0 | 1, part: PART.test })
    const other = trainLda(trainingData(inputs, moved))
    other.classifier.coefficients.forEach((c, j) =>
      expect(c).toBeCloseTo(result.classifier.coefficients[j], 12),
    )
  })

  it('gives a constant input coefficient 0 and warns, the others unchanged', () => {
    const withConst = events.map((e) => ({ ...e, x: [e.x[0], 3.25, e.x[1], e.x[2], e.x[3]] }))
    const r = trainLda(trainingData(['a', 'k', 'b', 'c', 'd'], withConst))
    expect(r.classifier.coefficients[1]).toBe(0)
    expect(r.warnings.join()).toMatch(/'k' is constant/)
    const c = r.classifier.coefficients.filter((_, j) => j !== 1)
    c.forEach((v, j) =>
      expect(Math.abs(v - result.classifier.coefficients[j])).toBeLessThan(
        1e-9 * Math.abs(result.classifier.coefficients[j]) + 1e-12,
      ),
    )
  })

  it('handles linearly dependent inputs by the pseudo-inverse: same output, a warning', () => {
    const dep = events.map((e) => ({ ...e, x: [...e.x, e.x[0] + 2 * e.x[1]] }))
    const data2 = trainingData([...inputs, 'a + 2*b'], dep)
    const r = trainLda(data2)
    expect(r.warnings.join()).toMatch(/linearly dependent.*rank 4 of 5/)
    const f1 = result.classifier.score(data.x, data.n)
    const f2 = r.classifier.score(data2.x, data2.n)
    for (let i = 0; i < data.n; i += 97) expect(f2[i]).toBeCloseTo(f1[i], 8)
  })

  it('rejects NaN inputs, a missing class and non-positive weight sums, naming them', () => {
    const nan = events.map((e, i) => (i === 5 ? { ...e, x: [e.x[0], NaN, e.x[2], e.x[3]] } : e))
    expect(() => trainLda(trainingData(inputs, nan))).toThrow(/'b' is NaN in a signal/)
    const noSig = events.filter((e) => e.y === 0)
    expect(() => trainLda(trainingData(inputs, noSig))).toThrow(/no signal events/)
    const negative = events.map((e) => (e.y === 0 ? { ...e, w: -1 } : e))
    expect(() => trainLda(trainingData(inputs, negative))).toThrow(/background.*not > 0/)
  })

  it('warns and gives a constant output when the class means are equal', () => {
    const r = new Random(11)
    const same = [
      ...gaussianEvents(
        r,
        50,
        1,
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
      ),
      ...gaussianEvents(
        r,
        50,
        0,
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ].map((e) => ({ ...e, x: e.x.map(() => 1) }))
    same[0].x = [2, 1]
    same[60].x = [2, 1]
    const out = trainLda(trainingData(['u', 'v'], same))
    expect(out.warnings.join()).toMatch(/same input means/)
    expect(out.classifier.coefficients).toEqual([0, 0])
  })

  it('round-trips through JSON and rejects a malformed model', () => {
    const json = JSON.parse(JSON.stringify(ldaToJSON(result.classifier)))
    const back = ldaFromJSON(json)
    expect(Array.from(back.score(data.x, 50))).toEqual(
      Array.from(result.classifier.score(data.x, 50)),
    )
    expect(back.inputs).toEqual(inputs)
    expect(() => ldaFromJSON({ ...json, coefficients: [1] })).toThrow(/one coefficient per input/)
    expect(() => ldaFromJSON({ ...json, format: 'other' })).toThrow()
  })
})

describe.runIf(kaggleAvailable)('Fisher on the Kaggle Higgs sample', () => {
  // Measured with split seeds 1–5: test AUC 0.879–0.895 weighted with the Kaggle `Weight`
  // (physical yields), 0.781–0.803 with every event counting 1. The bands allow about three
  // times that spread.
  it('reaches a weighted test AUC in 0.85–0.92 and unweighted in 0.76–0.83', async () => {
    const data = await kaggleData(1)
    const { classifier, summary } = trainLda(data)
    const scores = classifier.score(data.x, data.n)
    const test = indicesOf(data, PART.test)
    const train = indicesOf(data, PART.train)
    const ones = new Float64Array(data.n).fill(1)
    const aucTest = weightedRoc(scores, data.y, data.weight, test).auc
    const aucTrain = weightedRoc(scores, data.y, data.weight, train).auc
    const aucTestRaw = weightedRoc(scores, data.y, ones, test).auc
    console.log(
      `Kaggle Fisher: AUC test ${aucTest.toFixed(4)} (train ${aucTrain.toFixed(4)}, ` +
        `unweighted test ${aucTestRaw.toFixed(4)}), Fisher criterion ${summary.fisherCriterion.toFixed(3)}`,
    )
    expect(aucTest).toBeGreaterThan(0.85)
    expect(aucTest).toBeLessThan(0.92)
    expect(aucTestRaw).toBeGreaterThan(0.76)
    expect(aucTestRaw).toBeLessThan(0.83)
    // A linear model on 6000 events barely overtrains.
    expect(Math.abs(aucTrain - aucTest)).toBeLessThan(0.03)
  })
})
