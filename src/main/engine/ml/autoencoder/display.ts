/**
 * What the Anomaly view draws of a trained model, computed once from the scored events so the
 * view can move a threshold, split a variable and show the latent space without the engine:
 * score histograms per sample, per-input reconstruction, a latent PCA subsample and, per
 * input, input × score histograms for the bump search.
 */
import type { AnomalyDisplay, ScoreHistograms } from '../../../../shared/contract/anomaly'
import { own } from '../../../../shared/name-record'
import { PART, type TrainingData } from '../dataset'
import { fitLatentPca, projectLatent } from './latent'
import { tsne } from './tsne'
import { logNormalSf } from '../../stats/special'
import { LOG_RATE_LIMIT, LOG_SIGMA_LIMIT, ZERO_CUT } from './likelihoods'
import { type EventLosses, familyGroups, type StackRunner, type AnomalyModel } from './model'
import { outputsOf } from './network'
import { applyInputTransform } from './input-transform'
import { targets } from './model'

const SCORE_BINS = 50
const FEATURE_BINS = 40
const BUMP_BINS = 30
const LATENT_POINTS = 300
/** Points of the t-SNE map (O(n²): about 2 s for 600 points and 500 iterations). */
const TSNE_POINTS = 600
const TSNE_ITERATIONS = 500
const TSNE_PERPLEXITY = 30

/** The q-quantile (0…1) of `values` (unweighted, sorted copy); NaN when empty. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort()
  if (!s.length) return NaN
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]
}

/** A display range: [q, 1 − q] quantiles, widened when degenerate. */
export function displayRange(values: ArrayLike<number>, q = 0.005): [number, number] {
  let lo = quantile(values, q)
  let hi = quantile(values, 1 - q)
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1]
  if (!(hi > lo)) {
    lo -= 0.5
    hi += 0.5
  }
  return [lo, hi]
}

/** The smallest of `values` and `start` (NaN skipped); a loop, as spreading can overflow the stack. */
export function minimum(values: ArrayLike<number>, start: number): number {
  let m = start
  for (let i = 0; i < values.length; i++) if (values[i] < m) m = values[i]
  return m
}

/** Bin of v among `bins` uniform bins on [lo, hi]; outside values go to the edge bins. */
export function binOf(v: number, lo: number, hi: number, bins: number): number {
  const k = Math.floor(((v - lo) / (hi - lo)) * bins)
  return Math.min(bins - 1, Math.max(0, k))
}

/** Unit-area histogram of `values` (weights |w| or 1). */
export function unitHistogram(
  values: ArrayLike<number>,
  lo: number,
  hi: number,
  bins: number,
  weights?: ArrayLike<number>,
): number[] {
  const h = new Array<number>(bins).fill(0)
  let total = 0
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) continue
    const w = weights ? Math.abs(weights[i]) : 1
    h[binOf(values[i], lo, hi, bins)] += w
    total += w
  }
  return total > 0 ? h.map((v) => v / total) : h
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v))
const soft = (v: number, limit: number) => limit * Math.tanh(v / limit)

/**
 * Per background sample, the factor from its validation weight to its total weight (each
 * validation event then stands for 1/f_val of the sample). 1 for signal samples.
 */
function yieldScale(data: TrainingData): number[] {
  const all = new Float64Array(data.samples.length)
  const shown = new Float64Array(data.samples.length)
  for (let i = 0; i < data.n; i++) {
    all[data.sample[i]] += data.weight[i]
    if (data.y[i] || data.part[i] === PART.validation) shown[data.sample[i]] += data.weight[i]
  }
  return data.samples.map((_, s) => (shown[s] !== 0 ? all[s] / shown[s] : 0))
}

/** The events drawn: validation background and every signal event. */
function shownRows(data: TrainingData): number[] {
  const rows: number[] = []
  for (let i = 0; i < data.n; i++) if (data.y[i] || data.part[i] === PART.validation) rows.push(i)
  return rows
}

/**
 * Histograms per sample of `score` (one value per event of data, or, with `stride` d and
 * `offset` j, the j-th of d per event) on the events shown; `scales`: per sample, the factor
 * to its yield (default yieldScale(data)).
 */
