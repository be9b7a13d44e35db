/**
 * Efficiencies and expected significance against a cut on the classifier output (TMVA's "cut
 * efficiencies and optimal cut value" plot): events pass when output ≥ cut.
 */
import type { ClassifierEvaluation } from '../../../../shared/contract/train'
import { finiteOrNull } from '../../../../shared/contract/common'

export type EfficiencyCurve = NonNullable<ClassifierEvaluation['efficiency']>

/**
 * ε_S, ε_B (weighted, over `rows`) and Z = S/√(S+B) with S = ε_S·expectedS, B = ε_B·expectedB
 * at `points` cut values evenly spaced over the outputs' range [min, max]; `best` is the cut of
 * largest Z (null if none is defined). Significance is null where S + B ≤ 0 or undefined; the
 * efficiencies are NaN when a class's Σw is not > 0.
 */
export function efficiencyCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  rows: ArrayLike<number>,
  expectedS: number,
  expectedB: number,
  points = 101,
): EfficiencyCurve {
  const idx: number[] = []
  for (let r = 0; r < rows.length; r++) if (scores[rows[r]] === scores[rows[r]]) idx.push(rows[r])
  idx.sort((a, b) => scores[b] - scores[a])
  let ws = 0
  let wb = 0
  for (const i of idx) {
    if (labels[i]) ws += weights[i]
    else wb += weights[i]
  }
  const empty: EfficiencyCurve = {
    cut: [],
    eff_s: [],
    eff_b: [],
    significance: [],
    expected_s: expectedS,
    expected_b: expectedB,
    best: null,
  }
  if (!idx.length) return empty
  const hi = scores[idx[0]]
  const lo = scores[idx[idx.length - 1]]
  const m = lo === hi ? 1 : Math.max(2, Math.floor(points))
  const out = empty
  // Sweep cuts from the highest down; events enter as the cut passes below their output.
  let r = 0
  let cs = 0
  let cb = 0
  let best: EfficiencyCurve['best'] = null
  for (let k = m - 1; k >= 0; k--) {
    const cut = m === 1 ? lo : lo + ((hi - lo) * k) / (m - 1)
    for (; r < idx.length && scores[idx[r]] >= cut; r++) {
      const i = idx[r]
      if (labels[i]) cs += weights[i]
      else cb += weights[i]
    }
    const es = ws > 0 ? cs / ws : NaN
    const eb = wb > 0 ? cb / wb : NaN
    const s = es * expectedS
    const b = eb * expectedB
    const z = s + b > 0 ? s / Math.sqrt(s + b) : NaN
    out.cut.push(cut)
    out.eff_s.push(es)
    out.eff_b.push(eb)
    out.significance.push(finiteOrNull(z))
    if (Number.isFinite(z) && (best === null || z > best.significance))
      best = { cut, s, b, significance: z }
  }
  // Built from the top down; the contract's arrays run with increasing cut.
  out.cut.reverse()
  out.eff_s.reverse()
  out.eff_b.reverse()
  out.significance.reverse()
  out.best = best
  return out
}
