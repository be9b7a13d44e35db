/**
 * INFERNO's live soft histograms and one-click studies in the Train view: metric events
 * gathered into per-epoch snapshots, the bar chart with the previous epoch as outlines, the
 * change between epochs, and the study's table and plot — checked against numbers written here.
 */
import { describe, expect, it } from 'vitest'
import { InfernoStudyConfig, type InfernoStudyResult } from '../../../src/shared/contract/inferno'
import { softHistogramOption } from '../../../src/renderer/src/components/inferno/soft-histogram-option'
import {
  SoftSnapshots,
  softChange,
  softMetric,
} from '../../../src/renderer/src/stores/soft-snapshots'
import { studyOption, studyRows } from '../../../src/renderer/src/components/inferno/study-option'

type Series = { type: string; name: string; data: unknown[]; step?: string }

describe('soft histogram snapshots', () => {
  it('parses only the soft-histogram metric names', () => {
    expect(softMetric('inferno.soft.signal.3')).toEqual({ process: 'signal', bin: 3 })
    expect(softMetric('inferno.soft.background.12')).toEqual({ process: 'background', bin: 12 })
    expect(softMetric('inferno.loss')).toBeNull()
    expect(softMetric('bce.soft.signal.1')).toBeNull()
    expect(softMetric('inferno.soft.signal.x')).toBeNull()
  })

  it('collects events into complete per-epoch snapshots, in epoch order', () => {
    const s = new SoftSnapshots()
    // Epoch 2 (step 1) arrives complete; epoch 1 (step 0) lacks a background bin at first.
    const put = (step: number, p: string, v: number[]) =>
      v.forEach((x, j) => expect(s.add(`inferno.soft.${p}.${j}`, step, x)).toBe(true))
    put(1, 'signal', [0.5, 0.3, 0.2])
    put(1, 'background', [0.1, 0.3, 0.6])
    put(0, 'signal', [0.4, 0.4, 0.2])
    s.add('inferno.soft.background.0', 0, 0.3)
    s.add('inferno.soft.background.1', 0, 0.3)
    expect(s.add('inferno.val_loss', 0, 4)).toBe(false)
    expect(s.list().map((x) => x.epoch)).toEqual([2])
    s.add('inferno.soft.background.2', 0, 0.4)
    const list = s.list()
    expect(list.map((x) => x.epoch)).toEqual([1, 2])
    expect(list[0]).toEqual({ epoch: 1, signal: [0.4, 0.4, 0.2], background: [0.3, 0.3, 0.4] })
    // |0.4−0.5| + |0.4−0.3| + 0 + |0.3−0.1| + 0 + |0.4−0.6| = 0.6
    expect(softChange(list[0], list[1])).toBeCloseTo(0.6, 12)
  })

  it('draws signal and background bars, each beside a pale bar of the epoch before', () => {
    const now = { epoch: 5, signal: [0.1, 0.9], background: [0.7, 0.3] }
    const before = { epoch: 4, signal: [0.2, 0.8], background: [0.6, 0.4] }
    const o = softHistogramOption(now, before, 0.1) as unknown as {
      title: { text: string }
      xAxis: { data: string[] }
      series: (Series & { itemStyle: { opacity: number } })[]
    }
    expect(o.title.text).toContain('epoch 5')
    expect(o.title.text).toContain('τ = 0.1')
    expect(o.xAxis.data).toEqual(['1', '2'])
    expect(o.series.map((x) => [x.type, x.name])).toEqual([
      ['bar', 'signal, epoch 4'],
      ['bar', 'signal'],
      ['bar', 'background, epoch 4'],
      ['bar', 'background'],
    ])
    expect(o.series[1].data).toEqual([0.1, 0.9])
    expect(o.series[2].data).toEqual([0.6, 0.4])
    expect(o.series[0].itemStyle.opacity).toBeLessThan(o.series[1].itemStyle.opacity)
    // No previous epoch (the first), or a different bin count: the two current bars only.
    const first = softHistogramOption(now, null, null) as unknown as { series: Series[] }
    expect(first.series.map((x) => x.name)).toEqual(['signal', 'background'])
    const other = { epoch: 4, signal: [1], background: [1] }
    expect(
      (softHistogramOption(now, other, 1) as unknown as { series: Series[] }).series,
    ).toHaveLength(2)
  })
})

describe('study table and plot', () => {
  const result = (parameter: 'bins' | 'tau', bceApplies: boolean): InfernoStudyResult => ({
    config: InfernoStudyConfig.parse({ benchmark: {}, parameter }),
    points: [
      { value: parameter === 'bins' ? 5 : 0.001, inferno: 17.234, bce: bceApplies ? 24.5 : null },
      { value: parameter === 'bins' ? 8 : 0.1, inferno: null, bce: bceApplies ? 23.1 : null },
    ],
    bceApplies,
    backend: 'cpu',
    seconds: 12,
  })

  it('tabulates σ with two decimals, — where not found, n/a where BCE does not apply', () => {
    expect(studyRows(result('bins', true))).toEqual([
      { value: '5', inferno: '17.23', bce: '24.50' },
      { value: '8', inferno: '—', bce: '23.10' },
    ])
    expect(studyRows(result('tau', false)).map((r) => r.bce)).toEqual(['n/a', 'n/a'])
  })

  it('plots INFERNO (and BCE where it applies); τ on a log axis; missing points left out', () => {
    const bins = studyOption(result('bins', true), 's') as unknown as {
      xAxis: { type: string }
      series: Series[]
    }
    expect(bins.xAxis.type).toBe('value')
    expect(bins.series.map((x) => x.name)).toEqual(['INFERNO', 'cross entropy'])
    expect(bins.series[0].data).toEqual([[5, 17.234]])
    expect(bins.series[1].data).toEqual([
      [5, 24.5],
      [8, 23.1],
    ])
    const tau = studyOption(result('tau', false), 's') as unknown as {
      xAxis: { type: string }
      series: Series[]
    }
    expect(tau.xAxis.type).toBe('log')
    expect(tau.series.map((x) => x.name)).toEqual(['INFERNO'])
  })

  it('refuses study values that make no sense for the setting', () => {
    const bad = (parameter: string, values: number[]) =>
      InfernoStudyConfig.safeParse({ benchmark: {}, parameter, values }).success
    expect(bad('bins', [5, 8.5])).toBe(false)
    expect(bad('bins', [1])).toBe(false)
    expect(bad('fraction', [0.5, 1.2])).toBe(false)
    expect(bad('tau', [0.01, 0.5])).toBe(true)
    expect(bad('fraction', [0.3, 0.9])).toBe(true)
  })
})
