/**
 * A cut set of the rectangular-cut optimisation as a region of the Cuts step: one cut per
 * bounded side of each interval (lo ≤ x, x ≤ hi), under the region the cuts were trained in.
 */
import type { CutsRegion } from '../../../shared/contract/cuts'
import { roundCutValue } from '../../../shared/format/cut-value'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** An input as an operand: a name stays as it is, an expression gets parentheses. */
export function operand(input: string): string {
  return IDENTIFIER.test(input.trim()) ? input.trim() : `(${input.trim()})`
}

export interface CutInterval {
  input: string
  lo: number | null
  hi: number | null
}

/** `integers`: the inputs that hold whole numbers (counts, flags), bounded by whole numbers. */
export function regionFromCutSet(
  name: string,
  intervals: CutInterval[],
  parent: string | null,
  integers: ReadonlySet<string> = new Set(),
): CutsRegion {
  const cuts: CutsRegion['cuts'] = []
  for (const iv of intervals) {
    const x = operand(iv.input)
    // Rounded outwards to 4 significant digits (an integer input: the whole number selecting
    // the same events): every event the optimisation counted stays in; `>= 107.8`, not
    // `>= 107.8112266919961`.
    const integer = integers.has(iv.input)
    if (iv.lo !== null && Number.isFinite(iv.lo))
      cuts.push({ expr: `${x} >= ${roundCutValue(iv.lo, 'lower', { integer })}` })
    if (iv.hi !== null && Number.isFinite(iv.hi))
      cuts.push({ expr: `${x} <= ${roundCutValue(iv.hi, 'upper', { integer })}` })
  }
  return { name, blinded: false, cuts, ...(parent ? { parent } : {}) }
}
