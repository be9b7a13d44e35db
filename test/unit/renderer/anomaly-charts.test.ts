/**
 * The Anomaly view's pure chart builders: the score plot (backgrounds stacked, signals as
 * lines, log y, the threshold line), the ROC set that always carries the best single variable,
 * the verdict sentence, the latent scatter, the correlation heatmap's orientation and the
 * loss-component curves.
 */
import { describe, expect, it } from 'vitest'
import type { AnomalyEvaluation, ScoreHistograms } from '../../../src/shared/contract/anomaly'
import { correlationOption } from '../../../src/renderer/src/components/anomaly/correlation-option'
import { latentOption, pairs } from '../../../src/renderer/src/components/anomaly/latent-option'
import { lossComponentsOption } from '../../../src/renderer/src/components/anomaly/loss-components-option'
import { emptyComponents } from '../../../src/renderer/src/stores/loss-components'
import {
  anomalyRocCurves,
  honestyVerdict,
} from '../../../src/renderer/src/components/anomaly/roc-curves'
import { scoreOption } from '../../../src/renderer/src/components/anomaly/score-option'
import {
  shapesOption,
  unitArea,
  uniformEdges,
} from '../../../src/renderer/src/components/anomaly/shapes-option'

type Series = {
  name?: string
  type?: string
  stack?: string
  data?: unknown[]
  markLine?: { data: { xAxis: number }[] }
}
const seriesOf = (o: object) => (o as { series?: unknown }).series as Series[]

const H: ScoreHistograms = {
  edges: [0, 1, 2, 3],
  samples: [
    { name: 'ttbar', role: 'background', colour: '#aa0000', sumw: [5, 2, 0.1], sumw2: [5, 2, 0.1] },
    { name: 'wjets', role: 'background', colour: null, sumw: [3, 1, 0], sumw2: [3, 1, 0] },
    { name: 'zprime', role: 'signal', colour: '#0000aa', sumw: [0.1, 0.2, 0.5], sumw2: [0, 0, 0] },
  ],
}

const curve = { eff_s: [0, 0.5, 1], eff_b: [0, 0.2, 1] }
const EVAL: AnomalyEvaluation = {
  val_loss: 0.3,
  signals: [{ name: 'zprime', auc: 0.71, roc: curve, best_single_variable: null }],
  best_single_variable: { name: 'met', auc: 0.94, direction: 'above', roc: curve },
  features: [],
}

describe('score plot', () => {
  it('stacks the backgrounds, overlays the signal, uses a log axis and draws the cut', () => {
    const o = scoreOption(H, 2)
    const names = seriesOf(o).map((s) => s.name)
    expect(names).toEqual(expect.arrayContaining(['ttbar', 'wjets', 'zprime', 'threshold']))
    const y = (Array.isArray(o.yAxis) ? o.yAxis[0] : o.yAxis) as { type: string; min: number }
    expect(y.type).toBe('log')
    expect(y.min).toBeGreaterThan(0)
    const line = seriesOf(o).find((s) => s.name === 'threshold')
    expect(line?.markLine?.data[0].xAxis).toBe(2)
    expect(seriesOf(scoreOption(H, null)).some((s) => s.name === 'threshold')).toBe(false)
  })
})

describe('honest ROC set', () => {
  it('always adds the best single variable beside the score curves', () => {
    const c = anomalyRocCurves(EVAL)
    expect(c.map((x) => x.name)).toEqual(['score: zprime', 'best single variable: met (> cut)'])
    expect(c[1].auc).toBe(0.94)
  })
  it('says when one cut does at least as well as the model', () => {
    expect(honestyVerdict(EVAL)).toBe(
      "A single cut does at least as well as the model: AUC 0.710 for 'zprime' vs 0.940 for a cut on met.",
    )
    const better = { ...EVAL, signals: [{ ...EVAL.signals[0], auc: 0.97 }] }
    expect(honestyVerdict(better)).toMatch(/^The anomaly score beats/)
    expect(honestyVerdict({ ...EVAL, best_single_variable: null })).toMatch(/No AUC/)
  })
})

describe('latent scatter and correlation heatmap', () => {
  it('unflattens points and keeps one series per sample with its explained variance', () => {
    expect(pairs([1, 2, 3, 4, 5])).toEqual([
      [1, 2],
      [3, 4],
    ])
    const latent = {
      explained: [0.75, 0.25],
      samples: [
        { name: 'bkg', role: 'background' as const, points: [0, 0, 1, 1] },
        { name: 'sig', role: 'signal' as const, points: [2, 2] },
      ],
      tsne: {
        perplexity: 5,
        samples: [
          { name: 'bkg', role: 'background' as const, points: [5, 5] },
          { name: 'sig', role: 'signal' as const, points: [7, 7, 8, 8, 9, 9] },
        ],
      },
    }
    const o = latentOption(latent, ['#111111', null])
    expect(seriesOf(o).map((s) => s.data?.length)).toEqual([2, 1])
    expect((o.xAxis as { name: string }).name).toBe('PC 1 (75% of variance)')
    const t = latentOption(latent, ['#111111', null], 'tsne')
    expect(seriesOf(t).map((s) => s.data?.length)).toEqual([1, 3])
    expect(seriesOf(t)[1].data?.[2]).toEqual([9, 9])
    expect((t.xAxis as { name: string }).name).toBe('t-SNE 1')
    // A model stored before t-SNE existed: an empty map, not a crash.
    expect(seriesOf(latentOption({ ...latent, tsne: null }, [], 'tsne'))).toEqual([])
  })

  it('puts matrix row 0 at the top: cell (row r, column c) is drawn at y = d − 1 − r', () => {
    const m = [1, 0.5, -0.2, 0.5, 1, 0.3, -0.2, 0.3, 1]
    const o = correlationOption(['a', 'b', 'c'], m, 'real')
    const data = seriesOf(o)[0].data as [number, number, number][]
    for (const [c, y, v] of data) expect(v).toBeCloseTo(m[(2 - y) * 3 + c], 2)
    expect((o.yAxis as { data: string[] }).data).toEqual(['c', 'b', 'a'])
  })
})

describe('shapes and loss components', () => {
  it('draws unit-area steps on uniform edges', () => {
    expect(uniformEdges(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(unitArea([1, 3])).toEqual([0.25, 0.75])
    expect(unitArea([0, 0])).toEqual([0, 0])
    const o = shapesOption({
      edges: [0, 1, 2],
      xLabel: 'x',
      shapes: [{ name: 'a', color: '#000', values: [0.25, 0.75] }],
    })
    expect(seriesOf(o)[0].data).toEqual([
      [0, 0.25],
      [1, 0.75],
      [2, 0.75],
    ])
  })

  it('shows only the components that have points (no KL for an autoencoder)', () => {
    const c = emptyComponents()
    c.loss = [[1, 0.5]]
    c.val_loss = [[1, 0.6]]
    c.reconstruction = [[1, 0.5]]
    const o = lossComponentsOption(c, 20)
    expect(seriesOf(o).map((s) => s.name)).toEqual([
      'total (train)',
      'total (validation)',
      'reconstruction (train)',
    ])
  })
})
