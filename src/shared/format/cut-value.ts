/**
 * Numbers written into cut expressions by the workbench itself (a rectangular-cut optimum made
 * a region, an N−1 threshold dragged): short, as a physicist would type them — `M >= 107.8`,
 * `pt > 70` — never `107.8112266919961` or `70.47`. Pure, unit-tested.
 */

/** Significant digits of an optimised bound: enough for any event-level resolution we meet. */
export const CUT_DIGITS = 4

/** The nice steps (1, 2, 2.5, 5 × 10^k): the first at or above `raw` (> 0). */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw * (1 - 1e-9)) return m * p
  return 10 * p
}

/** `v` rounded to the decimal places of `step` (removes float noise such as 0.30000000000000004). */
function clean(v: number, step: number): number {
  const places = Math.max(0, -Math.floor(Math.log10(step)) + 2)
  return Number(v.toFixed(Math.min(places, 20)))
}

/**
 * A bound of an interval cut, rounded to `digits` significant digits: a lower bound
 * (`x >= v`) downwards and an upper bound (`x <= v`) upwards, so every event inside the exact
 * interval stays inside the rounded one (it may admit events within 0.05% of the bound);
 * 'nearest' otherwise. For an integer variable (`integer`) the bound becomes the whole number
 * that selects the same events: `n >= 1.5` is `n >= 2`, `n <= 2.7` is `n <= 2`.
 */
export function roundCutValue(
  v: number,
  bound: 'lower' | 'upper' | 'nearest',
  options: { digits?: number; integer?: boolean } = {},
): number {
  if (!Number.isFinite(v)) return v
  // A tiny tolerance: 107.8 / 0.1 is 1077.9999999999998, whose floor is not what was meant.
  if (options.integer)
    return bound === 'lower'
      ? Math.ceil(v - 1e-9)
      : bound === 'upper'
        ? Math.floor(v + 1e-9)
        : Math.round(v)
  if (v === 0) return 0
  const step = 10 ** (Math.floor(Math.log10(Math.abs(v))) - (options.digits ?? CUT_DIGITS) + 1)
  const q = v / step
  const r =
    bound === 'lower'
      ? Math.floor(q + 1e-9)
      : bound === 'upper'
        ? Math.ceil(q - 1e-9)
        : Math.round(q)
  return clean(r * step, step)
}

/**
 * A threshold dragged to `v` on an axis from `lo` to `hi`, snapped to a nice step of about a
 * hundredth of the axis (a 0–250 GeV axis: 2.5 GeV; an integer variable: whole numbers at
 * least) and kept on the axis.
 */
export function snapCutValue(v: number, lo: number, hi: number, integer = false): number {
  const span = hi - lo
  if (!(span > 0) || !Number.isFinite(v)) return v
  const step = Math.max(niceStep(span / 100), integer ? 1 : 0)
  const snapped = Math.round(v / step) * step
  const inside = Math.min(
    Math.floor(hi / step) * step,
    Math.max(Math.ceil(lo / step) * step, snapped),
  )
  return clean(inside, step)
}
