/**
 * Where compiled expressions get their data: the number of events, each column's shape (for
 * the checker, without decoding anything) and the column itself (decoded on demand, so a
 * reader decodes only the columns an expression names).
 */
import type { SymbolTable } from '../../../shared/expr'
import { columnEntries, type Column } from '../../../shared/column'

export interface ColumnProvider {
  /** Number of events in this batch. */
  readonly entries: number
  /** Shape of every available column. */
  readonly symbols: SymbolTable
  /** The column `name` (one of `symbols`), `entries` events long. */
  column(name: string): Column
}

/** A provider over columns already in memory; throws if their lengths disagree. */
export function columnProvider(
  columns: Readonly<Record<string, Column>> | ReadonlyMap<string, Column>,
  entries?: number,
): ColumnProvider {
  const map: ReadonlyMap<string, Column> =
    columns instanceof Map ? columns : new Map(Object.entries(columns))
  let n = entries
  for (const [name, c] of map) {
    const len = columnEntries(c)
    n ??= len
    if (len !== n) throw new RangeError(`column '${name}' has ${len} entries, expected ${n}`)
  }
  const symbols = new Map([...map].map(([name, c]) => [name, { jagged: c.kind === 'jagged' }]))
  return {
    entries: n ?? 0,
    symbols,
    column(name) {
      const c = map.get(name)
      if (!c) throw new RangeError(`no column '${name}'`)
      return c
    },
  }
}
