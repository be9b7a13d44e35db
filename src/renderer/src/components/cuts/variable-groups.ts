/**
 * The Cuts view's derived variables as the panel lists them: the cells of a rapidity–mass
 * matrix (`rmm_<prefix>_<row>_<column>`, plus their helpers `rmm_<prefix>_c<i>_<field>` and
 * `rmm_<prefix>_o<row>_<y|et>`; engine features/rmm.ts) are 100+ variables per matrix, so they
 * become one collapsible entry per prefix, where the first of them stood. Pure, so it is
 * unit-tested.
 */
import type { CutsVariable } from '../../../../shared/contract/cuts'

export type PanelEntry =
  | { readonly kind: 'variable'; readonly variable: CutsVariable }
  | {
      readonly kind: 'rmm'
      readonly prefix: string
      /** The matrix cells, in the project's order. */
      readonly cells: CutsVariable[]
      /** The variables the cells share (selected objects, rapidities, E_T). */
      readonly helpers: CutsVariable[]
    }

/** RMM prefixes are 1–30 letters or digits (no `_`, so one prefix never matches another's). */
const RMM_NAME = /^rmm_([A-Za-z0-9]{1,30})_(.+)$/
const CELL = /^\d+_\d+$/

/**
 * The variables in the project's order, those of each RMM prefix grouped into one entry. A
 * prefix is grouped only when it has at least one cell; other `rmm_…` names stay single.
 */
export function groupVariables(variables: readonly CutsVariable[]): PanelEntry[] {
  const parsed = variables.map((v) => {
    const m = RMM_NAME.exec(v.name)
    return m ? { prefix: m[1], cell: CELL.test(m[2]) } : null
  })
  const withCells = new Set(parsed.filter((p) => p?.cell).map((p) => p?.prefix))
  const out: PanelEntry[] = []
  const groups = new Map<string, Extract<PanelEntry, { kind: 'rmm' }>>()
  variables.forEach((variable, i) => {
    const p = parsed[i]
    if (!p || !withCells.has(p.prefix)) {
      out.push({ kind: 'variable', variable })
      return
    }
    let g = groups.get(p.prefix)
    if (!g) {
      g = { kind: 'rmm', prefix: p.prefix, cells: [], helpers: [] }
      groups.set(p.prefix, g)
      out.push(g)
    }
    ;(p.cell ? g.cells : g.helpers).push(variable)
  })
  return out
}
