/**
 * Reading a column for a compiled expression, checking that the data still fit what the
 * expression was checked against (shape, number of events, sane offsets).
 */
import { ExprError, type NameNode, type Shape } from '../../../shared/expr'
import type { ColumnProvider } from './provider'
import type { Vec } from './vec'

/** A closure returning column `e.name` of a batch as a Vec (no copy). */
export function loadColumn(
  e: NameNode,
  shape: Shape,
): (run: { readonly data: ColumnProvider; readonly entries: number }) => Vec {
  const { name } = e
  return ({ data, entries }) => {
    if (!data.symbols.has(name)) throw new ExprError(`unknown variable '${name}'`, e.start, e.end)
    const c = data.column(name)
    if ((c.kind === 'jagged') !== (shape === 'jagged')) {
      const was = shape === 'jagged' ? 'a list per event' : 'one value per event'
      throw new ExprError(
        `column '${name}' changed shape: it was checked as ${was}`,
        e.start,
        e.end,
      )
    }
    if (c.kind === 'flat') {
      if (c.values.length !== entries) throw badLength(e, c.values.length, entries)
      return { kind: 'flat', values: c.values, bool: false }
    }
    const { offsets } = c
    if (offsets.length !== entries + 1) throw badLength(e, offsets.length - 1, entries)
    const m = offsets[entries]
    if (offsets[0] !== 0 || !(m <= c.values.length)) {
      throw new ExprError(`column '${name}' has inconsistent offsets`, e.start, e.end)
    }
    // Loops run over values.length: drop any slack past the last event.
    const values = c.values.length === m ? c.values : c.values.subarray(0, m)
    return { kind: 'jagged', offsets, values, bool: false }
  }
}

function badLength(e: NameNode, got: number, want: number): ExprError {
  return new ExprError(`column '${e.name}' has ${got} entries, expected ${want}`, e.start, e.end)
}
