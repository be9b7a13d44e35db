/**
 * Event generation with a trained VAE (seed 004's use): draw z from the prior, decode, draw
 * each input from its likelihood family with the decoded parameters, and map back to the
 * input's own units; then compare with real events per feature (histograms and the KL
 * divergence between them) and as Pearson correlation matrices (real, generated, difference).
 */
import type { GenerationComparison, LikelihoodFamily } from '../../../../shared/contract/anomaly'
import { Random } from '../../data/random'
import { lgamma, logNormalSf, normalSfInverseLog } from '../../stats/special'
import { LOG_RATE_LIMIT, LOG_SIGMA_LIMIT, PARAMS, ZERO_CUT } from './likelihoods'
import { type AnomalyModel, familyGroups, type StackRunner } from './model'

const softLimit = (v: number, limit: number) => limit * Math.tanh(v / limit)

/**
 * One draw of `family` with the decoder's raw parameters (a, b, c as in likelihoods.ts), in
 * the space the family models (preprocessed for gaussian, raw otherwise): exactly the
 * distribution whose −log p likelihoods.ts gives, however far its parameters lie.
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
      // The continuous part is truncated to x ≥ ZERO_CUT: log x = μ + σ z with z ≥ z_cut.
      const s = Math.exp(softLimit(b, LOG_SIGMA_LIMIT))
      return Math.max(
        ZERO_CUT,
        Math.exp(a + s * truncatedNormal(rng, (Math.log(ZERO_CUT) - a) / s)),
      )
    }
    case 'discrete_gaussian': {
      // k = round(t), t ~ N(mean, σ) truncated to t ≥ −½: P(k) is then the interval mass of
      // likelihoods.ts renormalised over k ≥ 0.
      const s = Math.exp(softLimit(b, LOG_SIGMA_LIMIT))
      return Math.max(0, Math.round(a + s * truncatedNormal(rng, (-0.5 - a) / s)))
    }
    case 'bernoulli':
      return rng.uniform() < 1 / (1 + Math.exp(-a)) ? 1 : 0
    case 'poisson':
      return poisson(Math.exp(softLimit(a, LOG_RATE_LIMIT)), rng)
  }
}

/**
 * A standard normal draw conditioned on z ≥ lo, by inversion of the tail: Q(z) = U·Q(lo) with
 * U uniform on (0, 1], solved in log space so that it holds however far lo lies in the tail.
 */
export function truncatedNormal(rng: Random, lo: number): number {
  // 53 random bits, so that the tail is resolved down to 2⁻⁵³, not to uniform()'s 2⁻³².
  const u = (rng.uint32() * 2097152 + (rng.uint32() >>> 11) + 1) / 9007199254740992
  return Math.max(lo, normalSfInverseLog(Math.log(u) + logNormalSf(lo)))
}

/**
 * An exact Poisson draw: Knuth's product of uniforms below λ = 10, Hörmann's transformed
 * rejection with squeeze (PTRS; W. Hörmann, Insurance: Mathematics and Economics 12 (1993) 39)
 * from λ = 10 on, as numpy's generator does.
 */
export function poisson(lambda: number, rng: Random): number {
  if (lambda >= 10) return poissonPtrs(lambda, rng)
  const limit = Math.exp(-lambda)
  let k = 0
  let p = rng.uniform()
  while (p > limit) {
    k++
    p *= rng.uniform()
  }
  return k
}

