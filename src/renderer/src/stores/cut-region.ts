/**
 * A cut set of the rectangular-cut optimisation as a region of the Cuts step: one cut per
 * bounded side of each interval (lo ≤ x, x ≤ hi), under the region the cuts were trained in.
 */
import type { CutsRegion } from '../../../shared/contract/cuts'

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** An input as an operand: a name stays as it is, an expression gets parentheses. */
export function operand(input: string): string {
  return IDENTIFIER.test(input.trim()) ? input.trim() : `(${input.trim()})`
}

/** Full precision, so the region selects exactly the events the optimisation counted. */
function literal(v: number): string {
  return String(v)
}

export interface CutInterval {
  input: string
  lo: number | null
  hi: number | null
}

export function regionFromCutSet(
  name: string,
  intervals: CutInterval[],
  parent: string | null,
): CutsRegion {
  const cuts: CutsRegion['cuts'] = []
  for (const iv of intervals) {
    const x = operand(iv.input)
    if (iv.lo !== null && Number.isFinite(iv.lo)) cuts.push({ expr: `${x} >= ${literal(iv.lo)}` })
    if (iv.hi !== null && Number.isFinite(iv.hi)) cuts.push({ expr: `${x} <= ${literal(iv.hi)}` })
  }
  return { name, blinded: false, cuts, ...(parent ? { parent } : {}) }
}
