import { describe, expect, it } from 'vitest'
import { TrainSetup } from '../../../src/shared/contract/train'
import {
  assembleTrainingData,
  trainingWeights,
  type SelectedEvents,
} from '../../../src/main/engine/ml/build-dataset'
import { PART } from '../../../src/main/engine/ml/dataset'

function events(
  name: string,
  role: 'signal' | 'background',
  cols: number[][],
  w: number[],
): SelectedEvents {
  return {
    name,
    role,
    columns: cols.map((c) => Float64Array.from(c)),
    weight: Float64Array.from(w),
  }
}

const setup = (over: object = {}) => TrainSetup.parse({ inputs: ['a', 'b'], ...over })

describe('assembleTrainingData', () => {
  const n = 2000
  const sig = events(
    'S',
    'signal',
    [
      Array.from({ length: n }, (_, i) => i),
      Array.from({ length: n }, (_, i) => (i % 10 === 0 ? -999 : 1)),
    ],
    Array.from({ length: n }, () => 0.5),
  )
  const bkg = events(
    'B',
    'background',
    [
      Array.from({ length: n }, (_, i) => -i),
      Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : 2)),
    ],
    Array.from({ length: n }, (_, i) => (i % 2 ? 3 : -1)),
  )

  it('splits with the seed: same seed same split, fractions as asked within binomial noise', () => {
    const a = assembleTrainingData(
      [sig, bkg],
      setup({ split: { test: 0.4, validation: 0.25, seed: 7 } }),
    )
    const b = assembleTrainingData(
      [sig, bkg],
      setup({ split: { test: 0.4, validation: 0.25, seed: 7 } }),
    )
    const c = assembleTrainingData(
      [sig, bkg],
      setup({ split: { test: 0.4, validation: 0.25, seed: 8 } }),
    )
    expect(Array.from(a.data.part)).toEqual(Array.from(b.data.part))
    expect(Array.from(a.data.part)).not.toEqual(Array.from(c.data.part))
    const N = 2 * n
    const count = (p: number) => a.data.part.filter((x) => x === p).length
    // Binomial σ for 4000 events: √(4000·0.4·0.6) ≈ 31; 5σ bands.
    expect(Math.abs(count(PART.test) - 0.4 * N)).toBeLessThan(5 * 31)
    expect(Math.abs(count(PART.validation) - 0.6 * 0.25 * N)).toBeLessThan(5 * 23)
  })

  it('replaces sentinels and NaN by the training mean of the defined values', () => {
    // The training's own list of sentinels (a sample's missing value arrives as NaN already).
    const r = assembleTrainingData([sig, bkg], setup({ missing: { values: [-999] } }))
    const { data, means } = r
    // Column b: signal defined values are 1, background defined values 2.
    let s = 0
    let k = 0
    for (let i = 0; i < data.n; i++) {
      const v = data.x[i * 2 + 1]
      expect(Number.isFinite(v)).toBe(true)
      expect(v).not.toBe(-999)
    }
    for (let i = 0; i < n; i++) {
      const rowS = i
      const rowB = n + i
      if (data.part[rowS] === PART.train && i % 10 !== 0) {
        s += 1
        k++
      }
      if (data.part[rowB] === PART.train && i % 7 !== 0) {
        s += 2
        k++
      }
    }
    expect(means[1]).toBeCloseTo(s / k, 12)
    expect(data.x[0 * 2 + 1]).toBeCloseTo(s / k, 12) // signal event 0 had −999
    expect(r.warnings.some((w) => w.includes("input 'b'"))).toBe(true)
  })

  it('warns when an undeclared −999 looks like a missing value, and only then (issue 17)', () => {
    // No sentinel declared: b's −999 (10% of signal, far below 1 and 2) is a value, with a hint.
    const r = assembleTrainingData([sig, bkg], setup())
    const hint = r.warnings.filter((w) => w.includes('far below every other value'))
    expect(hint).toHaveLength(1)
    expect(hint[0]).toMatch(/^input 'b': 200 events \(5\.0%\) have exactly -999/)
    // Declared: no hint. Column a (0…1999 and −1999…0) has a −999 among its neighbours: none.
    const declared = assembleTrainingData([sig, bkg], setup({ missing: { values: [-999] } }))
    expect(declared.warnings.join(' ')).not.toMatch(/far below/)
  })

  it('drops events with missing values under the drop policy', () => {
    const r = assembleTrainingData(
      [sig, bkg],
      setup({ missing: { values: [-999], policy: 'drop' } }),
    )
    // b: every 10th signal (−999) and every 7th background (NaN); a: background event 999 is −999.
    const missing = n / 10 + Math.ceil(n / 7) + 1
    expect(r.data.n).toBe(2 * n - missing)
  })

  it('normalises training weights per class (numevents, equalsum) from the training part only', () => {
    const r = assembleTrainingData(
      [sig, bkg],
      setup({ weights: { norm: 'numevents', negative: 'keep' } }),
    )
    const { data } = r
    const sum = [0, 0]
    const cnt = [0, 0]
    for (let i = 0; i < data.n; i++)
      if (data.part[i] === PART.train) {
        sum[data.y[i]] += data.w[i]
        cnt[data.y[i]]++
      }
    expect(sum[1]).toBeCloseTo(cnt[1], 9)
    expect(sum[0]).toBeCloseTo(cnt[0], 9)
    const e = assembleTrainingData(
      [sig, bkg],
      setup({ weights: { norm: 'equalsum', negative: 'ignore' } }),
    )
    const s2 = [0, 0]
    const c2 = [0, 0]
    for (let i = 0; i < e.data.n; i++) {
      if (e.data.part[i] !== PART.train) continue
      s2[e.data.y[i]] += e.data.w[i]
      c2[e.data.y[i]]++
      expect(e.data.w[i]).toBeGreaterThanOrEqual(0)
    }
    expect(s2[0]).toBeCloseTo(c2[1], 9)
    expect(s2[1]).toBeCloseTo(c2[1], 9)
    // Physical weights are untouched and give the expected yields.
    expect(r.expected.s).toBeCloseTo(0.5 * n, 9)
    expect(r.expected.b).toBeCloseTo((n / 2) * 3 - n / 2, 9)
  })

  it('keeps weights as they are with norm none', () => {
    const y = Uint8Array.from([1, 0, 1])
    const w = trainingWeights(y, Float64Array.from([2, -1, 3]), Uint8Array.from([0, 0, 2]), {
      norm: 'none',
      negative: 'keep',
    })
    expect(Array.from(w)).toEqual([2, -1, 3])
  })

  it('refuses a set without signal or without training background', () => {
    expect(() => assembleTrainingData([bkg], setup())).toThrow(/no signal events/)
    expect(() =>
      assembleTrainingData([sig, bkg], setup({ split: { test: 0.9, validation: 0.5, seed: 1 } })),
    ).not.toThrow()
  })

  it('warns about a constant input', () => {
    const c = events(
      'C',
      'signal',
      [
        [1, 1, 1, 1],
        [1, 2, 3, 4],
      ],
      [1, 1, 1, 1],
    )
    const d = events(
      'D',
      'background',
      [
        [1, 1, 1, 1],
        [4, 3, 2, 1],
      ],
      [1, 1, 1, 1],
    )
    const r = assembleTrainingData([c, d], setup({ split: { test: 0, validation: 0, seed: 1 } }))
    expect(r.warnings.some((w) => w.includes("'a' is constant"))).toBe(true)
  })
})
