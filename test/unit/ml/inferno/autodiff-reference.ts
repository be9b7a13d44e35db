/**
 * The INFERNO loss as TensorFlow.js ops, differentiated by tfjs' autodiff: the independent
 * reference the closed-form loss head (src/main/engine/ml/inferno/fisher-head.ts) is tested
 * against. TF.js has no matrix inverse (nor a gradient for one), so the Fisher matrix is inverted
 * by Gauss–Jordan elimination unrolled over scalar tensors: every step is an add/mul/div the
 * autodiff knows. No pivoting: the pivots of an SPD matrix are its (positive) successive Schur
 * complements.
 */
import type * as TF from '@tensorflow/tfjs'
import type { Benchmark } from '../../../../src/main/engine/ml/inferno/benchmarks'
import {
  type Shapes,
  type Steps,
  constraintTerms,
} from '../../../../src/main/engine/ml/inferno/fisher'
import { NOMINAL } from '../../../../src/main/engine/ml/inferno/simulator'

/**
 * The inverse of the k × k SPD matrix given as scalar tensors (`m[i][j]`, k small: the cost
 * grows as k³ tensor ops). Works entry by entry because the wasm backend has no gradient for
 * gather/slicing of a matrix.
 */
export function invertSpdScalars(
  tf: typeof TF,
  m: readonly (readonly TF.Scalar[])[],
): TF.Scalar[][] {
  const k = m.length
  const rows = m.map((r) => {
    if (r.length !== k)
      throw new Error(`invertSpdScalars: row of ${r.length} entries, expected ${k}`)
    return [...r]
  })
  // Augmented [A | I]; the identity half starts as constants.
  const inv: TF.Scalar[][] = []
  for (let i = 0; i < k; i++) {
    inv.push([])
    for (let j = 0; j < k; j++) inv[i].push(tf.scalar(i === j ? 1 : 0))
  }
  for (let p = 0; p < k; p++) {
    const pivot = rows[p][p]
    for (let j = 0; j < k; j++) {
      rows[p][j] = tf.div(rows[p][j], pivot)
      inv[p][j] = tf.div(inv[p][j], pivot)
    }
    for (let i = 0; i < k; i++) {
      if (i === p) continue
      const f = rows[i][p]
      for (let j = 0; j < k; j++) {
        rows[i][j] = tf.sub(rows[i][j], tf.mul(f, rows[p][j]))
        inv[i][j] = tf.sub(inv[i][j], tf.mul(f, inv[p][j]))
      }
    }
  }
  return inv
}

/** The inverse of the k × k SPD matrix `m` as a tensor (see invertSpdScalars). */
export function invertSpdTf(tf: typeof TF, m: TF.Tensor2D): TF.Tensor2D {
  const k = m.shape[0]
  if (m.shape[1] !== k) throw new Error(`invertSpdTf: matrix is ${m.shape[0]}×${m.shape[1]}`)
  const entries = tf.unstack(m).map((r) => tf.unstack(r) as TF.Scalar[])
  const inv = invertSpdScalars(tf, entries)
  return tf.stack(inv.map((r) => tf.stack(r))) as TF.Tensor2D
}

/**
 * (M⁻¹)_{p,p} of the SPD matrix given as scalar entries: the variance of parameter p when the
 * others are profiled, i.e. 1 / (M_pp − M_p,o M_oo⁻¹ M_o,p) (Schur complement).
 */
export function inverseDiagonalTf(
  tf: typeof TF,
  m: readonly (readonly TF.Scalar[])[],
  p: number,
): TF.Scalar {
  const others = m.map((_, i) => i).filter((i) => i !== p)
  if (others.length === 0) return tf.div(1, m[p][p])
  const inv = invertSpdScalars(
    tf,
    others.map((i) => others.map((j) => m[i][j])),
  )
  let quad: TF.Scalar = tf.scalar(0)
  others.forEach((i, a) =>
    others.forEach((j, c) => {
      quad = tf.add(quad, tf.mul(tf.mul(m[p][i], inv[a][c]), m[j][p]))
    }),
  )
  return tf.div(1, tf.sub(m[p][p], quad))
}

/** Soft assignments of n events to b bins: softmax(logits / τ), n × b. */
export function softAssignments(tf: typeof TF, logits: TF.Tensor2D, tau: number): TF.Tensor2D {
  if (!(tau > 0)) throw new Error(`the softmax temperature must be > 0, got ${tau}`)
  return tf.softmax(tf.div(logits, tau)) as TF.Tensor2D
}

/** Normalised soft histogram (sums to 1) of n events' logits (n × b) → b. */
export function softHistogram(tf: typeof TF, logits: TF.Tensor2D, tau: number): TF.Tensor1D {
  return tf.mean(softAssignments(tf, logits, tau), 0) as TF.Tensor1D
}

/**
 * The INFERNO loss (I⁻¹)_ss, the expected variance of s, from soft histograms (tensors of b
 * bins). `floor` (counts) keeps μ away from 0 in bins no event reaches, where I would divide
 * by zero; it is far below any populated bin's count.
 */
export function infernoLossTf(
  tf: typeof TF,
  sh: Shapes<TF.Tensor1D>,
  bm: Benchmark,
  steps: Steps,
  floor = 1e-6,
): TF.Scalar {
  const mu = tf.add(tf.add(tf.mul(NOMINAL.s, sh.signal), tf.mul(NOMINAL.b, sh.background)), floor)
  const derivs = bm.params.map((p) => {
    if (p === 's') return sh.signal
    if (p === 'b') return sh.background
    const up = sh.up[p]
    const down = sh.down[p]
    if (!up || !down) throw new Error(`no background variation for ${p}`)
    return tf.mul(tf.sub(up, down), NOMINAL.b / (2 * steps[p]))
  })
  const cons = constraintTerms(bm)
  const k = derivs.length
  const fisher: TF.Scalar[][] = derivs.map(() => [])
  for (let a = 0; a < k; a++) {
    for (let c = a; c < k; c++) {
      let v: TF.Scalar = tf.sum(tf.div(tf.mul(derivs[a], derivs[c]), mu))
      if (a === c && cons[a] > 0) v = tf.add(v, cons[a])
      fisher[a][c] = v
      fisher[c][a] = v
    }
  }
  return inverseDiagonalTf(tf, fisher, 0)
}
