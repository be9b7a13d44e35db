/**
 * Event generation with a trained VAE (seed 004's use): draw z from the prior, decode, draw
 * each input from its likelihood family with the decoded parameters, and map back to the
 * input's own units; then compare with real events per feature (histograms and the KL
 * divergence between them) and as Pearson correlation matrices (real, generated, difference).
 */
import type { GenerationComparison, LikelihoodFamily } from '../../../../shared/contract/anomaly'
import { Random } from '../../data/random'
import { LOG_RATE_LIMIT, LOG_SIGMA_LIMIT, PARAMS } from './likelihoods'
import { type AnomalyModel, familyGroups, type StackRunner } from './model'

const softLimit = (v: number, limit: number) => limit * Math.tanh(v / limit)

/**
 * One draw of `family` with the decoder's raw parameters (a, b, c as in likelihoods.ts), in
 * the space the family models (preprocessed for gaussian, raw otherwise).
 */
export function sampleFamily(
  family: LikelihoodFamily,
  rng: Random,
  a: number,
  b = 0,
  c = 0,
): number {
  switch (family) {
    case 'gaussian':
      return a + Math.exp(softLimit(b, LOG_SIGMA_LIMIT)) * rng.normal()
    case 'lognormal': {
      const p0 = 1 / (1 + Math.exp(-c))
      if (rng.uniform() < p0) return 0
      return Math.exp(a + Math.exp(softLimit(b, LOG_SIGMA_LIMIT)) * rng.normal())
    }
    case 'discrete_gaussian': {
      // Rejection from the untruncated normal; far below zero every draw is 0 anyway.
      const s = Math.exp(softLimit(b, LOG_SIGMA_LIMIT))
      for (let k = 0; k < 100; k++) {
        const t = a + s * rng.normal()
        if (t >= -0.5) return Math.round(t)
      }
      return 0
    }
    case 'bernoulli':
      return rng.uniform() < 1 / (1 + Math.exp(-a)) ? 1 : 0
    case 'poisson':
      return poisson(Math.exp(softLimit(a, LOG_RATE_LIMIT)), rng)
  }
}

/** A Poisson draw: Knuth's product of uniforms below λ = 30, a rounded normal above. */
function poisson(lambda: number, rng: Random): number {
  if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()))
  const limit = Math.exp(-lambda)
  let k = 0
  let p = rng.uniform()
  while (p > limit) {
    k++
    p *= rng.uniform()
  }
  return k
}

/**
 * `count` generated events (row-major count × d, the inputs' own units) from a VAE: z from
 * the prior, the decoder's parameters, one draw per input. Seeded.
 */
export function generateEvents(
  model: AnomalyModel,
  run: StackRunner,
  count: number,
  seed: number,
): Float64Array {
  const { arch, weights, transform } = model
  if (arch.kind !== 'vae') throw new Error('only a VAE can generate events')
  const L = arch.latent
  const d = arch.inputs.length
  const rng = new Random(seed)
  const z = new Float64Array(count * L)
  for (let i = 0; i < count; i++)
    for (let l = 0; l < L; l++) {
      const m = weights.prior ? weights.prior.mean[l] : 0
      const s = weights.prior ? Math.exp(weights.prior.logSigma[l]) : 1
      z[i * L + l] = m + s * rng.normal()
    }
  const out = run('decoder', z, count)
  const P = arch.families.reduce((sum, f) => sum + PARAMS[f], 0)
  const x = new Float64Array(count * d)
  const { mean, transform: matrix } = transform.pre
  for (const g of familyGroups(arch.families)) {
    const m = g.features.length
    g.features.forEach((j, t) => {
      for (let i = 0; i < count; i++) {
        const o = i * P + g.offset + t
        let v = sampleFamily(g.family, rng, out[o], out[o + m], out[o + 2 * m])
        if (g.family === 'gaussian') {
          // Undo the standardisation (diagonal), then the log.
          const scale = matrix[j * d + j]
          v = (scale !== 0 ? v / scale : v) + mean[j]
          if (transform.log[j]) v = Math.exp(v)
        }
        x[i * d + j] = v
      }
    })
  }
  return x
}

/**
 * Compares generated with real events (both row-major, d = inputs.length columns): per input,
 * histograms over the real events' 0.5%–99.5% range (outside values in the edge bins), each
 * normalised to 1, and KL(real ‖ generated) with empty generated bins given 10⁻⁶.
 */
export function compareGenerated(
  inputs: readonly string[],
  real: Float64Array,
  generated: Float64Array,
  bins = 40,
): GenerationComparison {
  const d = inputs.length
  const nr = real.length / d
  const ng = generated.length / d
  const features = inputs.map((input, j) => {
    const col = Float64Array.from({ length: nr }, (_, i) => real[i * d + j]).sort()
    let lo = col[Math.floor(0.005 * (nr - 1))]
    let hi = col[Math.ceil(0.995 * (nr - 1))]
    if (!(hi > lo)) {
      lo -= 0.5
      hi += 0.5
    }
    const histogram = (x: Float64Array, n: number) => {
      const h = new Array<number>(bins).fill(0)
      for (let i = 0; i < n; i++) {
        const k = Math.floor(((x[i * d + j] - lo) / (hi - lo)) * bins)
        h[Math.min(bins - 1, Math.max(0, k))] += 1 / n
      }
      return h
    }
    const r = histogram(real, nr)
    const g = histogram(generated, ng)
    let kl = 0
    for (let k = 0; k < bins; k++) if (r[k] > 0) kl += r[k] * Math.log(r[k] / Math.max(g[k], 1e-6))
    return { input, lo, hi, real: r, generated: g, kl }
  })
  const cr = pearson(real, d)
  const cg = pearson(generated, d)
  return {
    features,
    correlation: { real: cr, generated: cg, difference: cg.map((v, k) => v - cr[k]) },
  }
}

/** Pearson correlation matrix of the columns of x (row-major, d columns); 0 for a constant column. */
export function pearson(x: Float64Array, d: number): number[] {
  const n = x.length / d
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n
  const cov = new Float64Array(d * d)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const a = x[i * d + j] - mean[j]
      for (let k = 0; k <= j; k++) cov[j * d + k] += a * (x[i * d + k] - mean[k])
    }
  const out = new Array<number>(d * d).fill(0)
  for (let j = 0; j < d; j++)
    for (let k = 0; k <= j; k++) {
      const den = Math.sqrt(cov[j * d + j] * cov[k * d + k])
      const v = den > 0 ? cov[j * d + k] / den : 0
      out[j * d + k] = v
      out[k * d + j] = v
    }
  return out
}
