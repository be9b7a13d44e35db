/**
 * Each likelihood family's −log p against its closed form written plainly here (densities and
 * probability mass functions, not the module's algebra), the normalisation of the discrete and
 * point-mass families by summation / numerical integration, and the TensorFlow.js ops against
 * the float64 functions.
 */
import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  dataConstant,
  LOG_RATE_LIMIT,
  LOG_SIGMA_LIMIT,
  nll,
  nllTensor,
  PARAMS,
  ZERO_CUT,
} from '../../../../src/main/engine/ml/autoencoder/likelihoods'
import { erfc, lgamma } from '../../../../src/main/engine/stats/special'
import type { LikelihoodFamily } from '../../../../src/shared/contract/anomaly'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** The soft limits the module applies to a raw log σ and log λ, undone so tests can state σ and λ. */
const rawLogRate = (lambda: number) =>
  LOG_RATE_LIMIT * Math.atanh(Math.log(lambda) / LOG_RATE_LIMIT)
const rawLogSigma = (sigma: number) =>
  LOG_SIGMA_LIMIT * Math.atanh(Math.log(sigma) / LOG_SIGMA_LIMIT)
const normalPdf = (x: number, m: number, s: number) =>
  Math.exp(-((x - m) ** 2) / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI))
const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1))

/** ∫ f over [a, b] by Simpson's rule with n (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n = 4000): number {
  const h = (b - a) / n
  let s = f(a) + f(b)
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h)
  return (s * h) / 3
}

describe('special functions', () => {
  it('erfc and lgamma match tabulated values', () => {
    // Abramowitz & Stegun table 7.1 / exact values.
    expect(erfc(0)).toBeCloseTo(1, 7)
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 7)
    expect(erfc(-1)).toBeCloseTo(1.842700792949715, 7)
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 6)
    for (const k of [0, 1, 2, 5, 10, 20])
      expect(lgamma(k + 1)).toBeCloseTo(Math.log(factorial(k)), 9)
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 10)
  })
})

describe('closed forms', () => {
  it('gaussian: −log N(x; μ, σ)', () => {
    for (const [x, m, s] of [
      [0, 0, 1],
      [1.3, -0.4, 0.7],
      [-2, 3, 2.5],
    ])
      expect(nll('gaussian', x, m, rawLogSigma(s))).toBeCloseTo(-Math.log(normalPdf(x, m, s)), 10)
  })

  it('lognormal: point mass below 10⁻⁴, (1 − p₀) × log-normal density above, total probability 1', () => {
    const mu = 1.2
    const s = 0.6
    const p0 = 0.3
    const logit = Math.log(p0 / (1 - p0))
    const b = rawLogSigma(s)
    expect(nll('lognormal', 0, mu, b, logit)).toBeCloseTo(-Math.log(p0), 10)
    expect(nll('lognormal', 5e-5, mu, b, logit)).toBeCloseTo(-Math.log(p0), 10)
    const density = (x: number) =>
      ((1 - p0) / (x * s * Math.sqrt(2 * Math.PI))) *
      Math.exp(-((Math.log(x) - mu) ** 2) / (2 * s * s))
    for (const x of [0.5, 3.3, 12])
      expect(nll('lognormal', x, mu, b, logit)).toBeCloseTo(-Math.log(density(x)), 10)
    // The continuous part carries 1 − p₀ (integrated in log x to cover the tail).
    const mass = simpson(
      (t) => Math.exp(-nll('lognormal', Math.exp(t), mu, b, logit)) * Math.exp(t),
      -6,
      8,
    )
    expect(mass + p0).toBeCloseTo(1, 6)
  })

  it('lognormal: the continuous part is truncated at the point-mass threshold, so probabilities add up to 1 however low μ is', () => {
    // μ at and below log 10⁻⁴: half and more of the untruncated log-normal lies below the
    // threshold, where the point mass takes over (before: total probability p₀ + (1 − p₀)/2).
    const p0 = 0.5
    for (const [mu, s] of [
      [Math.log(ZERO_CUT), 1],
      [Math.log(ZERO_CUT) - 2, 0.5],
    ]) {
      const b = rawLogSigma(s)
      const lo = Math.log(ZERO_CUT)
      const mass = simpson(
        (t) => Math.exp(-nll('lognormal', Math.exp(t), mu, b, 0)) * Math.exp(t),
        lo,
        lo + 20 * s,
        20000,
      )
      expect(mass + p0).toBeCloseTo(1, 6)
    }
  })

  it('discrete_gaussian: normal mass of [k − ½, k + ½] renormalised over k ≥ 0', () => {
    for (const [m, s] of [
      [1.7, 0.8],
      [0.2, 1.5],
      [6, 2],
    ]) {
      const b = rawLogSigma(s)
      const norm = simpson((t) => normalPdf(t, m, s), -0.5, m + 20 * s)
      let total = 0
      for (let k = 0; k < 60; k++) {
        const p = Math.exp(-nll('discrete_gaussian', k, m, b))
        const expected = simpson((t) => normalPdf(t, m, s), k - 0.5, k + 0.5, 200) / norm
        expect(p).toBeCloseTo(expected, 6)
        total += p
      }
      expect(total).toBeCloseTo(1, 6)
    }
    // Far in the upper tail the complementary form keeps relative precision.
    // (k = 6: a mass of ~2·10⁻⁸, above the 10⁻¹² floor).
    const p = Math.exp(-nll('discrete_gaussian', 6, 0, rawLogSigma(1)))
    const tail =
      simpson((t) => normalPdf(t, 0, 1), 5.5, 6.5, 200) /
      simpson((t) => normalPdf(t, 0, 1), -0.5, 30)
    expect(p / tail).toBeCloseTo(1, 4)
  })

  // −log P(k) + log P(k ≥ 0) with P the normal mass of [k − ½, k + ½], from mpmath 1.3.0 at 60
  // digits, printed as float64 with repr: Q(z) = erfc(z/√2)/2, l, u = (k ∓ ½ − mean)/σ,
  // l₀ = (−½ − mean)/σ, nll = −log(Q(l) − Q(u)) + log Q(l₀). For these means every Q is an
  // upper tail, which mpmath keeps to 60 significant digits (no cancellation).
  const FAR_BELOW: [number, number, number, number][] = [
    // k, mean, σ, exact NLL
    [100, -8.5, 1, 5802.587718315928],
    [3, -6.5, 1, 22.891447682306115],
    [10, -6.5, 1, 110.95862718805411],
    [100, -6.5, 1, 5602.845697657192],
    [1, -1.288, 0.318, 13.462507195329692],
    [0, -8.5, 1, 0.00018143352259822172],
    [3, -73, 1, 222.04053128912284],
    [3, -73, 0.5, 888.0405423905406],
  ]

  it('discrete_gaussian: exact far below zero, where the floored ratio went flat (mpmath references)', () => {
    for (const [k, m, s, want] of FAR_BELOW) {
      const got = nll('discrete_gaussian', k, m, rawLogSigma(s))
      // float64 log-space forms: ~1e-13 relative (the references are exact to 20 digits).
      expect(Math.abs(got - want), `k = ${k}, mean ${m}, σ ${s}`).toBeLessThan(
        1e-12 * Math.max(1, want),
      )
    }
    // Monotone in k, never flat: each further count costs more.
    let last = -1
    for (let k = 0; k <= 200; k++) {
      const v = nll('discrete_gaussian', k, -40, 0)
      expect(v).toBeGreaterThan(last)
      last = v
    }
  })

  it('discrete_gaussian: the float32 TensorFlow.js ops agree with the exact values far below zero', () => {
    const got = tf.tidy(() =>
      nllTensor(tf, 'discrete_gaussian', tf.tensor2d(FAR_BELOW.map((c) => [c[0]])), [
        tf.tensor2d(FAR_BELOW.map((c) => [c[1]])),
        tf.tensor2d(FAR_BELOW.map((c) => [rawLogSigma(c[2])])),
      ]).dataSync(),
    )
    FAR_BELOW.forEach(([k, m, s, want], i) => {
      // Float32: the standardised edges z carry a relative rounding of 6·10⁻⁸ and the NLL grows
      // like z²/2, so its error is ~z²·6·10⁻⁸ plus erfcc's 1.2·10⁻⁷ relative: 2·10⁻⁶ of the
      // value (0.012 at 5803) and 10⁻⁴ absolute near 0. Before: 0 for k = 100 at mean −8.5,
      // 6.89 for every k at mean −6.5, 22.61 instead of 13.46 at mean −1.288.
      expect(Math.abs(got[i] - want), `k = ${k}, mean ${m}, σ ${s}`).toBeLessThan(
        2e-6 * want + 1e-4,
      )
    })
  })

  it('discrete_gaussian and lognormal: float32 gradients match float64 finite differences', () => {
    // (family, x, raw parameters): far below zero, near the mode, in the upper tail; the
    // log-normal with μ near and below its threshold, where the truncation term acts.
    const cases: [LikelihoodFamily, number, number[]][] = [
      ['discrete_gaussian', 3, [-6.5, 0]],
      ['discrete_gaussian', 100, [-8.5, 0]],
      ['discrete_gaussian', 1, [-1.288, rawLogSigma(0.318)]],
      ['discrete_gaussian', 2, [1.7, rawLogSigma(0.8)]],
      ['discrete_gaussian', 0, [0.3, rawLogSigma(3)]],
      ['discrete_gaussian', 12, [2, rawLogSigma(1.5)]],
      ['discrete_gaussian', 0, [8, rawLogSigma(1.2)]],
      ['lognormal', 0.5, [1.2, rawLogSigma(0.6), 0.3]],
      ['lognormal', 2e-4, [Math.log(ZERO_CUT) - 1, rawLogSigma(0.7), -0.2]],
      ['lognormal', 3, [Math.log(ZERO_CUT) - 3, rawLogSigma(2), 0.5]],
    ]
    for (const [family, x, params] of cases) {
      const grads = tf.tidy(() => {
        const vars = params.map((p) => tf.tensor2d([[p]]))
        const f = (...p: TF.Tensor[]) =>
          tf.sum(nllTensor(tf, family, tf.tensor2d([[x]]), p as TF.Tensor2D[])) as TF.Scalar
        return tf
          .grads(f)(vars)
          .map((g) => g.dataSync()[0])
      })
      params.forEach((_, q) => {
        const h = 1e-5
        const at = (d: number) => {
          const p = params.map((v, r) => (r === q ? v + d : v)) as [number, number, number]
          return nll(family, x, ...p)
        }
        const fd = (at(h) - at(-h)) / (2 * h)
        // float32 autodiff through erfcc's form: measured ≤ 2·10⁻⁶ relative (the O(z²) terms
        // rounded in float32); 2·10⁻⁵ relative + 10⁻⁵ absolute.
        expect(Math.abs(grads[q] - fd), `${family} x = ${x}, parameter ${q}`).toBeLessThan(
          2e-5 * Math.abs(fd) + 1e-5,
        )
      })
    }
  })

  it('bernoulli: −log p for 1, −log(1 − p) for 0', () => {
    for (const p of [0.05, 0.5, 0.93]) {
      const z = Math.log(p / (1 - p))
      expect(nll('bernoulli', 1, z)).toBeCloseTo(-Math.log(p), 10)
      expect(nll('bernoulli', 0, z)).toBeCloseTo(-Math.log(1 - p), 10)
    }
  })

  it('poisson: −log(λᵏ e^(−λ) / k!) and the probabilities sum to 1', () => {
    const lambda = 3.4
    let total = 0
    for (let k = 0; k < 40; k++) {
      const pmf = (lambda ** k * Math.exp(-lambda)) / factorial(k)
      expect(nll('poisson', k, rawLogRate(lambda))).toBeCloseTo(-Math.log(pmf), 9)
      total += Math.exp(-nll('poisson', k, rawLogRate(lambda)))
    }
    expect(total).toBeCloseTo(1, 10)
  })
})

describe('TensorFlow.js ops', () => {
  const cases: Record<LikelihoodFamily, number[]> = {
    gaussian: [-1.2, 0, 0.4, 2.5],
    lognormal: [0, 3e-5, 0.2, 4.5],
    discrete_gaussian: [0, 1, 2, 7],
    bernoulli: [0, 1, 1, 0],
    poisson: [0, 1, 3, 9],
  }
  for (const [family, xs] of Object.entries(cases) as [LikelihoodFamily, number[]][])
    it(`${family}: equals the float64 function (+ its data constant) to float32 precision`, () => {
      const params = Array.from({ length: PARAMS[family] }, (_, q) =>
        xs.map((_, i) => [0.8, -0.3, 0.5][q] * (i + 1) - 0.6),
      )
      const got = tf.tidy(() =>
        nllTensor(
          tf,
          family,
          tf.tensor2d(xs, [xs.length, 1]),
          params.map((p) => tf.tensor2d(p, [xs.length, 1])),
        ).dataSync(),
      )
      xs.forEach((x, i) => {
        const want = nll(family, x, ...(params.map((p) => p[i]) as [number, number?, number?]))
        expect(got[i] + dataConstant(family, x)).toBeCloseTo(want, 4)
      })
    })
})
