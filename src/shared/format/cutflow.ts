/**
 * A region's cut-flow as a table (then CSV, Markdown or LaTeX through table.ts), shared by the
 * Cuts & Regions view and `hepwb cutflow`: one row per cut after an "all events" row, one column
 * per sample (or process group) with Σw ± √Σw², optionally raw counts and efficiencies, and the
 * signal-vs-background figures when the spec has both.
 */
import type { CutflowResult, CutflowRow, Yield } from '../cutflow'
import { own } from '../name-record'
import { formatNumber, valueWithError, type Table, type TableColumn } from './table'

export interface CutflowTableOptions {
  /** One column per sample (default) or per process group. */
  readonly by?: 'sample' | 'group'
  /** Add a raw-count column beside each weighted one. */
  readonly raw?: boolean
  /** Add the efficiency relative to the previous cut (in %) beside each weighted one. */
  readonly efficiency?: boolean
  /** S, B, S/√B and Z_A columns (default: when the region has signal and background). */
  readonly significance?: boolean
}

/** Cut-flow table of `region`; throws RangeError for a region the result does not hold. */
export function cutflowTable(
  result: CutflowResult,
  region: string,
  options: CutflowTableOptions = {},
): Table {
  const byGroup = options.by === 'group'
  // `own`: a result parsed from JSON is a plain object, and a region may be named `constructor`.
  const perColumn = own(byGroup ? result.groups : result.regions, region)
  const sig = own(result.significance, region)
  if (!perColumn || !sig) throw new RangeError(`no region '${region}' in this cut-flow`)
  const totals = byGroup ? result.group_totals : result.totals
  const names = Object.keys(perColumn)
  const showSig =
    options.significance ?? sig.some((r) => r.s > 0 && r.b > 0 && Number.isFinite(r.s))
  const withSigmaB = showSig && result.sigma_b > 0

  const columns: TableColumn[] = [{ label: 'Cut' }]
  for (const name of names) {
    columns.push({ label: name, align: 'right' })
    if (options.raw) columns.push({ label: `${name} (raw)`, align: 'right' })
    if (options.efficiency) columns.push({ label: `${name} eff. (%)`, align: 'right' })
  }
  if (showSig) {
    for (const label of ['S', 'B', 'S/B', 'S/√B', 'Z_A']) columns.push({ label, align: 'right' })
    if (withSigmaB) {
      columns.push({ label: `Z_A (σ_b = ${formatNumber(result.sigma_b)} B)`, align: 'right' })
    }
  }

  const yieldCells = (y: Yield | undefined, eff: number | undefined): string[] => {
    const cells = [y ? valueWithError(y.weighted, Math.sqrt(y.sumw2)) : '']
    if (options.raw) cells.push(y ? String(y.raw) : '')
    if (options.efficiency) cells.push(eff === undefined ? '' : percent(eff))
    return cells
  }
  const totalRow = ['all events', ...names.flatMap((n) => yieldCells(own(totals, n), undefined))]
  if (showSig) totalRow.push(...Array<string>(withSigmaB ? 6 : 5).fill(''))
  const rows = [totalRow]
  const count = sig.length
  for (let k = 0; k < count; k++) {
    const row = [sig[k].cut]
    for (const n of names) {
      const r: CutflowRow | undefined = perColumn[n][k]
      row.push(...yieldCells(r, r?.eff_prev))
    }
    if (showSig) {
      const s = sig[k]
      row.push(
        formatNumber(s.s),
        formatNumber(s.b),
        formatNumber(s.s_over_b),
        formatNumber(s.s_over_sqrt_b),
        formatNumber(s.z_asimov),
      )
      if (withSigmaB) row.push(formatNumber(s.z_asimov_sigma_b))
    }
    rows.push(row)
  }
  const hidden = own(result.hidden, region) ?? []
  const note = hidden.length ? `; blinded: ${hidden.join(', ')} hidden` : ''
  return {
    columns,
    rows,
    caption: `Cut-flow of region ${region} (Σw ± √Σw²${note})`,
  }
}

function percent(x: number): string {
  return Number.isFinite(x) ? (100 * x).toFixed(1) : '—'
}