function poissonPtrs(lambda: number, rng: Random): number {
  const slam = Math.sqrt(lambda)
  const loglam = Math.log(lambda)
  const b = 0.931 + 2.53 * slam
  const a = -0.059 + 0.02483 * b
  const invalpha = 1.1239 + 1.1328 / (b - 3.4)
  const vr = 0.9277 - 3.6224 / (b - 2)
  for (;;) {
    const u = rng.uniform() - 0.5
    const v = rng.uniform()
    const us = 0.5 - Math.abs(u)
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43)
    if (us >= 0.07 && v <= vr) return k
    if (k < 0 || (us < 0.013 && v > us)) continue
    if (
      Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * loglam - lgamma(k + 1)
    )
      return k
  }
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
 * as a fraction of all its events, so NaN values — counted in `nan` and shown — leave the
 * histogram short of 1 by their fraction; KL(real ‖ generated) over the bins and the NaN
 * category, empty generated categories given 10⁻⁶.
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
    const col = Float64Array.from({ length: nr }, (_, i) => real[i * d + j]).filter((v) => v === v)
    col.sort()
    const m = col.length
    let lo = m ? col[Math.floor(0.005 * (m - 1))] : 0
    let hi = m ? col[Math.ceil(0.995 * (m - 1))] : 1
    if (!(hi > lo)) {
      lo -= 0.5
      hi += 0.5
    }
    const histogram = (x: Float64Array, n: number) => {
      const h = new Array<number>(bins).fill(0)
      let nan = 0
      for (let i = 0; i < n; i++) {
        const v = x[i * d + j]
        if (v !== v) {
          nan++
          continue
        }
        const k = Math.floor(((v - lo) / (hi - lo)) * bins)
        h[Math.min(bins - 1, Math.max(0, k))] += 1 / n
      }
      return { h, nan }
    }
    const r = histogram(real, nr)
    const g = histogram(generated, ng)
    const rs = [...r.h, nr ? r.nan / nr : 0]
    const gs = [...g.h, ng ? g.nan / ng : 0]
    let kl = 0
    for (let k = 0; k <= bins; k++)
      if (rs[k] > 0) kl += rs[k] * Math.log(rs[k] / Math.max(gs[k], 1e-6))
    return {
      input,
      lo,
      hi,
      real: r.h,
      generated: g.h,
      nan: { real: r.nan, generated: g.nan },
      kl,
    }
  })
  const cr = pearson(real, d)
  const cg = pearson(generated, d)
  return {
    events: { real: nr, generated: ng },
    features,
    correlation: { real: cr, generated: cg, difference: cg.map((v, k) => v - cr[k]) },
  }
}

/**
 * Pearson correlation matrix (row-major d × d) of the columns of x (row-major, d columns),
 * over the rows where every value is finite (complete cases). A column constant over those
 * rows (or with fewer than two rows) has no correlation: its row and column are 0, the
 * diagonal included; every other diagonal element is 1.
 */
export function pearson(x: Float64Array, d: number): number[] {
  const n = x.length / d
  const rows: number[] = []
  for (let i = 0; i < n; i++) {
    let ok = true
    for (let j = 0; j < d && ok; j++) ok = Number.isFinite(x[i * d + j])
    if (ok) rows.push(i)
  }
  const m = rows.length
  const mean = new Float64Array(d)
  // Constancy is decided on the values themselves: a mean formed by summation can differ from
  // a constant by rounding, which would make its variance tiny but positive.
  const varies = new Array<boolean>(d).fill(false)
  for (const i of rows)
    for (let j = 0; j < d; j++) {
      mean[j] += x[i * d + j] / m
      if (x[i * d + j] !== x[rows[0] * d + j]) varies[j] = true
    }
  const cov = new Float64Array(d * d)
  for (const i of rows)
    for (let j = 0; j < d; j++) {
      const a = x[i * d + j] - mean[j]
      for (let k = 0; k <= j; k++) cov[j * d + k] += a * (x[i * d + k] - mean[k])
    }
  const out = new Array<number>(d * d).fill(0)
  for (let j = 0; j < d; j++) {
    if (!varies[j] || m < 2) continue
    out[j * d + j] = 1
    for (let k = 0; k < j; k++) {
      if (!varies[k]) continue
      const v = cov[j * d + k] / Math.sqrt(cov[j * d + j] * cov[k * d + k])
      out[j * d + k] = v
      out[k * d + j] = v
    }
  }
  return out
}
