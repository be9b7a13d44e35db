/**
 * What a cut on the anomaly score keeps (events with score ≥ the cut), from the score
 * histograms: background and per-signal efficiencies, the expected S and B above the cut,
 * purity S/(S+B) and S/√B. The cut sits on a bin edge, so the numbers are exact for the
 * histogrammed events.
 */
import type { ScoreHistograms } from '../../../shared/contract/anomaly'

export interface ThresholdStats {
  /** The cut (score value of edge `index`). */
  cut: number
  index: number
  /** Expected background and signal (all signal samples) above the cut. */
  b: number
  s: number
  effB: number | null
  effS: number | null
  /** Per signal sample: its efficiency. */
  signals: { name: string; eff: number | null; s: number }[]
  purity: number | null
  /** S/√B; null when B ≤ 0. */
  sOverSqrtB: number | null
}

const sum = (v: number[], from = 0) => v.slice(from).reduce((a, b) => a + b, 0)
const ratio = (a: number, b: number) => (b > 0 ? a / b : null)

/** The edge index nearest to score value `v` (0 … bins). */
export function nearestEdge(edges: readonly number[], v: number): number {
  let best = 0
  for (let k = 1; k < edges.length; k++)
    if (Math.abs(edges[k] - v) < Math.abs(edges[best] - v)) best = k
  return best
}

/** The statistics at edge `index` (0: everything kept; bins: nothing kept). */
export function thresholdStats(h: ScoreHistograms, index: number): ThresholdStats {
  const bg = h.samples.filter((s) => s.role === 'background')
  const sig = h.samples.filter((s) => s.role === 'signal')
  const b = bg.reduce((a, s) => a + sum(s.sumw, index), 0)
  const bTotal = bg.reduce((a, s) => a + sum(s.sumw), 0)
  const signals = sig.map((s) => ({
    name: s.name,
    s: sum(s.sumw, index),
    eff: ratio(sum(s.sumw, index), sum(s.sumw)),
  }))
  const s = signals.reduce((a, x) => a + x.s, 0)
  const sTotal = sig.reduce((a, x) => a + sum(x.sumw), 0)
  return {
    cut: h.edges[index],
    index,
    b,
    s,
    effB: ratio(b, bTotal),
    effS: ratio(s, sTotal),
    signals,
    purity: ratio(s, s + b),
    sOverSqrtB: b > 0 ? s / Math.sqrt(b) : null,
  }
}

/** The edge a fresh result's threshold starts at: the first keeping ≤ 1% of the background. */
export function initialThreshold(h: ScoreHistograms): number {
  const bg = h.samples.filter((s) => s.role === 'background')
  const bins = h.edges.length - 1
  const perBin = Array.from({ length: bins }, (_, k) => bg.reduce((a, s) => a + s.sumw[k], 0))
  const total = perBin.reduce((a, b) => a + b, 0)
  let above = total
  for (let k = 0; k < bins; k++) {
    if (above <= 0.01 * total) return k
    above -= perBin[k]
  }
  return bins
}
