/**
 * Weighted histograms of one quantity split into signal and background (`SplitHistogram`): the
 * classifier output (train, test) and the input distributions of the evaluation.
 */
import type { SplitHistogram } from '../../../../shared/contract/train'

/**
 * Histograms of `values[i]` for the events `rows`, signal (labels[i] = 1) and background apart,
 * `bins` equal bins on [lo, hi]. Values outside are counted in the first or last bin (so each
 * histogram's sum is the class's Σw); NaN values are left out.
 */
export function splitHistogram(
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  rows: ArrayLike<number>,
  range: { lo: number; hi: number },
  bins: number,
): SplitHistogram {
  const nb = Math.max(1, Math.floor(bins))
  const { lo, hi } = range
  const scale = nb / (hi - lo)
  const s = { sumw: new Array<number>(nb).fill(0), sumw2: new Array<number>(nb).fill(0) }
  const b = { sumw: new Array<number>(nb).fill(0), sumw2: new Array<number>(nb).fill(0) }
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    const v = values[i]
    if (v !== v) continue
    const k = Math.min(nb - 1, Math.max(0, Math.floor((v - lo) * scale)))
    const h = labels[i] ? s : b
    const w = weights[i]
    h.sumw[k] += w
    h.sumw2[k] += w * w
  }
  return { lo, hi, signal: s, background: b }
}

/**
 * [min, max] of `values` over `rows` (NaN and ±∞ left out), widened by ±0.5 when all are equal
 * and [0, 1] when there are none, so it always makes bins.
 */
export function valueRange(
  values: ArrayLike<number>,
  rows: ArrayLike<number>,
): { lo: number; hi: number } {
  let lo = Infinity
  let hi = -Infinity
  for (let r = 0; r < rows.length; r++) {
    const v = values[rows[r]]
    if (!Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  if (lo > hi) return { lo: 0, hi: 1 }
  if (lo === hi) return { lo: lo - 0.5, hi: hi + 0.5 }
  return { lo, hi }
}
