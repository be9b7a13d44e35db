/**
 * The tree-structured Parzen estimator (Bergstra et al. 2011) as Optuna 3's default
 * TPESampler (univariate): the first `startup` trials are random; then the finished trials are
 * split into the best γ(n) = min(⌈0.1 n⌉, 25) ("good") and the rest, each parameter gets a
 * Parzen estimator l(x) over the good and g(x) over the bad values (truncated normals at the
 * observations plus a prior over the whole range, bandwidths from the distances to the
 * neighbours clipped by Optuna's "magic clip", recent trials weighted up once there are 25),
 * 24 candidates are drawn from l and the one with the largest l(x)/g(x) (the expected
 * improvement's monotone proxy) is taken. Log parameters live in log space; integers use the
 * probability mass of their step; choices use smoothed category counts.
 */
import type { Random } from '../data/random'
import { normalCdf, normalQuantile } from '../stats/special'
import { drawUniform, trialRandom, type Sampler } from './sampler'
import {
  type ChoiceParam,
  type Param,
  type ParamValue,
  type SearchSpace,
  isActive,
  roundInt,
  sameValue,
} from './space'
import { type Direction, type TrialRecord, score } from './trial'

export interface TpeOptions {
  readonly seed: number
  readonly direction: Direction
  /** Random trials before the estimators take over (Optuna: 10). */
  readonly startup?: number
  /** Candidates drawn from l(x) per parameter (Optuna: 24). */
  readonly candidates?: number
}

const PRIOR_WEIGHT = 1

/** Optuna's default γ: the number of "good" trials among n. */
export const gamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25)

/** Optuna's default weights of n observations in trial order: a ramp for all but the last 25. */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1)
  const ramp = n - 25
  const w: number[] = []
  for (let i = 0; i < ramp; i++) w.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1))
  for (let i = 0; i < 25; i++) w.push(1)
  return w
}

export function tpeSampler(space: SearchSpace, options: TpeOptions): Sampler {
  const startup = options.startup ?? 10
  const nCandidates = options.candidates ?? 24
  return {
    size: Infinity,
    suggest(number, finished) {
      const rng = trialRandom(options.seed, number)
      const { below, above } = splitTrials(finished, options.direction)
      const out: Record<string, ParamValue> = {}
      const useRandom = below.length + above.length < startup
      for (const p of space) {
        if (!isActive(p, out)) continue
        out[p.name] = useRandom
          ? drawUniform(p, rng)
          : sampleParam(p, observed(below, p), observed(above, p), rng, nCandidates)
      }
      return out
    },
  }
}

/**
 * Good and bad trials, each in trial-number order: complete trials ranked by value, then
 * pruned ones (further step first, then their last value), the first γ(n) good.
 */
export function splitTrials(
  finished: readonly TrialRecord[],
  direction: Direction,
): { below: TrialRecord[]; above: TrialRecord[] } {
  const complete = finished
    .filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value))
    .sort((a, b) => score(a.value!, direction) - score(b.value!, direction) || a.number - b.number)
  const lastStep = (t: TrialRecord) => {
    for (let i = t.intermediate.length - 1; i >= 0; i--)
      if (t.intermediate[i] !== null) return { step: i, value: t.intermediate[i] as number }
    return { step: -1, value: Infinity }
  }
  // Intermediate values are validation losses: lower is better whatever the objective's direction.
  const pruned = finished
    .filter((t) => t.state === 'pruned')
    .map((t) => ({ t, ...lastStep(t) }))
    .sort((a, b) => b.step - a.step || a.value - b.value || a.t.number - b.t.number)
    .map((x) => x.t)
  const ranked = [...complete, ...pruned]
  const n = gamma(ranked.length)
  const byNumber = (a: TrialRecord, b: TrialRecord) => a.number - b.number
  return { below: ranked.slice(0, n).sort(byNumber), above: ranked.slice(n).sort(byNumber) }
}

function observed(trials: readonly TrialRecord[], p: Param): ParamValue[] {
  return trials.filter((t) => p.name in t.params).map((t) => t.params[p.name])
}

function sampleParam(
  p: Param,
  below: ParamValue[],
  above: ParamValue[],
  rng: Random,
  nCandidates: number,
): ParamValue {
  if (p.type === 'choice') return sampleChoice(p, below, above, rng, nCandidates)
  const toInternal = (x: number) => (p.log ? Math.log(x) : x)
  const half = p.type === 'int' && !p.log ? p.step / 2 : 0
  const lo = p.type === 'int' ? (p.log ? Math.log(p.lo - 0.5) : p.lo - half) : toInternal(p.lo)
  const hi = p.type === 'int' ? (p.log ? Math.log(p.hi + 0.5) : p.hi + half) : toInternal(p.hi)
  const l = parzen((below as number[]).map(toInternal), lo, hi)
  const g = parzen((above as number[]).map(toInternal), lo, hi)
  let bestX = NaN
  let bestScore = -Infinity
  for (let i = 0; i < nCandidates; i++) {
    let x = l.sample(rng)
    if (p.type === 'int') x = toInternal(roundInt(p, p.log ? Math.exp(x) : x))
    // Integers on a linear scale: the mass of their step; otherwise the density.
    const s =
      half > 0
        ? l.logMass(x - half, x + half) - g.logMass(x - half, x + half)
        : l.logPdf(x) - g.logPdf(x)
    if (s > bestScore || Number.isNaN(bestX)) {
      bestScore = s
      bestX = x
    }
  }
  const v = p.log ? Math.exp(bestX) : bestX
  if (p.type === 'int') return roundInt(p, v)
  return Math.min(Math.max(v, p.lo), p.hi)
}

