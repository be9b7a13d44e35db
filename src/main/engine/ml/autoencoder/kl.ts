/**
 * The VAE's KL term: KL(N(μ, σ²) ‖ N(m, s²)) per latent dimension, between the encoder's
 * diagonal Gaussian and the prior, as TensorFlow.js ops (training) and in float64 (scoring).
 * The prior is N(0, 1), or a diagonal Gaussian whose mean and log width are trained with the
 * network (Cerri et al. 2019, "Variational autoencoders for new physics mining at the LHC").
 *
 *   KL = log s − log σ + (σ² + (μ − m)²) / (2 s²) − ½
 */
import type * as TF from '@tensorflow/tfjs'

/** A diagonal Gaussian prior: mean and log width per latent dimension. */
export interface Prior {
  readonly mean: ArrayLike<number>
  readonly logSigma: ArrayLike<number>
}

/** The standard normal prior of `latent` dimensions. */
export function standardPrior(latent: number): Prior {
  return { mean: new Float64Array(latent), logSigma: new Float64Array(latent) }
}

/** KL of one latent dimension in float64 (log widths, not variances). */
export function kl(mu: number, logSigma: number, m = 0, logS = 0): number {
  const r = Math.exp(2 * (logSigma - logS))
  const d = (mu - m) * Math.exp(-logS)
  return logS - logSigma + 0.5 * (r + d * d) - 0.5
}

/**
 * Elementwise KL for mu, logSigma [b, latent] against the prior's mean and log width (tensors
 * [latent], broadcast over rows; omitted: N(0, 1)). Call inside a gradient function or tf.tidy.
 */
export function klTensor(
  tf: typeof TF,
  mu: TF.Tensor2D,
  logSigma: TF.Tensor2D,
  prior?: { mean: TF.Tensor1D; logSigma: TF.Tensor1D },
): TF.Tensor2D {
  if (!prior)
    return tf.exp(logSigma.mul(2)).add(mu.square()).mul(0.5).sub(logSigma).sub(0.5) as TF.Tensor2D
  const invS = tf.exp(tf.neg(prior.logSigma))
  const r = tf.exp(logSigma.sub(prior.logSigma).mul(2))
  const d = mu.sub(prior.mean).mul(invS)
  return r.add(d.square()).mul(0.5).add(prior.logSigma).sub(logSigma).sub(0.5) as TF.Tensor2D
}
