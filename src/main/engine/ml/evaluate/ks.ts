/**
 * Weighted two-sample Kolmogorov–Smirnov test, the overtraining check of the classifier output
 * (train against test).
 *
 * The distance is computed on the events themselves (unbinned): D = sup_t |F₁(t) − F₂(t)| with
 * weighted empirical distribution functions F(t) = Σ_{x ≤ t} w / Σ w (equal values enter
 * together). The p-value is the asymptotic Kolmogorov distribution Q_KS(z), z = D √(n₁n₂/(n₁+n₂)),
 * with the effective numbers of events n = (Σw)² / Σw² — what ROOT's TH1::KolmogorovTest does
 * without option "X" on weighted histograms, here without binning (binning makes D smaller and
 * the p-value too large, as ROOT's manual warns). `ksTestBinned` gives ROOT's binned value too.
 */

export interface KsResult {
  /** Largest distance between the two weighted distribution functions. */
  distance: number
  /** Asymptotic p-value; NaN when a sample is empty or its weights do not sum to > 0. */
  p: number
  /** Effective numbers of events (Σw)²/Σw² of the two samples. */
  n1: number
  n2: number
}

/** KS test of values `a` (weights `wa`) against `b` (weights `wb`); NaN values are left out. */
export function ksTest(
  a: ArrayLike<number>,
  wa: ArrayLike<number>,
  b: ArrayLike<number>,
  wb: ArrayLike<number>,
): KsResult {
  const sa = sortedWithWeights(a, wa)
  const sb = sortedWithWeights(b, wb)
  if (!(sa.sum > 0 && sb.sum > 0)) return { distance: NaN, p: NaN, n1: sa.neff, n2: sb.neff }
  let i = 0
  let j = 0
  let fa = 0
  let fb = 0
  let d = 0
  while (i < sa.v.length || j < sb.v.length) {
    // The next value in either sample; every event at that value enters before comparing.
    const t = Math.min(i < sa.v.length ? sa.v[i] : Infinity, j < sb.v.length ? sb.v[j] : Infinity)
    while (i < sa.v.length && sa.v[i] === t) fa += sa.w[i++]
    while (j < sb.v.length && sb.v[j] === t) fb += sb.w[j++]
    d = Math.max(d, Math.abs(fa / sa.sum - fb / sb.sum))
  }
  return { distance: d, p: ksPValue(d, sa.neff, sb.neff), n1: sa.neff, n2: sb.neff }
}

/**
 * ROOT's TH1::KolmogorovTest (no option) for two histograms with the same binning: `sumw` and
 * `sumw2` per bin; the effective numbers are (Σw)²/Σw² over the bins.
 */
export function ksTestBinned(
  h1: { sumw: readonly number[]; sumw2: readonly number[] },
  h2: { sumw: readonly number[]; sumw2: readonly number[] },
): KsResult {
  const s1 = h1.sumw.reduce((s, v) => s + v, 0)
  const s2 = h2.sumw.reduce((s, v) => s + v, 0)
  const n1 = (s1 * s1) / h1.sumw2.reduce((s, v) => s + v, 0)
  const n2 = (s2 * s2) / h2.sumw2.reduce((s, v) => s + v, 0)
  if (!(s1 > 0 && s2 > 0)) return { distance: NaN, p: NaN, n1, n2 }
  let c1 = 0
  let c2 = 0
  let d = 0
  for (let k = 0; k < h1.sumw.length; k++) {
    c1 += h1.sumw[k] / s1
    c2 += h2.sumw[k] / s2
    d = Math.max(d, Math.abs(c1 - c2))
  }
  return { distance: d, p: ksPValue(d, n1, n2), n1, n2 }
}

/** p-value of distance `d` between samples of effective sizes n1, n2 (asymptotic). */
export function ksPValue(d: number, n1: number, n2: number): number {
  if (!(n1 > 0 && n2 > 0) || !(d >= 0)) return NaN
  return kolmogorovProb(d * Math.sqrt((n1 * n2) / (n1 + n2)))
}

/**
 * Q_KS(z) = P(K > z) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²z²} (ROOT's TMath::KolmogorovProb); for small z
 * the equivalent Jacobi form 1 − √(2π)/z Σ_{k≥1} e^{−(2k−1)²π²/(8z²)}, which converges there.
 */
export function kolmogorovProb(z: number): number {
  if (!(z >= 0)) return NaN
  if (z < 0.2) return 1
  if (z < 1) {
    let s = 0
    for (let k = 1; k <= 10; k++) s += Math.exp((-((2 * k - 1) ** 2) * Math.PI ** 2) / (8 * z * z))
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / z) * s))
  }
  let s = 0
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * z * z)
    s += k % 2 ? term : -term
    if (term < 1e-300) break
  }
  return Math.min(1, Math.max(0, 2 * s))
}

/** Values (non-NaN) sorted ascending with their weights; Σw and (Σw)²/Σw². */
function sortedWithWeights(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
): { v: Float64Array; w: Float64Array; sum: number; neff: number } {
  if (x.length !== w.length) throw new RangeError(`${x.length} values but ${w.length} weights`)
  const idx: number[] = []
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && w[i] === w[i]) idx.push(i)
  idx.sort((p, q) => x[p] - x[q])
  const v = new Float64Array(idx.length)
  const ww = new Float64Array(idx.length)
  let sum = 0
  let sum2 = 0
  for (let r = 0; r < idx.length; r++) {
    v[r] = x[idx[r]]
    ww[r] = w[idx[r]]
    sum += ww[r]
    sum2 += ww[r] * ww[r]
  }
  return { v, w: ww, sum, neff: sum2 > 0 ? (sum * sum) / sum2 : 0 }
}
