/**
 * Turning Vecs into loop operands: bringing several to one layout (broadcasting per-event
 * values over the elements of a jagged operand, checking that jagged operands match) and
 * getting the 0/1 mask of a value.
 */
import { ExprError, type Span } from '../../../shared/expr'
import type { NumericArray } from '../../../shared/column'
import { expand, firstLayoutDifference } from './jagged'
import { truth } from './kernels'
import type { Scratch } from './scratch'
import { boolValues, type Operand, type Vec } from './vec'

/**
 * Brings operands to a common layout: all per event (offsets null, n = entries) or, if any is
 * jagged, all per element of that layout (per-event values repeated, n = element count).
 * Constants stay numbers.
 */
export type Aligner = (
  vs: readonly Vec[],
  at: Span,
  entries: number,
) => { operands: Operand[]; offsets: Int32Array | null; n: number }

/** An aligner for `arity` operands, with its own buffers for broadcast values. */
export function aligner(arity: number, scratch: Scratch): Aligner {
  const slots = Array.from({ length: arity }, () => scratch.slot())
  return (vs, at, entries) => {
    let offsets: Int32Array | null = null
    for (const v of vs) {
      if (v.kind !== 'jagged') continue
      if (offsets) requireSameLayout(offsets, v.offsets, at)
      else offsets = v.offsets
    }
    const lay = offsets
    const n = lay ? lay[lay.length - 1] : entries
    const operands = vs.map((v, k): Operand => {
      if (v.kind === 'const') return v.value
      if (v.kind === 'jagged' || !lay) return v.values
      // Keep bytes as bytes so a broadcast 0/1 mask stays usable as a mask.
      return v.values instanceof Uint8Array
        ? expand(v.values, lay, scratch.u8(slots[k], n))
        : expand(v.values, lay, scratch.f64(slots[k], n))
    })
    return { operands, offsets: lay, n }
  }
}

export function requireSameLayout(a: Int32Array, b: Int32Array, at: Span): void {
  const i = firstLayoutDifference(a, b)
  if (i < 0) return
  const na = a[i + 1] - a[i]
  const nb = b[i + 1] - b[i]
  throw new ExprError(
    `lists of different lengths cannot be combined (event ${i}: ${na} vs ${nb} elements)`,
    at.start,
    at.end,
    'both lists must come from the same collection',
  )
}

/**
 * 0/1 mask of `operand` — `v`'s values, possibly broadcast to elements. A boolean Vec's bytes
 * are used as they are (broadcasting keeps them bytes); anything else is converted into `out`.
 */
export function maskArray(v: Vec, operand: NumericArray, out: Uint8Array): Uint8Array {
  const own = boolValues(v)
  return own && operand instanceof Uint8Array ? operand : truth(operand, out)
}
