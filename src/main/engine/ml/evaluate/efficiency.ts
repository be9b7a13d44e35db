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
  if (!idx.length) return emptyCurve(expectedS, expectedB)
  const hi = scores[idx[0]]
  const lo = scores[idx[idx.length - 1]]
  const m = lo === hi ? 1 : Math.max(2, Math.floor(points))
  // Events enter as the cut passes below their output.
  let r = 0
  return sweptCurve(
    m,
    (k) => (m === 1 ? lo : lo + ((hi - lo) * k) / (m - 1)),
    (_, cut, passed) => {
      for (; r < idx.length && scores[idx[r]] >= cut; r++) {
        const i = idx[r]
        if (labels[i]) passed[0] += weights[i]
        else passed[1] += weights[i]
      }
    },
    { s: ws, b: wb },
    expectedS,
    expectedB,
  )
}

/** A curve of no cuts (no events). */
export function emptyCurve(expectedS: number, expectedB: number): EfficiencyCurve {
  return {
    cut: [],
    eff_s: [],
    eff_b: [],
    significance: [],
    expected_s: expectedS,
    expected_b: expectedB,
    best: null,
  }
}

/**
 * The curve at the `m` cuts cutAt(0) < … < cutAt(m − 1), swept from the highest down:
 * `enter(k, cut, passed)` adds to `passed` [signal, background] the Σw of the events that pass
 * cut k but not cut k + 1; `total` is each class's Σw (the efficiencies' denominators). The
 * in-memory curve enters sorted events, the binned evaluation its sums per cut.
 */
export function sweptCurve(
  m: number,
  cutAt: (k: number) => number,
  enter: (k: number, cut: number, passed: number[]) => void,
  total: { s: number; b: number },
  expectedS: number,
  expectedB: number,
): EfficiencyCurve {
  const out = emptyCurve(expectedS, expectedB)
  const passed = [0, 0]
  let best: EfficiencyCurve['best'] = null
  for (let k = m - 1; k >= 0; k--) {
    const cut = cutAt(k)
    enter(k, cut, passed)
    const es = total.s > 0 ? passed[0] / total.s : NaN
    const eb = total.b > 0 ? passed[1] / total.b : NaN
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
