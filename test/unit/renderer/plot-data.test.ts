/** What the Data view draws from the engine's histograms: groups, stack, data, shapes, flows. */
import { describe, expect, it } from 'vitest'
import type { HistogramResult, Sample } from '../../../src/shared/contract/data'
import { groupHistograms, histogramPlot } from '../../../src/renderer/src/components/data/plot-data'

function sample(id: string, role: Sample['spec']['role'], group: string): Sample {
  return {
    id,
    spec: {
      name: id,
      role,
      group,
      colour: '#123456',
      files: ['f.root'],
      table: 'Events',
      missing: null,
      weight: '',
      normalisation: { kind: 'none' },
    },
    entries: 1,
    rawSumWeights: 1,
    scale: 1,
    yield: 1,
    columns: 1,
    hashes: [],
    memoryBytes: 0,
    problem: null,
  }
}

const flow = (sumw: number) => ({ sumw, sumw2: sumw })
const hist = (sampleId: string, sumw: number[], under = 0, over = 0) => ({
  sampleId,
  sumw,
  sumw2: sumw.map((x) => x / 2),
  underflow: flow(under),
  overflow: flow(over),
  entries: 0,
  nan: 0,
})

const samples = [
  sample('dy1', 'background', 'DY'),
  sample('tt', 'background', 'tt'),
  sample('dy2', 'background', 'DY'),
  sample('sig', 'signal', 'H'),
  sample('d1', 'data', 'Run A'),
  sample('d2', 'data', 'Run B'),
]
const result: HistogramResult = {
  variable: 'x',
  bins: 2,
  lo: 0,
  hi: 10,
  samples: [
    hist('dy1', [1, 2], 1),
    hist('tt', [3, 4]),
    hist('dy2', [10, 20], 0, 5),
    hist('sig', [1, 1]),
    hist('d1', [5, 6]),
    hist('d2', [1, 1], 2),
  ],
  missing: [],
}

describe('plot data', () => {
  it('sums samples per process group in sample order; all data samples are one', () => {
    const g = groupHistograms(result, samples)
    expect(g.map((x) => [x.role, x.name])).toEqual([
      ['background', 'DY'],
      ['background', 'tt'],
      ['signal', 'H'],
      ['data', 'Run A'],
    ])
    expect(g[0].sumw).toEqual([11, 22])
    expect(g[0].sumw2).toEqual([5.5, 11])
    expect(g[3].sumw).toEqual([6, 7])
    expect(g[3].underflow.sumw).toBe(2)
  })

  it('stacks backgrounds, draws signals as lines and data as points, with a ratio', () => {
    const p = histogramPlot(result, samples, {
      logY: false,
      normalised: false,
      foldFlows: false,
      xLabel: 'x',
    })
    expect(p.edges).toEqual([0, 5, 10])
    expect(p.stacked.map((s) => s.name)).toEqual(['DY', 'tt'])
    expect(p.lines.map((s) => s.name)).toEqual(['H'])
    expect(Array.from(p.data!.counts)).toEqual([6, 7])
    expect(p.ratio).toBe(true)
    expect(p.yLabel).toBe('Events / 5')
    // With the variable's unit, the bin width reads in it (issue 17, item 19).
    const withUnit = histogramPlot(result, samples, {
      logY: false,
      normalised: false,
      foldFlows: false,
      xLabel: 'm_ll [GeV]',
      unit: 'GeV',
    })
    expect(withUnit.yLabel).toBe('Events / 5 GeV')
    // Stat. band of the stack: total ± √(Σ Σw²).
    expect(p.band!.hi[0]).toBeCloseTo(14 + Math.sqrt(5.5 + 1.5), 12)
  })

  it('folds flows into the edge bins; shapes have unit area and no data', () => {
    const folded = histogramPlot(result, samples, {
      logY: false,
      normalised: false,
      foldFlows: true,
      xLabel: 'x',
    })
    expect(Array.from(folded.stacked[0].counts)).toEqual([12, 27])
    const shapes = histogramPlot(result, samples, {
      logY: true,
      normalised: true,
      foldFlows: false,
      xLabel: 'x',
    })
    expect(shapes.data).toBeNull()
    expect(shapes.stacked).toEqual([])
    for (const l of shapes.lines)
      expect(Array.from(l.counts).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })
})
