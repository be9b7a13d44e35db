/**
 * TMVA's separation of two distributions (Hoecker et al., TMVA Users Guide, eq. 4.3):
 *   ⟨S²⟩ = ½ Σ_bins (ŝ − b̂)² / (ŝ + b̂),
 * with ŝ, b̂ the signal and background histograms normalised to unit sum (unit area and the bin
 * width cancel). 0 for identical shapes, 1 for shapes that do not overlap. Bins where ŝ + b̂ ≤ 0
 * (possible with negative weights) are skipped.
 */

/** Separation of the histograms `s` and `b` (Σw per bin, same binning); NaN unless both sums > 0. */
export function separation(s: readonly number[], b: readonly number[]): number {
  if (s.length !== b.length) throw new RangeError(`${s.length} signal bins, ${b.length} background`)
  let ns = 0
  let nb = 0
  for (let k = 0; k < s.length; k++) {
    ns += s[k]
    nb += b[k]
  }
  if (!(ns > 0 && nb > 0)) return NaN
  let sep = 0
  for (let k = 0; k < s.length; k++) {
    const p = s[k] / ns
    const q = b[k] / nb
    if (p + q > 0) sep += ((p - q) * (p - q)) / (p + q)
  }
  return sep / 2
}
