/**
 * Generation: each family's sampler against its distribution's mean (closed forms; for the
 * discrete Gaussian the probabilities of likelihoods.ts), the comparison's histograms, KL and
 * Pearson matrices against plain computations, and a trained VAE reproducing the marginals and
 * the correlation of correlated Gaussian inputs and a Poisson count.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { silentContext } from '../../../../src/main/engine/jobs/context'
import {
  compareGenerated,
  generateEvents,
  pearson,
  sampleFamily,
} from '../../../../src/main/engine/ml/autoencoder/generate'
import {
  LOG_RATE_LIMIT,
  LOG_SIGMA_LIMIT,
  nll,
} from '../../../../src/main/engine/ml/autoencoder/likelihoods'
import { jsRunner } from '../../../../src/main/engine/ml/autoencoder/model'
import { trainAnomaly } from '../../../../src/main/engine/ml/autoencoder/train'
import type { LikelihoodFamily } from '../../../../src/shared/contract/anomaly'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { type Event, trainingData } from '../training-data'

const rawLogSigma = (s: number) => LOG_SIGMA_LIMIT * Math.atanh(Math.log(s) / LOG_SIGMA_LIMIT)
const rawLogRate = (l: number) => LOG_RATE_LIMIT * Math.atanh(Math.log(l) / LOG_RATE_LIMIT)

/** Mean and standard error of N draws. */
function draws(family: LikelihoodFamily, a: number, b = 0, c = 0, N = 40_000) {
  const rng = new Random(21)
  let s = 0
  let s2 = 0
  let zeros = 0
  for (let i = 0; i < N; i++) {
    const v = sampleFamily(family, rng, a, b, c)
    s += v
    s2 += v * v
    if (v === 0) zeros++
  }
  const mean = s / N
  return { mean, se: Math.sqrt((s2 / N - mean * mean) / N), zeros: zeros / N }
}

describe('samplers', () => {
  it('draw from the distributions the likelihoods describe', () => {
    let r = draws('gaussian', 1.5, rawLogSigma(0.7))
    expect(Math.abs(r.mean - 1.5)).toBeLessThan(4 * r.se)
    // lognormal: P(0) = p₀, E = (1 − p₀) exp(μ + σ²/2).
    r = draws('lognormal', 0.3, rawLogSigma(0.5), Math.log(0.25 / 0.75))
    expect(r.zeros).toBeCloseTo(0.25, 2)
    expect(Math.abs(r.mean - 0.75 * Math.exp(0.3 + 0.125))).toBeLessThan(4 * r.se)
    // discrete Gaussian: the mean of the probabilities nll() gives.
    const m = 0.8
    const b = rawLogSigma(1.3)
    let mean = 0
    for (let k = 0; k < 40; k++) mean += k * Math.exp(-nll('discrete_gaussian', k, m, b))
    r = draws('discrete_gaussian', m, b)
    expect(Math.abs(r.mean - mean)).toBeLessThan(4 * r.se)
    r = draws('bernoulli', Math.log(0.3 / 0.7))
    expect(Math.abs(r.mean - 0.3)).toBeLessThan(4 * r.se)
    for (const lambda of [3.4, 55]) {
      r = draws('poisson', rawLogRate(lambda))
      expect(Math.abs(r.mean - lambda)).toBeLessThan(4 * r.se)
    }
  })
})

describe('comparison', () => {
  it('histograms, KL and Pearson correlations against plain computations', () => {
    const rng = new Random(5)
    const x = new Float64Array(2000 * 2)
    for (let i = 0; i < 2000; i++) {
      const a = rng.normal()
      x[i * 2] = a
      x[i * 2 + 1] = -0.5 * a + rng.normal()
    }
    const same = compareGenerated(['a', 'b'], x, x, 20)
    expect(same.features.every((f) => f.kl === 0)).toBe(true)
    expect(same.features[0].real.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12)
    expect(same.correlation.difference.every((v) => v === 0)).toBe(true)
    // r = Σ(a − ā)(b − b̄) / √(Σ(a − ā)² Σ(b − b̄)²)
    let sa = 0
    let sb = 0
    for (let i = 0; i < 2000; i++) {
      sa += x[i * 2] / 2000
      sb += x[i * 2 + 1] / 2000
    }
    let sab = 0
    let saa = 0
    let sbb = 0
    for (let i = 0; i < 2000; i++) {
      sab += (x[i * 2] - sa) * (x[i * 2 + 1] - sb)
      saa += (x[i * 2] - sa) ** 2
      sbb += (x[i * 2 + 1] - sb) ** 2
    }
    expect(pearson(x, 2)[1]).toBeCloseTo(sab / Math.sqrt(saa * sbb), 12)
    expect(pearson(x, 2)[0]).toBeCloseTo(1, 12)
    // A shifted copy is told apart.
    const shifted = x.map((v, k) => (k % 2 === 0 ? v + 1 : v))
    expect(compareGenerated(['a', 'b'], x, shifted, 20).features[0].kl).toBeGreaterThan(0.3)
  })
})

describe('a trained VAE', () => {
  it('generates events with the real marginals and correlation', async () => {
    const rng = new Random(13)
    const events: Event[] = []
    const poisson = (l: number) => {
      let k = 0
      let p = rng.uniform()
      while (p > Math.exp(-l)) {
        k++
        p *= rng.uniform()
      }
      return k
    }
    for (let i = 0; i < 3000; i++) {
      const a = rng.normal()
      events.push({
        x: [a, 0.8 * a + 0.6 * rng.normal(), poisson(2)],
        y: 0,
        part: i % 5 < 2 ? 1 : 0,
      })
    }
    events.push({ x: [0, 0, 0], y: 1, part: 2 })
    const data = trainingData(['a', 'b', 'n'], events)
    const config = AnomalyConfig.parse({
      kind: 'vae',
      inputs: ['a', 'b', 'n'],
      preprocess: { log: 'none' },
      options: {
        encoder: [16],
        latent: 2,
        epochs: 30,
        batchSize: 64,
        learningRate: 3e-3,
        beta: 1,
        likelihood: { n: 'poisson' },
      },
    })
    const { model } = await trainAnomaly(data, config, silentContext())
    const gen = generateEvents(model, jsRunner(model.arch, model.weights), 4000, 7)
    const real = data.x.subarray(0, 3000 * 3)
    const cmp = compareGenerated(['a', 'b', 'n'], real, gen, 20)
    const moments = (x: Float64Array, j: number) => {
      const n = x.length / 3
      let s = 0
      let s2 = 0
      for (let i = 0; i < n; i++) {
        s += x[i * 3 + j]
        s2 += x[i * 3 + j] ** 2
      }
      return { mean: s / n, sd: Math.sqrt(s2 / n - (s / n) ** 2) }
    }
    for (const j of [0, 1]) {
      const r = moments(real, j)
      const g = moments(gen, j)
      expect(Math.abs(g.mean - r.mean)).toBeLessThan(0.15)
      expect(Math.abs(g.sd / r.sd - 1)).toBeLessThan(0.1)
    }
    expect(moments(gen, 2).mean).toBeCloseTo(2, 0)
    expect(gen.every((v, k) => k % 3 !== 2 || (v >= 0 && Number.isInteger(v)))).toBe(true)
    expect(cmp.correlation.generated[1]).toBeGreaterThan(0.7)
    for (const f of cmp.features) expect(f.kl).toBeLessThan(0.05)
  })
})
