/**
 * The σ table of a benchmark run: per seed, and the medians beside the paper's published
 * medians (De Castro & Dorigo 2019, table 2), with INFERNO's gain over cross entropy.
 */
import type { InfernoBenchmarkResult } from '../../../../shared/contract/inferno'

export interface SigmaRow {
  label: string
  inferno: number | null
  bce: number | null
  /** 1 − INFERNO / BCE: the fraction by which INFERNO narrows the interval; null if undefined. */
  gain: number | null
}

export function gain(inferno: number | null, bce: number | null): number | null {
  return inferno !== null && bce !== null && bce > 0 ? 1 - inferno / bce : null
}

export function sigmaRows(r: InfernoBenchmarkResult): SigmaRow[] {
  const rows: SigmaRow[] = r.seeds.map((s) => ({
    label: `seed ${s.seed}`,
    inferno: s.inferno,
    bce: s.bce,
    gain: gain(s.inferno, s.bce),
  }))
  rows.push({
    label: `median (${r.seeds.length} seed${r.seeds.length === 1 ? '' : 's'})`,
    inferno: r.median.inferno,
    bce: r.median.bce,
    gain: gain(r.median.inferno, r.median.bce),
  })
  const p = r.benchmark.paper
  rows.push({
    label: 'paper, median of 100',
    inferno: p.inferno,
    bce: p.bce,
    gain: gain(p.inferno, p.bce),
  })
  return rows
}

/** A σ for a table cell: 2 decimals for events, 4 significant digits for small strengths. */
export function formatSigma(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—'
  return Math.abs(v) >= 1 ? v.toFixed(2) : String(Number(v.toPrecision(3)))
}

export function formatGain(g: number | null): string {
  return g === null ? '—' : `${g >= 0 ? '−' : '+'}${Math.abs(100 * g).toFixed(0)}%`
}
