/**
 * Weighted ROC curve and area under it from per-event classifier scores.
 *
 * Events are sorted by score once (descending) and thresholds swept between distinct scores, so
 * events with equal scores enter together (a tie is one diagonal step of the curve). With
 * efficiencies ε_S(t) = Σ_{s ≥ t} w_S / W_S and ε_B(t) likewise, the trapezoid rule over these
 * steps gives exactly the weighted Mann–Whitney statistic
 *   AUC = Σ_{s,b} w_s w_b ([score_s > score_b] + ½ [score_s = score_b]) / (W_S W_B),
 * the probability that a signal event scores above a background event, ties counting one half.
 *
 * Negative weights: the same formula is used with the signed weights (W_S, W_B the signed
 * sums), as TMVA does. The curve may then step backwards and the AUC may leave [0, 1] when
 * negative weights dominate somewhere; it is undefined (NaN) unless W_S > 0 and W_B > 0.
 */

export interface Roc {
  /** Signal efficiency per point, from (0, 0) to (1, 1); non-decreasing for non-negative weights. */
  eff_s: number[]
  /** Background efficiency per point. */
  eff_b: number[]
  /** Area under ε_S(ε_B) by the trapezoid rule over every step (before thinning); NaN if undefined. */
  auc: number
}

/** Event subset: all events, or these row indices. */
export type Rows = ArrayLike<number> | undefined

/**
 * ROC of `scores` (larger = more signal-like) for events with `labels` (1 signal, 0 background)
 * and `weights`, over `rows` (default all; NaN scores left out). The returned curve is thinned to at most
 * `maxPoints` points (≥ 3) spaced evenly along its length; the AUC uses the full curve.
 */
export function weightedRoc(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  rows?: Rows,
  maxPoints = 200,
): Roc {
  // Events whose score is NaN (a diverged model) cannot be ranked: left out.
  const idx = rowList(rows, scores.length).filter((i) => scores[i] === scores[i])
  // Descending by score; ties adjacent.
  idx.sort((a, b) => scores[b] - scores[a])
  let ws = 0
  let wb = 0
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]
    if (labels[i]) ws += weights[i]
    else wb += weights[i]
  }
  if (!(ws > 0 && wb > 0)) return { eff_s: [], eff_b: [], auc: NaN }
  const es: number[] = [0]
  const eb: number[] = [0]
  let cs = 0
  let cb = 0
  let area = 0
  for (let r = 0; r < idx.length;) {
    const score = scores[idx[r]]
    let ds = 0
    let db = 0
    for (; r < idx.length && scores[idx[r]] === score; r++) {
      const i = idx[r]
      if (labels[i]) ds += weights[i]
      else db += weights[i]
    }
    // Trapezoid of this step in (ε_B, ε_S): width db/W_B, mean height (cs + ds/2)/W_S.
    area += db * (cs + ds / 2)
    cs += ds
    cb += db
    es.push(cs / ws)
    eb.push(cb / wb)
  }
  // Rounding can leave the last point at 1 − 1e-16: pin it.
  es[es.length - 1] = 1
  eb[eb.length - 1] = 1
  const thin = thinCurve(eb, es, maxPoints)
  return { eff_s: thin.y, eff_b: thin.x, auc: area / (ws * wb) }
}

/**
 * Keeps at most `maxPoints` points of the polyline (x, y): the first, the last, and points at
 * least 1/(maxPoints − 2) of the total length after the previously kept one.
 */
export function thinCurve(
  x: readonly number[],
  y: readonly number[],
  maxPoints: number,
): { x: number[]; y: number[] } {
  const n = x.length
  const m = Math.max(3, Math.floor(maxPoints))
  if (n <= m) return { x: [...x], y: [...y] }
  let total = 0
  for (let i = 1; i < n; i++) total += Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1])
  const step = total / (m - 2)
  const ox = [x[0]]
  const oy = [y[0]]
  let run = 0
  for (let i = 1; i < n - 1; i++) {
    run += Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1])
    if (run >= step && ox.length < m - 1) {
      ox.push(x[i])
      oy.push(y[i])
      run = 0
    }
  }
  ox.push(x[n - 1])
  oy.push(y[n - 1])
  return { x: ox, y: oy }
}

/** Row indices as a plain array (all n events when `rows` is undefined). */
export function rowList(rows: Rows, n: number): number[] {
  if (rows === undefined) return Array.from({ length: n }, (_, i) => i)
  return Array.from(rows)
}
