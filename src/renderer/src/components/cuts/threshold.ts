/** Rewriting the constant of a simple `x > c` (or `c < x`, ≥, ≤) cut, for the threshold slider. */

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`
const LEFT = new RegExp(String.raw`^(\s*[A-Za-z_]\w*\s*(?:>=|<=|>|<)\s*)(${NUMBER})(\s*)$`)
const RIGHT = new RegExp(String.raw`^(\s*)(${NUMBER})(\s*(?:>=|<=|>|<)\s*[A-Za-z_]\w*\s*)$`)

/** `expr` with its constant set to `value` (4 significant digits), or null if not simple. */
export function replaceThreshold(expr: string, value: number): string | null {
  const v = String(Number(value.toPrecision(4)))
  const l = LEFT.exec(expr)
  if (l) return `${l[1]}${v}${l[3]}`
  const r = RIGHT.exec(expr)
  if (r) return `${r[1]}${v}${r[3]}`
  return null
}

/**
 * A threshold dragged to `value` on an axis from `lo` to `hi`: kept inside the axis and rounded
 * to 4 significant digits (as replaceThreshold writes it), so the cut reads `M > 91.2`.
 */
export function clampThreshold(value: number, lo: number, hi: number): number {
  const v = Math.min(hi, Math.max(lo, value))
  return Number(v.toPrecision(4))
}