function sampleChoice(
  p: ChoiceParam,
  below: ParamValue[],
  above: ParamValue[],
  rng: Random,
  nCandidates: number,
): ParamValue {
  const l = choiceProbabilities(p, below)
  const g = choiceProbabilities(p, above)
  let best = 0
  let bestScore = -Infinity
  for (let i = 0; i < nCandidates; i++) {
    let u = rng.uniform()
    let c = 0
    while (c < l.length - 1 && u >= l[c]) u -= l[c++]
    const s = Math.log(l[c]) - Math.log(g[c])
    if (s > bestScore) {
      bestScore = s
      best = c
    }
  }
  return p.choices[best]
}

/**
 * Optuna's categorical estimator: each observation a row of prior_weight / (n + 1) per choice
 * plus 1 at its own, normalised; the prior a uniform row; rows mixed with the observation
 * weights and the prior weight.
 */
function choiceProbabilities(p: ChoiceParam, obs: ParamValue[]): number[] {
  const k = p.choices.length
  const w = defaultWeights(obs.length)
  const fill = PRIOR_WEIGHT / (obs.length + 1)
  const probs = new Array<number>(k).fill(0)
  let total = 0
  for (const [i, v] of obs.entries()) {
    const c = p.choices.findIndex((x) => sameValue(x, v))
    const row = k * fill + (c >= 0 ? 1 : 0)
    for (let j = 0; j < k; j++) probs[j] += (w[i] * (fill + (j === c ? 1 : 0))) / row
    total += w[i]
  }
  for (let j = 0; j < k; j++) probs[j] += PRIOR_WEIGHT / k
  total += PRIOR_WEIGHT
  return probs.map((x) => x / total)
}

/** A mixture of normals truncated to [lo, hi]. */
interface Parzen {
  sample(rng: Random): number
  logPdf(x: number): number
  /** log of the probability of [a, b]. */
  logMass(a: number, b: number): number
}

/** Optuna 3's univariate Parzen estimator of the observations `mus` (internal scale) on [lo, hi]. */
export function parzen(mus: readonly number[], lo: number, hi: number): Parzen {
  const range = hi - lo
  const prior = 0.5 * (lo + hi)
  // Observations with the prior, sorted; bandwidth = the larger gap to a neighbour.
  const points = [
    ...mus.map((m, i) => ({ m, w: defaultWeights(mus.length)[i], prior: false })),
    { m: prior, w: PRIOR_WEIGHT, prior: true },
  ]
  points.sort((a, b) => a.m - b.m)
  const n = points.length
  const maxSigma = range
  const minSigma = range / Math.min(100, 1 + n)
  const comps = points.map((pt, i) => {
    let sigma: number
    if (pt.prior) sigma = range
    else {
      const left = i > 0 ? pt.m - points[i - 1].m : pt.m - lo
      const right = i < n - 1 ? points[i + 1].m - pt.m : hi - pt.m
      // Not considering the end points (Optuna's default): the outer ones use their inner gap.
      sigma = n >= 2 && i === 0 ? right : n >= 2 && i === n - 1 ? left : Math.max(left, right)
      sigma = Math.min(Math.max(sigma, minSigma), maxSigma)
    }
    const z = normalCdf((hi - pt.m) / sigma) - normalCdf((lo - pt.m) / sigma)
    return { mu: pt.m, sigma, w: pt.w, z: Math.max(z, 1e-300) }
  })
  const wsum = comps.reduce((s, c) => s + c.w, 0)
  for (const c of comps) c.w /= wsum
  return {
    sample(rng) {
      let u = rng.uniform()
      let k = 0
      while (k < comps.length - 1 && u >= comps[k].w) u -= comps[k++].w
      const c = comps[k]
      // Inverse CDF of the truncated normal.
      const a = normalCdf((lo - c.mu) / c.sigma)
      const b = normalCdf((hi - c.mu) / c.sigma)
      const q = a + rng.uniform() * (b - a)
      const x = c.mu + c.sigma * normalQuantile(Math.min(Math.max(q, 1e-12), 1 - 1e-12))
      return Math.min(Math.max(x, lo), hi)
    },
    logPdf(x) {
      let s = 0
      for (const c of comps) {
        const t = (x - c.mu) / c.sigma
        s += (c.w * Math.exp(-0.5 * t * t)) / (c.sigma * Math.sqrt(2 * Math.PI) * c.z)
      }
      return Math.log(Math.max(s, 1e-300))
    },
    logMass(a, b) {
      let s = 0
      for (const c of comps)
        s +=
          (c.w *
            (normalCdf((Math.min(b, hi) - c.mu) / c.sigma) -
              normalCdf((Math.max(a, lo) - c.mu) / c.sigma))) /
          c.z
      return Math.log(Math.max(s, 1e-300))
    },
  }
}
