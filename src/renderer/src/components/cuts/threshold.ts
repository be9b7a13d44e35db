/** Rewriting the constant of a simple `x > c` (or `c < x`, ≥, ≤) cut, for the threshold slider. */
import { niceStep, snapCutValue } from '../../../../shared/format/cut-value'

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`
const LEFT = new RegExp(String.raw`^(\s*[A-Za-z_]\w*\s*(?:>=|<=|>|<)\s*)(${NUMBER})(\s*)$`)
const RIGHT = new RegExp(String.raw`^(\s*)(${NUMBER})(\s*(?:>=|<=|>|<)\s*[A-Za-z_]\w*\s*)$`)

/**
 * `expr` with its constant set to `value` (written as the shortest text of the number: snap it
 * first, see clampThreshold), or null if the cut is not simple.
 */
export function replaceThreshold(expr: string, value: number): string | null {
  const v = String(value)
  const l = LEFT.exec(expr)
  if (l) return `${l[1]}${v}${l[3]}`
  const r = RIGHT.exec(expr)
  if (r) return `${r[1]}${v}${r[3]}`
  return null
}

/**
 * A threshold dragged (or slid) to `value` on an axis from `lo` to `hi`: kept on the axis and
 * snapped to a nice step of about 1% of it (whole numbers for an integer variable), so the cut
 * reads `M > 70` or `M > 72.5`, not `M > 70.47`.
 */
export function clampThreshold(value: number, lo: number, hi: number, integer = false): number {
  return snapCutValue(value, lo, hi, integer)
}

/** The slider's step on an axis from `lo` to `hi`: the step drags snap to. */
export function sliderStep(lo: number, hi: number, integer = false): number {
  return hi > lo ? Math.max(niceStep((hi - lo) / 100), integer ? 1 : 0) : 1
}
