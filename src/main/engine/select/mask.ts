/**
 * Event masks: one byte per event, 1 = keep. A cut keeps an event when its value is not NaN
 * and not 0 — so NaN (e.g. `Jet_pt[0]` without jets, 0/0) fails every cut. Knows nothing of
 * regions or cut-flows; those combine masks built here.
 */
import { checkScalar, requireScalar, unwrap, type CheckedExpr } from '../../../shared/expr'
import { compileTree } from './compile'
import { truth } from './kernels'
import type { ColumnProvider } from './provider'
import { boolValues, type Vec } from './vec'

/** A compiled cut. */
export interface CompiledMask {
  readonly source: string
  /** Columns read, in order of first appearance. */
  readonly columns: readonly string[]
  /**
   * 0/1 per event of `data` (default: the provider given at compile time), written into `out`
   * when given (its length must be data.entries; reusing one buffer per batch size avoids
   * re-faulting fresh memory), else into a new array. The caller owns the result.
   */
  evaluate(data?: ColumnProvider, out?: Uint8Array): Uint8Array
}

/**
 * Compiles a cut (or any expression that must be one value per event — `role` names it in the
 * error, e.g. 'a weight'). Throws ExprError for a bad or jagged expression.
 */
export function compileMask(
  expr: string | CheckedExpr,
  columns: ColumnProvider,
  role = 'a cut',
): CompiledMask {
  const checked = unwrap(
    typeof expr === 'string' ? checkScalar(expr, columns.symbols, role) : requireScalar(expr, role),
  )
  const tree = compileTree(checked)
  return {
    source: checked.source,
    columns: checked.columns,
    evaluate(data = columns, out) {
      if (out && out.length !== data.entries) {
        throw new RangeError(`mask buffer has ${out.length} entries, expected ${data.entries}`)
      }
      const target = out ?? new Uint8Array(data.entries)
      return toMask(tree.run(data, target), target)
    },
  }
}

/** One-shot: the keep-mask of cut `expr` over every event of `columns`. */
export function evaluateMask(expr: string | CheckedExpr, columns: ColumnProvider): Uint8Array {
  return compileMask(expr, columns).evaluate()
}

/** Keep-mask of a per-event Vec, written into `out`. */
function toMask(v: Vec, out: Uint8Array): Uint8Array {
  if (v.kind === 'const') return out.fill(v.value !== 0 && v.value === v.value ? 1 : 0)
  if (v.kind === 'jagged') throw new RangeError('a mask needs one value per event')
  // Comparisons and logical operators produced 0/1 bytes, at the root straight into `out`;
  // elsewhere (e.g. Any) they are copied out of scratch. Anything else gets the truth test.
  const bytes = boolValues(v)
  if (bytes) {
    if (bytes !== out) out.set(bytes)
    return out
  }
  return truth(v.values, out)
}

/** Events passing all masks (all of length n); n events kept when there is none. */
export function andMasks(masks: readonly Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n).fill(1)
  for (const m of masks) {
    if (m.length !== n) throw new RangeError(`mask has ${m.length} entries, expected ${n}`)
    for (let i = 0; i < n; i++) out[i] &= m[i]
  }
  return out
}

/** Number of events kept. */
export function countMask(mask: Uint8Array): number {
  let c = 0
  for (let i = 0; i < mask.length; i++) c += mask[i]
  return c
}
