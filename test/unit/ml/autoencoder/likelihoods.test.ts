/**
 * Each likelihood family's −log p against its closed form written plainly here (densities and
 * probability mass functions, not the module's algebra), the normalisation of the discrete and
 * point-mass families by summation / numerical integration, and the TensorFlow.js ops against
 * the float64 functions.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  dataConstant,
  erfc,
  lgamma,
  LOG_RATE_LIMIT,
  LOG_SIGMA_LIMIT,
  nll,
  nllTensor,
  PARAMS,
} from '../../../../src/main/engine/ml/autoencoder/likelihoods'
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
        // tf.erf is a 1e-7-accurate approximation: allow 1e-4 relative for the discrete family.
        expect(got[i] + dataConstant(family, x)).toBeCloseTo(
          want,
          family === 'discrete_gaussian' ? 3 : 4,
        )
      })
    })
})