export function scoreHistograms(
  data: TrainingData,
  score: Float64Array,
  colours: Record<string, string | null>,
  scales?: readonly number[],
  stride = 1,
  offset = 0,
): ScoreHistograms {
  if (stride !== 1)
    score = Float64Array.from({ length: data.n }, (_, i) => score[i * stride + offset])
  const rows = shownRows(data)
  const [lo, hi] = displayRange(
    rows.map((i) => score[i]),
    0.001,
  )
  const min = minimum(
    rows.map((i) => score[i]),
    lo,
  )
  const edges = Array.from(
    { length: SCORE_BINS + 1 },
    (_, k) => min + ((hi - min) * k) / SCORE_BINS,
  )
  const scale = scales ?? yieldScale(data)
  const samples = data.samples.map((s) => ({
    name: s.name,
    role: s.role,
    colour: own(colours, s.name) ?? null,
    sumw: new Array<number>(SCORE_BINS).fill(0),
    sumw2: new Array<number>(SCORE_BINS).fill(0),
  }))
  for (const i of rows) {
    if (score[i] !== score[i]) continue
    const w = data.weight[i] * scale[data.sample[i]]
    const k = binOf(score[i], min, hi, SCORE_BINS)
    samples[data.sample[i]].sumw[k] += w
    samples[data.sample[i]].sumw2[k] += w * w
  }
  return { edges, samples }
}

/**
 * The decoder's mean of each input at the latent mean (row-major n × d, the loss's target
 * space: preprocessed for an autoencoder and Gaussian inputs, raw otherwise).
 */
export function reconstructed(
  model: AnomalyModel,
  run: StackRunner,
  latent: Float64Array,
  n: number,
): Float64Array {
  const { arch } = model
  const d = arch.inputs.length
  const out = run('decoder', latent, n)
  if (arch.kind === 'ae') return out
  const P = outputsOf(arch.decoder)
  const x = new Float64Array(n * d)
  for (const g of familyGroups(arch.families)) {
    const m = g.features.length
    g.features.forEach((j, t) => {
      for (let i = 0; i < n; i++) {
        const o = i * P + g.offset + t
        const a = out[o]
        let v = a
        if (g.family === 'lognormal') {
          // (1 − p₀) E[x | x ≥ ZERO_CUT] of the log-normal truncated there:
          // e^{μ + σ²/2} Q(z_cut − σ) / Q(z_cut), z_cut = (log ZERO_CUT − μ) / σ.
          const s = Math.exp(soft(out[o + m], LOG_SIGMA_LIMIT))
          const zc = (Math.log(ZERO_CUT) - a) / s
          const tail = logNormalSf(zc - s) - logNormalSf(zc)
          v = (1 - sigmoid(out[o + 2 * m])) * Math.exp(a + (s * s) / 2 + tail)
        } else if (g.family === 'bernoulli') v = sigmoid(a)
        else if (g.family === 'poisson') v = Math.exp(soft(a, LOG_RATE_LIMIT))
        x[i * d + j] = v
      }
    })
  }
  return x
}

