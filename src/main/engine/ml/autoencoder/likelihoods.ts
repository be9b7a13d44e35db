/**
 * Per-feature reconstruction negative log-likelihoods of the VAE, each family as TensorFlow.js
 * ops (training, elementwise on [batch, features] tensors) and as plain float64 functions
 * (scoring, per event and feature). The decoder's raw outputs are the parameters:
 *
 * - gaussian (mean, log σ): −log N(x; mean, σ)
 * - lognormal (μ, log σ, logit p₀): x < 10⁻⁴ is the point mass at zero with probability p₀,
 *   otherwise (1 − p₀) × the log-normal density of x (log x ~ N(μ, σ)) truncated to x ≥ 10⁻⁴
 *   (divided by its mass there, so the probabilities add up to 1 whatever μ and σ are)
 * - discrete_gaussian (mean, log σ): counts k ≥ 0 with P(k) ∝ ∫ N(t; mean, σ) dt over
 *   [k − ½, k + ½], normalised over k ≥ 0 (truncated at zero)
 * - bernoulli (logit p): −[x log p + (1 − x) log(1 − p)]
 * - poisson (log λ): λ − x log λ + log x!
 *
 * log σ is soft-limited to ±LOG_SIGMA_LIMIT (L·tanh(s/L)) and log λ to ±LOG_RATE_LIMIT, so a
 * feature with few distinct values cannot drive its likelihood to infinity; the limit is smooth
 * so the gradient never vanishes. The TF ops leave out the Poisson's log x! (it depends on the
 * data only): `dataConstant` gives it.
 *
 * The truncated families are computed as log P(k) − log P(k ≥ 0) (and log density − log P(x ≥
 * 10⁻⁴)) from log normal tail probabilities, never as a ratio of probabilities: however far the
 * mean drifts from the data, each count keeps its own, growing NLL and its gradient.
 */
import type * as TF from '@tensorflow/tfjs'
import type { LikelihoodFamily } from '../../../../shared/contract/anomaly'
import { lgamma, logNormalInterval, logNormalSf } from '../../stats/special'
import { logNormalIntervalTensor, logNormalSfTensor } from './normal-tail'

export const LOG_SIGMA_LIMIT = 5
export const LOG_RATE_LIMIT = 12
/** Below this a lognormal feature is "zero" (the point mass). */
export const ZERO_CUT = 1e-4
const LOG_ZERO_CUT = Math.log(ZERO_CUT)
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI)

/** Decoder outputs per feature of each family. */
export const PARAMS: Record<LikelihoodFamily, number> = {
  gaussian: 2,
  lognormal: 3,
  discrete_gaussian: 2,
  bernoulli: 1,
  poisson: 1,
}

/** Whether the family models the preprocessed value (gaussian) or the raw one (the rest). */
export const onPreprocessed = (family: LikelihoodFamily): boolean => family === 'gaussian'

const softLimit = (v: number, limit: number): number => limit * Math.tanh(v / limit)
const softplus = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))

/**
 * −log p(x | parameters) in float64, the parameters being the decoder's raw outputs for this
 * feature (a, b, c as the family uses them, see the module comment).
 */
export function nll(family: LikelihoodFamily, x: number, a: number, b = 0, c = 0): number {
  switch (family) {
    case 'gaussian': {
      const ls = softLimit(b, LOG_SIGMA_LIMIT)
      const z = (x - a) * Math.exp(-ls)
      return ls + HALF_LOG_2PI + 0.5 * z * z
    }
    case 'lognormal': {
      // −log p₀ = softplus(−c); −log(1 − p₀) = softplus(c).
      if (x < ZERO_CUT) return softplus(-c)
      const ls = softLimit(b, LOG_SIGMA_LIMIT)
      const lx = Math.log(x)
      const inv = Math.exp(-ls)
      const z = (lx - a) * inv
      const kept = logNormalSf((LOG_ZERO_CUT - a) * inv)
      return softplus(c) + lx + ls + HALF_LOG_2PI + 0.5 * z * z + kept
    }
    case 'discrete_gaussian': {
      const s = Math.exp(softLimit(b, LOG_SIGMA_LIMIT))
      const k = Math.round(x)
      const logP = logNormalInterval((k - 0.5 - a) / s, (k + 0.5 - a) / s)
      // log P(k ≥ 0) ≥ log P(k) mathematically; max(0, ·) only absorbs rounding.
      return Math.max(0, logNormalSf((-0.5 - a) / s) - logP)
    }
    case 'bernoulli':
      return Math.max(a, 0) - a * x + Math.log1p(Math.exp(-Math.abs(a)))
    case 'poisson': {
      const eta = softLimit(a, LOG_RATE_LIMIT)
      return Math.exp(eta) - x * eta + lgamma(x + 1)
    }
  }
}

