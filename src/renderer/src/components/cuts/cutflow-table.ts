/**
 * The cut-flow of one region as a Table (one formatting for the screen and for CSV, Markdown
 * and LaTeX export): rows = cuts; per sample Σw ± √Σw², efficiencies, then S, B, S/B, S/√B, Z_A.
 */
import type { RegionCutflow } from '../../../../shared/contract/cuts'
import { type Table, formatNumber, valueWithError } from '../../../../shared/format/table'

const cell = (v: number | null): string => (v === null ? '–' : formatNumber(v))

export function cutflowTable(flow: RegionCutflow, sigmaB: number): Table {
  const names = Object.keys(flow.samples)
  const hasSignal = names.some((n) => flow.roles[n] === 'signal')
  const columns: Table['columns'] = [{ label: 'Cut', align: 'left' }]
  for (const n of names) {
    columns.push({ label: `${n} Σw`, align: 'right' })
    columns.push({ label: `${n} ε(prev)`, align: 'right' })
    columns.push({ label: `${n} ε(first)`, align: 'right' })
  }
  if (hasSignal) {
    for (const l of ['S', 'B', 'S/B', 'S/√B', 'Z_A']) columns.push({ label: l, align: 'right' })
    if (sigmaB > 0) columns.push({ label: `Z_A (σ_b=${sigmaB})`, align: 'right' })
  }
  const cuts = flow.significance.map((s) => s.cut)
  const rows = cuts.map((cut, k) => {
    const row = [cut]
    for (const n of names) {
      const r = flow.samples[n][k]
      row.push(valueWithError(r.weighted, Math.sqrt(r.sumw2)), cell(r.eff_prev), cell(r.eff_first))
    }
    if (hasSignal) {
      const s = flow.significance[k]
      row.push(cell(s.s), cell(s.b), cell(s.s_over_b), cell(s.s_over_sqrt_b), cell(s.z_asimov))
      if (sigmaB > 0) row.push(cell(s.z_asimov_sigma_b))
    }
    return row
  })
  return { columns, rows, caption: `Cut-flow of region ${flow.region}` }
}
