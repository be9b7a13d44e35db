/**
 * Weighted 2-D histogram with uniform bins: Σw per cell. Values outside either range, NaN
 * values and NaN weights are not put in a cell; their Σw is reported as `outside` (NaN weights
 * excepted), so inside + outside is the total.
 */
import type { NumericArray } from '../../../shared/column'

export interface Hist2D {
  readonly xbins: number
  readonly ybins: number
  /** Row-major by x: cell (ix, iy) at ix * ybins + iy. */
  readonly sumw: Float64Array
  inside: number
  outside: number
}

/** Fills a histogram of `x` against `y` (both one value per event, n values) with weights. */
export function fillHist2D(
  x: NumericArray,
  y: NumericArray,
  weights: ArrayLike<number>,
  xr: { bins: number; lo: number; hi: number },
  yr: { bins: number; lo: number; hi: number },
): Hist2D {
  const h: Hist2D = {
    xbins: xr.bins,
    ybins: yr.bins,
    sumw: new Float64Array(xr.bins * yr.bins),
    inside: 0,
    outside: 0,
  }
  const sx = xr.bins / (xr.hi - xr.lo)
  const sy = yr.bins / (yr.hi - yr.lo)
  for (let i = 0; i < x.length; i++) {
    const w = weights[i]
    if (w !== w) continue
    const a = x[i]
    const b = y[i]
    if (!(a >= xr.lo && a < xr.hi && b >= yr.lo && b < yr.hi)) {
      h.outside += w
      continue
    }
    const ix = Math.min(xr.bins - 1, ((a - xr.lo) * sx) | 0)
    const iy = Math.min(yr.bins - 1, ((b - yr.lo) * sy) | 0)
    h.sumw[ix * yr.bins + iy] += w
    h.inside += w
  }
  return h
}
