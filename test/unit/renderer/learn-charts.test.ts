/**
 * The Learn view's pictures (components/learn): the output colour scale (background red, white
 * at 0.5, signal blue, as the Train step's colours), the neuron scale, the map's ticks, and the
 * curves' titles carrying the numbers a student reads (AUC, KS p-values).
 */
import { describe, expect, it } from 'vitest'
import { LearnSettings, type LearnSnapshot } from '../../../src/shared/contract/learn'
import {
  activationColour,
  BACKGROUND,
  outputColour,
  SIGNAL,
  ticks,
} from '../../../src/renderer/src/components/learn/map-paint'
import {
  gradientBars,
  outputCurves,
  rocCurve,
} from '../../../src/renderer/src/components/learn/curve-options'

describe('learn colour scales', () => {
  it('reads background red below 0.5, white at 0.5, signal blue above', () => {
    expect(outputColour(0.5)).toEqual([255, 255, 255])
    const low = outputColour(0)
    const high = outputColour(1)
    expect(low[0]).toBeGreaterThan(low[2]) // red
    expect(high[2]).toBeGreaterThan(high[0]) // blue
    // Three quarters of the way to the class colour, so the events drawn on it stay visible.
    high.forEach((v, i) => expect(v).toBeCloseTo(255 + 0.75 * (SIGNAL[i] - 255), 6))
    low.forEach((v, i) => expect(v).toBeCloseTo(BACKGROUND[i] + 0.25 * (255 - BACKGROUND[i]), 6))
    // Clipped outside [0, 1].
    expect(outputColour(7)).toEqual(outputColour(1))
  })

  it('scales a neuron to its largest |value|: white at 0, opposite hues for the signs', () => {
    expect(activationColour(0, 2)).toEqual([255, 255, 255])
    const plus = activationColour(2, 2)
    const minus = activationColour(-2, 2)
    expect(plus).not.toEqual(minus)
    expect(activationColour(5, 2)).toEqual(plus)
  })

  it('ticks the axes at round values inside the range', () => {
    expect(ticks(-6, 6)).toEqual([-5, -2.5, 0, 2.5, 5])
    const t = ticks(13.2, 231.7)
    expect(t).toEqual([50, 100, 150, 200])
  })
})

describe('learn curves', () => {
  const snap: LearnSnapshot = {
    session: 's',
    dataVersion: 0,
    settings: LearnSettings.parse({ layers: [3] }),
    step: 4,
    epoch: 0.4,
    grid: 1,
    neuronGrid: 1,
    boundary: [0.5],
    neurons: [[[0], [0], [0]]],
    neuronHistograms: [],
    weights: [],
    gradientNorms: [0.01, null],
    history: { step: [4], epoch: [0.4], train: [0.6], test: [0.7] },
    output: {
      train: { lo: 0, hi: 1, signal: [1, 1], background: [1, 1] },
      test: { lo: 0, hi: 1, signal: [1, 1], background: [1, 1] },
      ksSignal: 0.25,
      ksBackground: null,
    },
    roc: { effS: [0, 1], effB: [0, 1], aucTest: 0.8123, aucTrain: 0.9 },
    diverged: null,
    lesson: null,
    millis: 1,
  }
  const title = (o: unknown) => (o as { title: { text: string } }).title.text

  it('the ROC title says both AUCs, the output title the KS p-values', () => {
    expect(title(rocCurve(snap))).toContain('AUC 0.812 (train 0.900)')
    expect(title(outputCurves(snap))).toContain('S 0.250, B n/a')
  })

  it('one gradient bar per layer, a missing norm left out', () => {
    const o = gradientBars(snap) as { xAxis: { data: string[] }; series: { data: unknown[] }[] }
    expect(o.xAxis.data).toEqual(['hidden 1', 'output'])
    expect(o.series[0].data).toEqual([0.01, null])
  })
})
