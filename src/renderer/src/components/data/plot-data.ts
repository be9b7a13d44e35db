/**
 * Turns the engine's per-sample histograms into what the chart draws: backgrounds summed per
 * process group and stacked (first sample's group at the bottom), signals as one line per
 * group, all data samples summed into points; optionally unit-area shapes, and flows folded
 * into the edge bins. Pure, so it is unit-tested.
 */
import type { HistogramResult, Sample, SampleHistogram } from '../../../../shared/contract/data'
import { integerCentred, perBinTitle } from './variable-title'

/** One drawn series: the shape of histogram-option.ts's HistSeries. */
export interface HistSeries {
  name: string
  color: string
  counts: number[]
  sumw2?: number[]
}

/**
 * What histogram-option.ts draws (its HistogramPlot, which this matches structurally); declared
 * here so this module, and its unit test, stay free of ECharts and the DOM.
 */
export interface HistogramPlot {
  edges: number[]
  stacked: HistSeries[]
  lines: HistSeries[]
  data: HistSeries | null
  band?: { lo: number[]; hi: number[]; label: string } | null
  xLabel: string
  yLabel: string
  logY: boolean
  ratio: boolean
  /** One bin per whole number: labels on integers only. */
  wholeX?: boolean
}

export interface PlotOptions {
  logY: boolean
  /** Unit-area shapes of every simulated group overlaid (no stack, no data). */
  normalised: boolean
  /** Add the underflow to the first bin and the overflow to the last. */
  foldFlows: boolean
  xLabel: string
  /** The variable's unit, for the y title (`Events / 5 GeV`). */
  unit?: string
}

/** A process group's summed histogram (Σw and Σw² per bin, flows apart). */
export interface GroupHistogram {
  name: string
  role: Sample['spec']['role']
  color: string
  sumw: number[]
  sumw2: number[]
  underflow: { sumw: number; sumw2: number }
  overflow: { sumw: number; sumw2: number }
}

function groupName(s: Sample): string {
  return s.spec.group || (s.spec.role === 'data' ? 'Data' : s.spec.name)
}

/** Sums the sample histograms per (role, group), in sample order; all data samples are one. */
export function groupHistograms(result: HistogramResult, samples: Sample[]): GroupHistogram[] {
  const byId = new Map<string, SampleHistogram>(result.samples.map((h) => [h.sampleId, h]))
  const groups = new Map<string, GroupHistogram>()
  const key = (s: Sample) =>
    s.spec.role === 'data' ? 'data' : `${s.spec.role}\u0000${groupName(s)}`
  for (const s of samples) {
    const h = byId.get(s.id)
    if (!h) continue
    let g = groups.get(key(s))
    if (!g) {
      g = {
        name: groupName(s),
        role: s.spec.role,
        color: s.spec.colour,
        sumw: new Array<number>(result.bins).fill(0),
        sumw2: new Array<number>(result.bins).fill(0),
        underflow: { sumw: 0, sumw2: 0 },
        overflow: { sumw: 0, sumw2: 0 },
      }
      groups.set(key(s), g)
    }
    for (let i = 0; i < result.bins; i++) {
      g.sumw[i] += h.sumw[i]
      g.sumw2[i] += h.sumw2[i]
    }
    g.underflow.sumw += h.underflow.sumw
    g.underflow.sumw2 += h.underflow.sumw2
    g.overflow.sumw += h.overflow.sumw
    g.overflow.sumw2 += h.overflow.sumw2
  }
  return [...groups.values()]
}

/** Bin edges of a uniform binning (bins + 1 values). */
export function uniformEdges(bins: number, lo: number, hi: number): number[] {
  return Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins)
}

function series(g: GroupHistogram, fold: boolean, unitArea: boolean): HistSeries {
  const counts = [...g.sumw]
  const w2 = [...g.sumw2]
  const n = counts.length
  if (fold && n > 0) {
    counts[0] += g.underflow.sumw
    w2[0] += g.underflow.sumw2
    counts[n - 1] += g.overflow.sumw
    w2[n - 1] += g.overflow.sumw2
  }
  if (unitArea) {
    const area = counts.reduce((a, b) => a + b, 0)
    if (area > 0)
      for (let i = 0; i < n; i++) {
        counts[i] /= area
        w2[i] /= area * area
      }
  }
  return { name: g.name, color: g.role === 'data' ? '#000000' : g.color, counts, sumw2: w2 }
}

/** The chart's input for a histogram result (see histogram-option.ts). */
export function histogramPlot(
  result: HistogramResult,
  samples: Sample[],
  o: PlotOptions,
): HistogramPlot {
  const groups = groupHistograms(result, samples)
  const edges = uniformEdges(result.bins, result.lo, result.hi)
  const width = (result.hi - result.lo) / result.bins
  const backgrounds = groups.filter((g) => g.role === 'background')
  const signals = groups.filter((g) => g.role === 'signal')
  const data = groups.find((g) => g.role === 'data')
  if (o.normalised) {
    return {
      edges,
      stacked: [],
      lines: [...backgrounds, ...signals].map((g) => series(g, o.foldFlows, true)),
      data: null,
      xLabel: o.xLabel,
      yLabel: perBinTitle(width, result.lo, { unit: o.unit, normalised: true }),
      logY: o.logY,
      ratio: false,
      wholeX: integerCentred(width, result.lo),
    }
  }
  const stacked = backgrounds.map((g) => series(g, o.foldFlows, false))
  // Statistical uncertainty of the simulation: √ΣΣw² of the stack, per bin.
  let band: HistogramPlot['band'] = null
  if (stacked.length) {
    const lo: number[] = []
    const hi: number[] = []
    for (let i = 0; i < result.bins; i++) {
      let t = 0
      let w2 = 0
      for (const s of stacked) {
        t += s.counts[i]
        w2 += s.sumw2?.[i] ?? 0
      }
      const e = Math.sqrt(w2)
      lo.push(Math.max(0, t - e))
      hi.push(t + e)
    }
    band = { lo, hi, label: 'Sim. stat. unc.' }
  }
  return {
    edges,
    stacked,
    lines: signals.map((g) => series(g, o.foldFlows, false)),
    data: data ? series(data, o.foldFlows, false) : null,
    band,
    xLabel: o.xLabel,
    yLabel: perBinTitle(width, result.lo, { unit: o.unit }),
    logY: o.logY,
    ratio: true,
    wholeX: integerCentred(width, result.lo),
  }
}