/** Every display of `model` on `data`, `losses` being scoreData's. */
export function anomalyDisplay(
  model: AnomalyModel,
  run: StackRunner,
  data: TrainingData,
  losses: EventLosses,
  colours: Record<string, string | null>,
  /** Per sample, the factor from the shown events' weight to its yield (default: from data). */
  scales: readonly number[] = yieldScale(data),
): AnomalyDisplay {
  const { arch } = model
  const d = data.d
  const L = arch.latent
  const score = scoreHistograms(data, losses.score, colours, scales)
  // Each input's term of the score, per process like the total.
  const features = data.inputs.map((input, j) => ({
    input,
    ...scoreHistograms(data, losses.perFeature, colours, scales, d, j),
  }))
  const valBg: number[] = []
  for (let i = 0; i < data.n; i++) if (!data.y[i] && data.part[i] === PART.validation) valBg.push(i)

  // Reconstruction on the validation background.
  const m = valBg.length
  const raw = new Float64Array(m * d)
  const lat = new Float64Array(m * L)
  valBg.forEach((i, r) => {
    raw.set(data.x.subarray(i * d, (i + 1) * d), r * d)
    lat.set(losses.latent.subarray(i * L, (i + 1) * L), r * L)
  })
  const target = targets(arch, raw, applyInputTransform(model.transform, raw, m), m)
  const rec = reconstructed(model, run, lat, m)
  const reconstruction = data.inputs.map((input, j) => {
    const t = Float64Array.from({ length: m }, (_, r) => target[r * d + j])
    const x = Float64Array.from({ length: m }, (_, r) => rec[r * d + j])
    const [lo, hi] = displayRange(t)
    const w = Float64Array.from(valBg, (i) => data.weight[i])
    return {
      input,
      space: (arch.kind === 'ae' || arch.families[j] === 'gaussian' ? 'preprocessed' : 'raw') as
        'preprocessed' | 'raw',
      lo,
      hi,
      input_hist: unitHistogram(t, lo, hi, FEATURE_BINS, w),
      reconstructed: unitHistogram(x, lo, hi, FEATURE_BINS, w),
    }
  })

  // Latent PCA fitted on the validation background, a strided subsample of each sample drawn.
  let latent: AnomalyDisplay['latent'] = { explained: [], samples: [], tsne: null }
  if (valBg.length >= 2) {
    const pca = fitLatentPca(losses.latent, L, valBg, 2)
    const rows = shownRows(data)
    const picks = data.samples.map((_, si) => {
      const mine = rows.filter((i) => data.sample[i] === si)
      const step = Math.max(1, mine.length / LATENT_POINTS)
      const pick: number[] = []
      for (let k = 0; k < mine.length && pick.length < LATENT_POINTS; k += step)
        pick.push(mine[Math.floor(k)])
      return pick
    })
    latent = {
      explained: pca.explained,
      tsne: latentTsne(losses.latent, L, data, picks),
      samples: data.samples.map((s, si) => {
        const pick = picks[si]
        const sub = new Float64Array(pick.length * L)
        pick.forEach((i, r) => sub.set(losses.latent.subarray(i * L, (i + 1) * L), r * L))
        const p = projectLatent(pca, sub, pick.length)
        const k = pca.components.length
        const points: number[] = []
        for (let r = 0; r < pick.length; r++) points.push(p[r * k], k > 1 ? p[r * k + 1] : 0)
        return { name: s.name, role: s.role, points }
      }),
    }
  }

  // Bump search: input × score-bin histograms.
  const rows = shownRows(data)
  const scale = scales
  const edges = score.edges
  const sLo = edges[0]
  const sHi = edges[edges.length - 1]
  const S = edges.length - 1
  const bump = data.inputs.map((input, j) => {
    const [lo, hi] = displayRange(rows.map((i) => data.x[i * d + j]))
    const background = new Array<number>(BUMP_BINS * S).fill(0)
    const signal = new Array<number>(BUMP_BINS * S).fill(0)
    for (const i of rows) {
      const s = losses.score[i]
      if (s !== s) continue
      const cell = binOf(data.x[i * d + j], lo, hi, BUMP_BINS) * S + binOf(s, sLo, sHi, S)
      if (data.y[i]) signal[cell] += data.weight[i]
      else background[cell] += data.weight[i] * scale[data.sample[i]]
    }
    return { input, lo, hi, bins: BUMP_BINS, background, signal }
  })
  return { score, features, reconstruction, latent, bump }
}

/**
 * The t-SNE map of the latent means of every sample's `picks`, thinned evenly to TSNE_POINTS
 * in all; null with fewer than 10 points.
 */
function latentTsne(
  latent: Float64Array,
  L: number,
  data: TrainingData,
  picks: readonly number[][],
): NonNullable<AnomalyDisplay['latent']['tsne']> | null {
  const total = picks.reduce((a, p) => a + p.length, 0)
  if (total < 10) return null
  const keep = Math.min(1, TSNE_POINTS / total)
  // Every point where the running count k·keep passes an integer: an even fraction `keep`.
  const thinned = picks.map((p) =>
    p.filter((_, k) => Math.floor((k + 1) * keep) > Math.floor(k * keep)),
  )
  const rows = thinned.flat()
  const x = new Float64Array(rows.length * L)
  rows.forEach((i, r) => x.set(latent.subarray(i * L, (i + 1) * L), r * L))
  const y = tsne(x, rows.length, L, {
    perplexity: TSNE_PERPLEXITY,
    iterations: TSNE_ITERATIONS,
    seed: 1,
  })
  let r = 0
  return {
    perplexity: Math.min(TSNE_PERPLEXITY, Math.max(1, (rows.length - 1) / 3)),
    samples: data.samples.map((s, si) => {
      const points: number[] = []
      for (let k = 0; k < thinned[si].length; k++, r++) points.push(y[2 * r], y[2 * r + 1])
      return { name: s.name, role: s.role, points }
    }),
  }
}
