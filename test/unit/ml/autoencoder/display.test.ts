/**
 * The Anomaly view's display pieces computed in the engine: the decoder's mean per likelihood
 * family (against Monte-Carlo means of the generator's own draws), unit-area histograms and the
 * display range helpers (against plain computations).
 */
import { describe, expect, it } from 'vitest'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { Random } from '../../../../src/main/engine/data/random'
import {
  binOf,
  displayRange,
  minimum,
  quantile,
  reconstructed,
  unitHistogram,
} from '../../../../src/main/engine/ml/autoencoder/display'
import { sampleFamily } from '../../../../src/main/engine/ml/autoencoder/generate'
import {
  type AnomalyModel,
  anomalyArchitecture,
  familyGroups,
  type StackRunner,
} from '../../../../src/main/engine/ml/autoencoder/model'
import { PARAMS } from '../../../../src/main/engine/ml/autoencoder/likelihoods'

describe('decoder means per family', () => {
  const config = AnomalyConfig.parse({
    kind: 'vae',
    inputs: ['g', 'ln', 'b', 'p', 'dg'],
    options: {
      latent: 1,
      encoder: [2],
      likelihood: { ln: 'lognormal', b: 'bernoulli', p: 'poisson', dg: 'discrete_gaussian' },
    },
  })
  const arch = anomalyArchitecture(config)
  // Raw decoder parameters (a, b, c) per input.
  const params: Record<string, number[]> = {
    g: [0.7, -0.5],
    ln: [1.2, -1.0, -0.4],
    b: [0.3],
    p: [Math.log(3.5)],
    dg: [2.2, -0.7],
  }
  const P = familyGroups(arch.families).reduce(
    (s, g) => s + PARAMS[g.family] * g.features.length,
    0,
  )
  const out = new Float64Array(P)
  for (const g of familyGroups(arch.families)) {
    const m = g.features.length
    g.features.forEach((j, t) =>
      params[arch.inputs[j]].forEach((v, q) => (out[g.offset + q * m + t] = v)),
    )
  }
  const run: StackRunner = (which, _x, n) => {
    if (which !== 'decoder') throw new Error('only the decoder is run')
    const o = new Float64Array(n * P)
    for (let i = 0; i < n; i++) o.set(out, i * P)
    return o
  }
  const model = { arch, weights: null, transform: null } as unknown as AnomalyModel
  const means = reconstructed(model, run, new Float64Array(1), 1)

  it('gives the mean parameter of the Gaussian exactly', () => {
    expect(means[0]).toBe(0.7)
  })

  it('agrees with the mean of 200 000 draws of each family (within 4 standard errors)', () => {
    const rng = new Random(7)
    arch.inputs.forEach((name, j) => {
      if (name === 'g') return
      const family = arch.families[j]
      const [a, b, c] = params[name]
      let s = 0
      let s2 = 0
      const N = 200_000
      for (let k = 0; k < N; k++) {
        const v = sampleFamily(family, rng, a, b, c)
        s += v
        s2 += v * v
      }
      const mean = s / N
      const se = Math.sqrt((s2 / N - mean * mean) / N)
      // The discrete Gaussian's mean is its continuous mean only up to rounding and truncation.
      const slack = family === 'discrete_gaussian' ? 0.02 : 0
      expect(Math.abs(means[j] - mean), name).toBeLessThan(4 * se + slack)
    })
  })
})

describe('histogram helpers', () => {
  it('bins with overflow into the edge bins', () => {
    expect(binOf(-1, 0, 10, 5)).toBe(0)
    expect(binOf(0, 0, 10, 5)).toBe(0)
    expect(binOf(1.99, 0, 10, 5)).toBe(0)
    expect(binOf(2, 0, 10, 5)).toBe(1)
    expect(binOf(10, 0, 10, 5)).toBe(4)
    expect(binOf(99, 0, 10, 5)).toBe(4)
  })

  it('makes unit-area histograms with |w| and skips NaN', () => {
    const h = unitHistogram([0.5, 1.5, 1.6, NaN, 3.9], 0, 4, 4, [1, -2, 1, 5, 4])
    expect(h).toEqual([1 / 8, 3 / 8, 0, 4 / 8])
  })

  it('takes quantiles, ranges and minima plainly', () => {
    const v = Array.from({ length: 1001 }, (_, i) => 1000 - i) // 0 … 1000, reversed
    expect(quantile(v, 0.5)).toBe(500)
    expect(quantile(v, 0)).toBe(0)
    expect(displayRange(v, 0.01)).toEqual([10, 990])
    expect(displayRange([3, 3, 3])).toEqual([2.5, 3.5])
    expect(minimum([4, NaN, -2, 7], 0)).toBe(-2)
    expect(minimum(new Float64Array(200_000).fill(1), 5)).toBe(1) // no stack overflow
  })
})
