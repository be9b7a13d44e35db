/**
 * The Train view's chart builders: normalised shapes, loss points, ROC forms, the overtraining
 * plot and efficiency vs cut — checked against plain computations written here.
 */
import { describe, expect, it } from 'vitest'
import type { ClassifierEvaluation } from '../../../src/shared/contract/train'
import { toShape } from '../../../src/renderer/src/components/train/shape'
import { lossOption } from '../../../src/renderer/src/components/train/loss-option'
import {
  bestEpochNumber,
  historyPoints,
  livePoints,
} from '../../../src/renderer/src/stores/loss-points'
import {
  MAX_POINTS,
  curvePoints,
  rocOption,
  rocY,
  thin,
} from '../../../src/renderer/src/components/train/roc-option'
import { outputOption } from '../../../src/renderer/src/components/train/output-option'
import {
  efficiencyOption,
  optimalCutText,
} from '../../../src/renderer/src/components/train/efficiency-option'
import { inputOption } from '../../../src/renderer/src/components/train/input-option'

type AnyOption = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('shapes', () => {
  it('integrate to one and scale the errors alike', () => {
    const sumw = [1, 3, 4, 2]
    const sumw2 = [1, 2, 4, 1]
    const s = toShape(-1, 3, sumw, sumw2)
    expect(s.edges).toEqual([-1, 0, 1, 2, 3])
    const width = 1
    const integral = s.y.reduce((a, y) => a + y * width, 0)
    expect(integral).toBeCloseTo(1, 12)
    // Density of bin 2: 4 / (10 · 1); its error √4 / 10.
    expect(s.y[2]).toBeCloseTo(0.4, 12)
    expect(s.err[2]).toBeCloseTo(0.2, 12)
    const wide = toShape(0, 8, sumw, sumw2)
    expect(wide.y.reduce((a, y) => a + y * 2, 0)).toBeCloseTo(1, 12)
  })
  it('are zero for an empty histogram', () => {
    expect(toShape(0, 1, [0, 0], [0, 0]).y).toEqual([0, 0])
  })
})

describe('loss curves', () => {
  it('count epochs from 1 and skip undefined losses', () => {
    expect(historyPoints([0.7, null, 0.5])).toEqual([
      [1, 0.7],
      [3, 0.5],
    ])
    // Steps are 0-based epoch indices; epoch 2's loss was sent twice, the later one counts.
    const steps = new Map([
      [1, 0.6],
      [0, 0.7],
    ])
    steps.set(1, 0.59)
    expect(livePoints(steps)).toEqual([
      [1, 0.7],
      [2, 0.59],
    ])
    // A first epoch without a loss (NaN) does not shift the others.
    expect(
      livePoints(
        new Map([
          [0, NaN],
          [1, 0.6],
        ]),
      ),
    ).toEqual([[2, 0.6]])
    expect(bestEpochNumber(4)).toBe(5)
    expect(bestEpochNumber(-1)).toBeNull()
  })
  it('keep the planned epochs on the x axis and mark the best epoch', () => {
    const o = lossOption({
      loss: [
        [1, 0.69],
        [2, 0.6],
      ],
      valLoss: [[1, 0.7]],
      epochs: 50,
      bestEpoch: 2,
    }) as AnyOption
    // Two epochs seen of 50: the axis shows 10 so far; 5 planned: all 5 at once; 300 seen of
    // 2000: 450 rounded up to 500.
    expect(o.xAxis.max).toBe(10)
    expect((lossOption({ loss: [[1, 0.7]], valLoss: [], epochs: 5 }) as AnyOption).xAxis.max).toBe(
      5,
    )
    const long: [number, number][] = Array.from({ length: 300 }, (_, i) => [i + 1, 0.5])
    expect((lossOption({ loss: long, valLoss: [], epochs: 2000 }) as AnyOption).xAxis.max).toBe(500)
    expect((lossOption({ loss: long, valLoss: [] }) as AnyOption).xAxis.max).toBe(300)
    expect(o.yAxis.scale).toBe(true)
    expect(o.series[0].markLine.data).toEqual([{ xAxis: 2 }])
    expect(o.series.map((s: AnyOption) => s.name)).toEqual(['training loss', 'validation loss'])
  })
})

