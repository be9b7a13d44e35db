/**
 * The regions table of an analysis note: one row per distinct cut, one column per region, and
 * in each cell whether (and how) the region applies the cut — its own cut, or one it inherits
 * from a parent region. Rows follow the order in which the cuts first appear, parents' cuts
 * before their children's, so the table reads top to bottom like the selection.
 */
import type { Table } from './table'

/** The parts of a region the table needs (a spec's or a project's region). */
export interface TableRegion {
  readonly name: string
  readonly parent?: string
  readonly blinded?: boolean
  readonly cuts: readonly { readonly name?: string; readonly expr: string }[]
}

export interface RegionsTableOptions {
  /**
   * 'mark' (default): ✓ where a region applies a cut of its own, (✓) where it inherits it;
   * 'expr': the cut's expression, and `(from PARENT)` where it is inherited.
   */
  readonly cells?: 'mark' | 'expr'
}

export const OWN_MARK = '✓'
export const INHERITED_MARK = '(✓)'

/** Whitespace-insensitive identity of an expression (`M>80` and `M > 80` are one cut). */
function key(expr: string): string {
  return expr.replace(/\s+/g, '')
}

/**
 * Regions → table. A region whose parent is missing (or on a cycle) simply inherits nothing
 * from there; the Cuts view reports such problems elsewhere.
 */
export function regionsTable(
  regions: readonly TableRegion[],
  options: RegionsTableOptions = {},
): Table {
  const byName = new Map(regions.map((r) => [r.name, r]))
  /** The region and its ancestors, the farthest ancestor first. */
  const chain = (r: TableRegion): TableRegion[] => {
    const out = [r]
    const seen = new Set([r.name])
    let p = r.parent === undefined ? undefined : byName.get(r.parent)
    while (p && !seen.has(p.name)) {
      out.unshift(p)
      seen.add(p.name)
      p = p.parent === undefined ? undefined : byName.get(p.parent)
    }
    return out
  }
  const rows = new Map<string, { label: string; expr: string }>()
  /** Region name → cut key → the region that owns the cut there (itself or an ancestor). */
  const owner = new Map<string, Map<string, string>>()
  for (const r of regions) {
    const applied = new Map<string, string>()
    for (const from of chain(r))
      for (const c of from.cuts) {
        const k = key(c.expr)
        if (!rows.has(k)) rows.set(k, { label: c.name || c.expr, expr: c.expr })
        if (!applied.has(k)) applied.set(k, from.name)
      }
    owner.set(r.name, applied)
  }
  const expr = options.cells === 'expr'
  const cell = (region: TableRegion, k: string, text: string): string => {
    const from = owner.get(region.name)?.get(k)
    if (from === undefined) return ''
    if (from === region.name) return expr ? text : OWN_MARK
    return expr ? `(from ${from})` : INHERITED_MARK
  }
  return {
    columns: [
      { label: 'Cut' },
      ...regions.map((r) => ({ label: r.blinded ? `${r.name} (blinded)` : r.name })),
    ],
    rows: [...rows].map(([k, row]) => [row.label, ...regions.map((r) => cell(r, k, row.expr))]),
    caption: expr
      ? 'Regions: the cuts each region applies; (from P): inherited from region P'
      : `Regions: ${OWN_MARK} the region's own cut, ${INHERITED_MARK} inherited from its parent`,
  }
}
