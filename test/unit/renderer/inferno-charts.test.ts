/**
 * INFERNO's chart and table builders (Train view, INFERNO tab): live metric points, the loss
 * comparison on two axes, the stacked summary histogram with up / down lines, the overlaid profile
 * scans with the Δ(−2 ln L) = 1 line, the correlation heatmap cells and the σ table beside the
 * paper's medians — each checked against numbers written out here.
 */
import { describe, expect, it } from 'vitest'
import type {
  InfernoBenchmarkResult,
  PoiProfile,
  SummaryTemplates,
} from '../../../src/shared/contract/inferno'
import { lossCompareOption } from '../../../src/renderer/src/components/inferno/loss-compare-option'
import { metricPoints } from '../../../src/renderer/src/stores/loss-points'
import {
  summaryOption,
  totalCounts,
} from '../../../src/renderer/src/components/inferno/summary-option'
import {
  scanCompareOption,
  scanPoints,
} from '../../../src/renderer/src/components/inferno/scan-compare-option'
import {
  correlationCells,
  correlationOption,
} from '../../../src/renderer/src/components/inferno/correlation-option'
import {
  formatGain,
  formatSigma,
  gain,
  sigmaRows,
} from '../../../src/renderer/src/components/inferno/sigma-table'
import { BENCHMARK_INFO } from '../../../src/renderer/src/components/inferno/benchmark-info'

type AnyOption = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const profile = (sigma: number | null): PoiProfile => ({
  poi: 'mu',
  sigma,
  lower: sigma === null ? null : -sigma,
  upper: sigma,
  valid: true,
  // Δ = ((x − 50) / 16)² sampled at 40, 50, 60, 70 with one undefined point.
  scan: { values: [40, 50, 60, 66, 70], delta: [0.390625, 0, 0.390625, null, 1.5625] },
  names: ['mu', 'r'],
  covariance: [
    [256, 10],
    [10, 1],
  ],
  correlation: [
    [1, 0.625],
    [0.625, 1],
  ],
})

describe('loss curves', () => {
  it('turns metric steps into sorted points from epoch 1, dropping undefined values', () => {
    const m = new Map([
      [2, 0.5],
      [0, 0.9],
      [1, NaN],
    ])
    expect(metricPoints(m)).toEqual([
      [1, 0.9],
      [3, 0.5],
    ])
  })
  it('draws INFERNO on the left axis and cross entropy on the right', () => {
    const o = lossCompareOption(
      { loss: [[1, 4e-3]], valLoss: [[1, 5e-3]] },
      { loss: [[1, 0.6]], valLoss: [] },
    ) as AnyOption
    expect(o.yAxis).toHaveLength(2)
    const byName = Object.fromEntries(o.series.map((s: AnyOption) => [s.name, s]))
    expect(byName['INFERNO train'].yAxisIndex).toBe(0)
    expect(byName['INFERNO validation'].data).toEqual([[1, 5e-3]])
    expect(byName['BCE train'].yAxisIndex).toBe(1)
    expect(byName['BCE validation'].lineStyle.type).toBe('dashed')
  })
})

describe('summary histogram', () => {
  const t: SummaryTemplates = {
    bins: 3,
    processes: [
      { name: 'sig', role: 'signal', nominal: [1, 2, 30] },
      { name: 'bkg', role: 'background', nominal: [100, 20, 5] },
    ],
    variations: [{ nuisance: 'r', label: 'r ± 0.2', up: [110, 21, 34], down: [92, 23, 36] }],
  }
  it('stacks background under signal and adds an up and a down line per nuisance', () => {
    expect(totalCounts(t)).toEqual([101, 22, 35])
    const o = summaryOption(t, 'x') as AnyOption
    const bars = o.series.filter((s: AnyOption) => s.type === 'bar')
    expect(bars.map((s: AnyOption) => s.name)).toEqual(['bkg', 'sig'])
    expect(bars.every((s: AnyOption) => s.stack === 'total')).toBe(true)
    const lines = o.series.filter((s: AnyOption) => s.type === 'line')
    expect(lines).toHaveLength(2)
    expect(lines[0].data).toEqual([110, 21, 34])
    expect(lines[1].data).toEqual([92, 23, 36])
    expect(lines.map((l: AnyOption) => l.name)).toEqual(['r up (r ± 0.2)', 'r down'])
    expect(o.xAxis.data).toEqual(['1', '2', '3'])
  })
})

describe('profile scans', () => {
  it('keeps defined points and marks Δ(−2 ln L) = 1 once', () => {
    const p = profile(16)
    expect(scanPoints(p)).toEqual([
      [40, 0.390625],
      [50, 0],
      [60, 0.390625],
      [70, 1.5625],
    ])
    const o = scanCompareOption(
      [
        { name: 'INFERNO', colour: '#0a0', profile: p },
        { name: 'cross entropy', colour: '#a0a', profile: profile(24) },
      ],
      's',
    ) as AnyOption
    expect(o.series).toHaveLength(2)
    expect(o.series[0].markLine.data).toEqual([{ yAxis: 1 }])
    expect(o.series[1].markLine).toBeUndefined()
    expect(o.series[0].name).toBe('INFERNO: σ = 16')
    expect(o.xAxis.min).toBe(40)
    expect(o.xAxis.max).toBe(70)
  })
})

describe('correlation heatmap', () => {
  it('places cell (row a, column b) at [b, a] with two decimals', () => {
    const cells = correlationCells(profile(16))
    expect(cells).toContainEqual([1, 0, 0.63])
    expect(cells).toContainEqual([0, 0, 1])
    expect(cells).toHaveLength(4)
    const o = correlationOption(profile(16), 'c') as AnyOption
    expect(o.xAxis.data).toEqual(['mu', 'r'])
    expect(o.visualMap.min).toBe(-1)
  })
})

describe('σ table', () => {
  const result = {
    benchmark: { name: 'B2', description: '', paper: { bce: 23.94, inferno: 16.95 } },
    seeds: [
      { seed: 777, inferno: 18, bce: 24, infernoFisher: 17.9, bceFisher: 23.8 },
      { seed: 778, inferno: 20, bce: null, infernoFisher: 19.9, bceFisher: null },
      { seed: 779, inferno: 16, bce: 30, infernoFisher: 16, bceFisher: 30 },
    ],
    median: { inferno: 18, bce: 27 },
  } as unknown as InfernoBenchmarkResult
  it('lists seeds, the median and the paper row with INFERNO’s relative gain', () => {
    const rows = sigmaRows(result)
    expect(rows.map((r) => r.label)).toEqual([
      'seed 777',
      'seed 778',
      'seed 779',
      'median (3 seeds)',
      'paper, median of 100',
    ])
    expect(rows[0].gain).toBeCloseTo(0.25, 12)
    expect(rows[1].gain).toBeNull()
    expect(rows[4].gain).toBeCloseTo(1 - 16.95 / 23.94, 12)
    expect(formatGain(gain(18, 24))).toBe('−25%')
    expect(formatGain(gain(30, 24))).toBe('+25%')
    expect(formatSigma(16.954)).toBe('16.95')
    expect(formatSigma(0.0281234)).toBe('0.0281')
    expect(formatSigma(null)).toBe('—')
  })
  it('shows the published medians of the paper (table 2)', () => {
    expect(BENCHMARK_INFO.B0.paper).toEqual({ bce: 14.99, inferno: 15.51 })
    expect(BENCHMARK_INFO.B4.paper).toEqual({ bce: 26.71, inferno: 18.68 })
  })
})