describe('ROC', () => {
  const curve = { name: 'Fisher', eff_s: [0, 0.5, 1], eff_b: [0, 0.1, 1], auc: 0.8766 }
  it('plots ε_B, 1 − ε_B and 1/ε_B', () => {
    expect(rocY(0.25, 'roc')).toBe(0.25)
    expect(rocY(0.25, 'rejection')).toBe(0.75)
    expect(rocY(0.25, 'inverse')).toBe(4)
    expect(rocY(0, 'inverse')).toBeNull()
    expect(curvePoints(curve, 'rejection')).toEqual([
      [0, 1],
      [0.5, 0.9],
      [1, 0],
    ])
    // ε_B = 0 has no place on a log axis.
    expect(curvePoints(curve, 'inverse')).toEqual([
      [0.5, 10],
      [1, 1],
    ])
  })
  it('thins long curves keeping both ends', () => {
    const pts = Array.from({ length: 10_001 }, (_, i) => i)
    const t = thin(pts)
    expect(t.length).toBe(MAX_POINTS)
    expect(t[0]).toBe(0)
    expect(t[t.length - 1]).toBe(10_000)
    expect(thin([1, 2, 3])).toEqual([1, 2, 3])
  })
  it('puts each AUC in the legend and compares several models', () => {
    const o = rocOption(
      [curve, { name: 'MLP', eff_s: [0, 1], eff_b: [0, 1], auc: null }],
      'roc',
    ) as AnyOption
    expect(o.series[0].name).toBe('Fisher (AUC = 0.877)')
    expect(o.series[1].name).toBe('MLP (AUC = —)')
    expect(o.series[2].name).toBe('random guess')
    expect(o.series[0].lineStyle.color).not.toBe(o.series[1].lineStyle.color)
    const inv = rocOption([curve], 'inverse') as AnyOption
    expect(inv.yAxis.type).toBe('log')
    expect(inv.yAxis.max).toBe(10)
    expect(inv.series).toHaveLength(1)
  })
})

function split(sig: number[], bkg: number[], lo = 0, hi = 1) {
  return {
    lo,
    hi,
    signal: { sumw: sig, sumw2: sig },
    background: { sumw: bkg, sumw2: bkg },
  }
}

describe('classifier output', () => {
  const output: NonNullable<ClassifierEvaluation['output']> = {
    bins: 4,
    train: split([1, 2, 3, 4], [4, 3, 2, 1]),
    test: split([2, 2, 4, 8], [8, 4, 2, 2]),
    ks_p_signal: 0.4321,
    ks_p_background: null,
  }
  it('shows KS p-values in the legend and normalised train histograms', () => {
    const o = outputOption(output) as AnyOption
    expect(o.legend.data).toEqual([
      'Signal (train)',
      'Background (train)',
      'Signal (test), KS p = 0.432',
      'Background (test), KS p = —',
    ])
    // Filled training signal: rect rows [x0, x1, density]; their area is 1.
    const rows = o.series[0].data as [number, number, number][]
    expect(rows.reduce((a, [x0, x1, y]) => a + (x1 - x0) * y, 0)).toBeCloseTo(1, 12)
    // Test signal points at bin centres: density 8 / (16 · 0.25) = 2 in the last bin.
    const pts = o.series[2].data as [number, number][]
    expect(pts[3][0]).toBeCloseTo(0.875, 12)
    expect(pts[3][1]).toBeCloseTo(2, 12)
    // Its error bar: ±√8 / (16 · 0.25).
    const bars = o.series[3].data as [number, number, number][]
    expect(bars[3][2] - bars[3][1]).toBeCloseTo((2 * Math.sqrt(8)) / 4, 12)
    expect(o.yAxis.max).toBeGreaterThan(2 + Math.sqrt(8) / 4)
  })
  it('draws input shapes as unit-area signal and background', () => {
    const o = inputOption({ input: 'DER_mass_MMC', ...split([1, 1], [3, 1], 0, 200) }) as AnyOption
    expect(o.title.text).toBe('DER_mass_MMC')
    const b = o.series[1].data as [number, number, number][]
    expect(b[0][2]).toBeCloseTo(3 / (4 * 100), 12)
  })
})

describe('efficiency vs cut', () => {
  const eff: NonNullable<ClassifierEvaluation['efficiency']> = {
    cut: [0, 0.5, 1],
    eff_s: [1, 0.8, 0],
    eff_b: [1, 0.2, 0],
    significance: [3, 4.5, null],
    expected_s: 10,
    expected_b: 100,
    best: { cut: 0.5, s: 8, b: 20, significance: 8 / Math.sqrt(28) },
  }
  it('marks and prints the optimal cut with the expected yields', () => {
    const o = efficiencyOption(eff) as AnyOption
    expect(o.series[2].data).toEqual([
      [0, 3],
      [0.5, 4.5],
    ])
    expect(o.series[2].yAxisIndex).toBe(1)
    expect(o.series[2].markLine.data).toEqual([{ xAxis: 0.5 }])
    expect(optimalCutText(eff)).toBe(
      'Optimal cut: output ≥ 0.5 → S = 8, B = 20, S/√(S+B) = 1.512 (expected before the cut: S = 10, B = 100)',
    )
    expect(optimalCutText({ ...eff, best: null })).toMatch(/No cut/)
  })
})
