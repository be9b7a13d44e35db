/**
 * What a physicist reads on a chart (issue 17, items 19 and 20): axis titles with units, the bin
 * width in the variable's unit, integer-centred bins titled "Events", ratio points beyond the
 * panel drawn as arrows, the 2-D colour bar's numbers, and thresholds written short.
 */
import { describe, expect, it } from 'vitest'
import {
  histogramOption,
  offPanel,
} from '../../../src/renderer/src/components/charts/histogram-option'
import { clampThreshold, sliderStep } from '../../../src/renderer/src/components/cuts/threshold'
import { thresholdOf, withThreshold } from '../../../src/shared/expr'
import { hist2dOption } from '../../../src/renderer/src/components/data/heatmap-option'
import { axisTitle, perBinTitle } from '../../../src/renderer/src/components/data/variable-title'

type Series = { name?: string; symbol?: string; symbolRotate?: number; data?: number[][] }

describe('axis titles', () => {
  it('say the unit on both axes', () => {
    expect(axisTitle('mll', { label: 'm_ll', unit: 'GeV' })).toBe('m_ll [GeV]')
    expect(perBinTitle(5, 0, { unit: 'GeV' })).toBe('Events / 5 GeV')
    expect(perBinTitle(2.5, 0, { unit: 'GeV', normalised: true })).toBe(
      'Fraction of events / 2.5 GeV',
    )
    expect(perBinTitle(0.1 + 0.2, 0)).toBe('Events / 0.3')
  })

  it('read "Events" for one bin per whole number (integer-centred unit bins)', () => {
    expect(perBinTitle(1, -0.5)).toBe('Events')
    expect(perBinTitle(1, 0)).toBe('Events / 1')
  })
})

describe('whole-number variables', () => {
  it('label the integers only, not the bin edges between them', () => {
    const o = histogramOption({
      edges: [-0.5, 0.5, 1.5, 2.5],
      stacked: [{ name: 'bkg', color: '#ccc', counts: [1, 2, 3] }],
      lines: [],
      data: null,
      xLabel: 'nMuon',
      yLabel: 'Events',
      logY: false,
      ratio: false,
      wholeX: true,
    }) as { xAxis: { minInterval?: number; axisLabel: { formatter: (v: number) => string } }[] }
    expect(o.xAxis[0].minInterval).toBe(1)
    expect([-0.5, 0, 1, 1.5, 2].map(o.xAxis[0].axisLabel.formatter)).toEqual([
      '',
      '0',
      '1',
      '',
      '2',
    ])
  })
})

describe('ratio panel', () => {
  it('marks points beyond the panel with an arrow at its edge, keeping the value', () => {
    const off = offPanel(
      [
        [1, 4.2],
        [2, 1.1],
        [3, NaN],
        [4, -0.5],
      ],
      0,
      3,
    )
    // 7% of the panel inside its edge, the ratio itself kept for the tooltip.
    expect(off.up.map(([x, y, r]) => [x, Number(y.toFixed(9)), r])).toEqual([[1, 2.79, 4.2]])
    expect(off.down.map(([x, y, r]) => [x, Number(y.toFixed(9)), r])).toEqual([[4, 0.21, -0.5]])
  })

  it('draws them in the chart, not the points themselves', () => {
    const o = histogramOption({
      edges: [0, 1, 2, 3],
      stacked: [{ name: 'bkg', color: '#ccc', counts: [10, 10, 1] }],
      lines: [],
      // The third bin: data / sim. = 9, far above the panel (at most 3).
      data: { name: 'Data', color: '#000', counts: [10, 11, 9] },
      xLabel: 'x',
      yLabel: 'Events',
      logY: false,
      ratio: true,
    }) as { series: Series[]; yAxis: { min?: number; max?: number }[] }
    const points = o.series.find((s) => s.name === 'Data / Sim.')!
    expect(points.data!.map((p) => p[0])).toEqual([0.5, 1.5])
    const arrows = o.series.find((s) => s.name === 'Data / Sim. above the panel')!
    expect(arrows.symbol).toBe('arrow')
    const { min = 0, max = 0 } = o.yAxis[1]
    expect(max).toBe(3)
    expect(arrows.data).toEqual([[2.5, max - 0.07 * (max - min), 9]])
  })
})

describe('2-D histogram', () => {
  it('has numbers on its colour bar and units on its axes', () => {
    const o = hist2dOption(
      {
        sampleId: 's',
        x: 'mll',
        y: 'nMuon',
        xbins: 2,
        xlo: 0,
        xhi: 100,
        ybins: 2,
        ylo: -0.5,
        yhi: 1.5,
        sumw: [
          [0, 12.345678],
          [3, 0],
        ],
        inside: 15.345678,
        outside: 0,
      },
      'DY',
      { x: 'm_ll [GeV]' },
    ) as {
      visualMap: { text: string[] }
      xAxis: { name: string }
      yAxis: { name: string }
      title: { text: string }[]
    }
    expect(o.visualMap.text).toEqual(['12.35', '0'])
    expect(o.title.map((t) => t.text)).toContain('Σw / cell')
    expect(o.xAxis.name).toBe('m_ll [GeV]')
    expect(o.yAxis.name).toBe('nMuon')
  })
})

/** The cut with its threshold moved to `value`, as a drag writes it. */
function replaceThreshold(expr: string, value: number): string | null {
  const t = thresholdOf(expr)
  return t ? withThreshold(expr, t, value) : null
}

describe('dragged thresholds', () => {
  it('snap to a nice step and are written short', () => {
    expect(clampThreshold(70.4712345, 0, 250)).toBe(70)
    expect(replaceThreshold('mll > 91.1876', clampThreshold(70.47, 0, 250))).toBe('mll > 70')
    expect(replaceThreshold('20 < pt', 22.5)).toBe('20 < pt'.replace('20', '22.5'))
    expect(clampThreshold(2.4, -0.5, 6.5, true)).toBe(2)
    expect(sliderStep(0, 250)).toBe(2.5)
    expect(sliderStep(-0.5, 6.5, true)).toBe(1)
  })
})
