/**
 * Normal tail probabilities in log space as TensorFlow.js ops, for the float32 training path of
 * the truncated likelihoods (discrete Gaussian, log-normal above its point-mass threshold):
 * 1 − Φ(z) rounds to 0 in float32 beyond z ≈ 5.4, so a likelihood formed from Φ and floored
 * stops depending on its parameters there; its log does not.
 *
 * log Q(z), Q = 1 − Φ, uses erfc(x) = t·exp(−x² + P(t)), t = 1/(1 + x/2) (Numerical Recipes'
 * erfcc, relative error < 1.2·10⁻⁷ for every x ≥ 0, so about float32's own precision): its log
 * needs no exp and has no underflow. The float64 forms are stats/special.ts's logNormalSf and
 * logNormalInterval.
 */
import type * as TF from '@tensorflow/tfjs'

const ERFCC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
]

/** log Q(z) for z ≥ 0 (elementwise): log(½ erfc(z/√2)) = −log 2 + log t − x² + P(t). */
function logSfUpper(tf: typeof TF, z: TF.Tensor): TF.Tensor {
  const x = z.mul(Math.SQRT1_2)
  const t = tf.scalar(1).div(x.mul(0.5).add(1))
  let poly: TF.Tensor = tf.scalar(ERFCC[ERFCC.length - 1])
  for (let i = ERFCC.length - 2; i >= 0; i--) poly = poly.mul(t).add(ERFCC[i])
  return tf.log(t).sub(x.square()).add(poly).sub(Math.LN2)
}

/**
 * Branches are chosen by 0/1 masks from tf.step (whose gradient is zero) and blended, not by
 * tf.where on a comparison: a comparison of parameters has no gradient in TensorFlow.js and
 * stops backpropagation. Both branches are finite everywhere, so the blend's gradient is too.
 */
const blend = (m: TF.Tensor, a: TF.Tensor, b: TF.Tensor) => b.add(m.mul(a.sub(b)))

/**
 * log(1 − Φ(z)) elementwise, for every z: the upper-tail form at |z|, and log1p(−Q(|z|)) for
 * z < 0 (the two meet smoothly at 0, derivatives included).
 */
export function logNormalSfTensor(tf: typeof TF, z: TF.Tensor): TF.Tensor {
  const a = logSfUpper(tf, tf.abs(z))
  return blend(tf.step(z), a, tf.log1p(tf.neg(tf.exp(a))))
}

/**
 * log(Φ(u) − Φ(l)) elementwise for l < u, its relative precision kept in both tails: mirrored
 * so the interval's centre is ≥ 0, then log Q(l) + log(1 − Q(u)/Q(l)).
 */
export function logNormalIntervalTensor(tf: typeof TF, l: TF.Tensor, u: TF.Tensor): TF.Tensor {
  const mirror = tf.step(tf.neg(l.add(u)))
  const lo = blend(mirror, tf.neg(u), l)
  const hi = blend(mirror, tf.neg(l), u)
  const qlo = logNormalSfTensor(tf, lo)
  return qlo.add(tf.log1p(tf.neg(tf.exp(logNormalSfTensor(tf, hi).sub(qlo)))))
}
