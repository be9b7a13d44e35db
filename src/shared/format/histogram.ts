/**
 * A region histogram (RegionHistogram) as a table: what `hepwb hist` prints, and `hepwb cutflow
 * --hist` after its cut-flow.
 */
import type { RegionHistogram } from '../cutflow'
import { formatNumber, valueWithError, type Table } from './table'

/** One row per bin (under- and overflow first and last), one column per sample: Σw ± √Σw². */
export function histTable(r: RegionHistogram): Table {
  const names = Object.keys(r.samples)
  const bins = r.edges.length - 1
  const rows: string[][] = []
  const cell = (w: number, w2: number) => valueWithError(w, Math.sqrt(w2))
  rows.push(['underflow', ...names.map((n) => formatNumber(r.samples[n].underflow))])
  for (let b = 0; b < bins; b++) {
    rows.push([
      `[${r.edges[b]}, ${r.edges[b + 1]})`,
      ...names.map((n) => cell(r.samples[n].counts[b], r.samples[n].sumw2[b])),
    ])
  }
  rows.push(['overflow', ...names.map((n) => formatNumber(r.samples[n].overflow))])
  const where = r.region === null ? 'all events' : `region ${r.region}`
  const hidden = r.hidden.length ? `; blinded: ${r.hidden.join(', ')} hidden` : ''
  return {
    columns: [{ label: 'bin' }, ...names.map((label) => ({ label, align: 'right' as const }))],
    rows,
    caption: `${r.expr} in ${where} (Σw ± √Σw²${hidden})`,
  }
}