/** The part of −log p(x) the TF ops leave out because it depends on x only: log x! for Poisson. */
export function dataConstant(family: LikelihoodFamily, x: number): number {
  return family === 'poisson' ? lgamma(x + 1) : 0
}

/**
 * Elementwise −log p(x | params) − dataConstant(x) for x [b, m] and the family's parameter
 * tensors (each [b, m], PARAMS[family] of them). Call inside a gradient function or tf.tidy.
 */
export function nllTensor(
  tf: typeof TF,
  family: LikelihoodFamily,
  x: TF.Tensor2D,
  p: readonly TF.Tensor2D[],
): TF.Tensor2D {
  const limit = (t: TF.Tensor, l: number) => tf.tanh(t.div(l)).mul(l)
  const sp = (t: TF.Tensor) => tf.softplus(t)
  switch (family) {
    case 'gaussian': {
      const ls = limit(p[1], LOG_SIGMA_LIMIT)
      const z = x.sub(p[0]).mul(tf.exp(tf.neg(ls)))
      return ls.add(HALF_LOG_2PI).add(z.square().mul(0.5)) as TF.Tensor2D
    }
    case 'lognormal': {
      const zero = tf.less(x, ZERO_CUT)
      const lx = tf.log(tf.maximum(x, ZERO_CUT))
      const ls = limit(p[1], LOG_SIGMA_LIMIT)
      const inv = tf.exp(tf.neg(ls))
      const z = lx.sub(p[0]).mul(inv)
      const kept = logNormalSfTensor(tf, tf.scalar(LOG_ZERO_CUT).sub(p[0]).mul(inv))
      const positive = sp(p[2]).add(lx).add(ls).add(HALF_LOG_2PI).add(z.square().mul(0.5)).add(kept)
      return tf.where(zero, sp(tf.neg(p[2])), positive) as TF.Tensor2D
    }
    case 'discrete_gaussian': {
      const inv = tf.exp(tf.neg(limit(p[1], LOG_SIGMA_LIMIT)))
      const k = tf.round(x)
      const at = (edge: TF.Tensor) => edge.sub(p[0]).mul(inv)
      const logP = logNormalIntervalTensor(tf, at(k.sub(0.5)), at(k.add(0.5)))
      return logNormalSfTensor(tf, at(tf.scalar(-0.5))).sub(logP) as TF.Tensor2D
    }
    case 'bernoulli':
      return tf
        .relu(p[0])
        .sub(p[0].mul(x))
        .add(tf.log1p(tf.exp(tf.neg(tf.abs(p[0]))))) as TF.Tensor2D
    case 'poisson': {
      const eta = limit(p[0], LOG_RATE_LIMIT)
      return tf.exp(eta).sub(x.mul(eta)) as TF.Tensor2D
    }
  }
}

/**
 * Why `values` (one raw input over the training events) cannot be modelled by `family`, or
 * null when they can: counts must be integers ≥ 0, flags 0 or 1, lognormal values ≥ 0.
 */
export function familyMismatch(family: LikelihoodFamily, values: ArrayLike<number>): string | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    const bad =
      family === 'lognormal'
        ? v < 0
        : family === 'bernoulli'
          ? v !== 0 && v !== 1
          : family === 'poisson' || family === 'discrete_gaussian'
            ? v < 0 || v !== Math.round(v)
            : false
    if (bad) {
      const need =
        family === 'lognormal'
          ? 'values ≥ 0'
          : family === 'bernoulli'
            ? 'values 0 or 1'
            : 'whole numbers ≥ 0'
      return `the ${family} family needs ${need}, but a training event has ${v}`
    }
  }
  return null
}
