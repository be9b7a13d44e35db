/** Where a dragged or slid threshold lands: snapped to a round value on the plot's axis. */
import { niceStep, snapCutValue } from '../../../../shared/format/cut-value'

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
