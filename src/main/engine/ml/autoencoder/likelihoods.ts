/**
 * Per-feature reconstruction negative log-likelihoods of the VAE, each family as TensorFlow.js
 * ops (training, elementwise on [batch, features] tensors) and as plain float64 functions
 * (scoring, per event and feature). The decoder's raw outputs are the parameters:
 *
 * - gaussian (mean, log σ): −log N(x; mean, σ)
 * - lognormal (μ, log σ, logit p₀): x < 10⁻⁴ is the point mass at zero with probability p₀,
 *   otherwise (1 − p₀) × the log-normal density of x (log x ~ N(μ, σ))
 * - discrete_gaussian (mean, log σ): counts k ≥ 0 with P(k) ∝ ∫ N(t; mean, σ) dt over
 *   [k − ½, k + ½], normalised over k ≥ 0 (truncated at zero)
 * - bernoulli (logit p): −[x log p + (1 − x) log(1 − p)]
 * - poisson (log λ): λ − x log λ + log x!
 *
 * log σ is soft-limited to ±LOG_SIGMA_LIMIT (L·tanh(s/L)) and log λ to ±LOG_RATE_LIMIT, so a
 * feature with few distinct values cannot drive its likelihood to infinity; the limit is smooth
 * so the gradient never vanishes. The TF ops leave out the Poisson's log x! (it depends on the
 * data only): `dataConstant` gives it.
 */
import type * as TF from '@tensorflow/tfjs'
import type { LikelihoodFamily } from '../../../../shared/contract/anomaly'

export const LOG_SIGMA_LIMIT = 5
export const LOG_RATE_LIMIT = 12
/** Below this a lognormal feature is "zero" (the point mass). */
export const ZERO_CUT = 1e-4
/** Smallest probability a discrete Gaussian or a point mass is given (bounds the NLL at ~27.6). */
const MIN_PROB = 1e-12
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
      const z = (lx - a) * Math.exp(-ls)
      return softplus(c) + lx + ls + HALF_LOG_2PI + 0.5 * z * z
    }
    case 'discrete_gaussian': {
      const s = Math.exp(softLimit(b, LOG_SIGMA_LIMIT))
      const k = Math.round(x)
      const p = normalInterval((k - 0.5 - a) / s, (k + 0.5 - a) / s)
      const norm = normalInterval((-0.5 - a) / s, Infinity)
      return -Math.log(Math.max(p, MIN_PROB)) + Math.log(Math.max(norm, MIN_PROB))
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
      const z = lx.sub(p[0]).mul(tf.exp(tf.neg(ls)))
      const positive = sp(p[2]).add(lx).add(ls).add(HALF_LOG_2PI).add(z.square().mul(0.5))
      return tf.where(zero, sp(tf.neg(p[2])), positive) as TF.Tensor2D
    }
    case 'discrete_gaussian': {
      const s = tf.exp(limit(p[1], LOG_SIGMA_LIMIT))
      const k = tf.round(x)
      const cdf = (t: TF.Tensor) => tf.erf(t.div(s).mul(Math.SQRT1_2)).add(1).mul(0.5)
      const prob = cdf(k.add(0.5).sub(p[0])).sub(cdf(k.sub(0.5).sub(p[0])))
      const norm = tf.scalar(1).sub(cdf(tf.neg(p[0]).sub(0.5)))
      return tf
        .neg(tf.log(tf.maximum(prob, MIN_PROB)))
        .add(tf.log(tf.maximum(norm, MIN_PROB))) as TF.Tensor2D
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

/** P(l < Z < u) for a standard normal Z, accurate in both tails (complementary error function). */
export function normalInterval(l: number, u: number): number {
  // In the upper tail Φ(u) − Φ(l) = Q(l) − Q(u) keeps its relative precision.
  if (l > 0) return 0.5 * (erfc(l / Math.SQRT2) - erfc(u / Math.SQRT2))
  return 0.5 * (erfc(-u / Math.SQRT2) - erfc(-l / Math.SQRT2))
}

/** Complementary error function, relative error < 1.2·10⁻⁷ everywhere (Numerical Recipes' erfcc). */
export function erfc(x: number): number {
  if (x === Infinity) return 0
  if (x === -Infinity) return 2
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
]

/** log Γ(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x)
  const y = x - 1
  let a = LANCZOS[0]
  const t = y + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (y + i)
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(a)
}
