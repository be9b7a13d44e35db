/**
 * Pruners stop unpromising trials from their intermediate values (Optuna's pruner half of the
 * sampler/pruner split): the median rule, and Hyperband — brackets of asynchronous successive
 * halving (ASHA) — with epochs (or any step count) as the resource. A pruner is asked after
 * each step of a trial; it sees the other trials' intermediate values, so it can run beside the
 * training (in a worker or on a cluster node) from a snapshot of the study.
 *
 * Intermediate values are losses here: lower is better.
 */
import type { TrialRecord } from './trial'

/** A trial as far as it has got: its number and its intermediate value per step. */
export interface RunningTrial {
  readonly number: number
  readonly intermediate: readonly (number | null)[]
}

export interface Pruner {
  /** Whether the trial should stop after `step` (0-based), given the other trials. */
  shouldPrune(trial: RunningTrial, step: number, others: readonly TrialRecord[]): boolean
}

export const noPruner: Pruner = { shouldPrune: () => false }

export interface MedianOptions {
  /** Complete trials needed before anything is pruned (Optuna: 5). */
  readonly startup?: number
  /** Steps of a trial never pruned (Optuna: 0). */
  readonly warmup?: number
}

/**
 * Optuna's MedianPruner: prune when the trial's best value so far is worse than the median of
 * the complete trials' values at the same step.
 */
export function medianPruner(options: MedianOptions = {}): Pruner {
  const startup = options.startup ?? 5
  const warmup = options.warmup ?? 0
  return {
    shouldPrune(trial, step, others) {
      if (step < warmup) return false
      const complete = others.filter((t) => t.state === 'complete' && t.number !== trial.number)
      if (complete.length < startup) return false
      const atStep = complete
        .map((t) => t.intermediate[step])
        .filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v))
      if (atStep.length === 0) return false
      let best = Infinity
      for (let i = 0; i <= step; i++) {
        const v = trial.intermediate[i]
        if (v !== null && v !== undefined && Number.isFinite(v)) best = Math.min(best, v)
      }
      // A trial with no finite value yet (NaN) is worse than any median.
      return best > median(atStep)
    },
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m])
}

export interface HyperbandOptions {
  /** Steps (epochs) of the smallest rung (Optuna: 1). */
  readonly minResource?: number
  /** Steps of a full trial: the training config's epochs. */
  readonly maxResource: number
  /** Reduction factor η (Optuna: 3): the best 1/η of a rung goes on. */
  readonly eta?: number
  /** Seeds the assignment of trials to brackets. */
  readonly seed?: number
}

/** The brackets of Hyperband: rungs at minResource·η^(s + k) steps for bracket s, k = 0, 1, …. */
export function hyperbandBrackets(o: HyperbandOptions): number {
  const eta = o.eta ?? 3
  const min = o.minResource ?? 1
  return Math.floor(Math.log(o.maxResource / min) / Math.log(eta) + 1e-9) + 1
}

/**
 * The bracket of trial `number`: drawn with Optuna's budget weights ⌈B·η^(B−1−s)/(B−s)⌉ (more
 * trials go to the aggressive brackets), from a hash of the seed and number so any node that
 * runs the trial finds the same bracket.
 */
export function bracketOf(number: number, o: HyperbandOptions): number {
  const eta = o.eta ?? 3
  const n = hyperbandBrackets(o)
  const budgets: number[] = []
  for (let s = 0; s < n; s++) {
    const r = n - 1 - s
    budgets.push(Math.ceil((n * eta ** r) / (r + 1)))
  }
  const total = budgets.reduce((a, b) => a + b, 0)
  let h =
    (Math.imul((o.seed ?? 0) ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(number + 1, 0x85ebca6b)) >>> 0
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0
  h = (h ^ (h >>> 12)) >>> 0
  let k = h % total
  for (let s = 0; s < n; s++) {
    if (k < budgets[s]) return s
    k -= budgets[s]
  }
  return n - 1
}

/**
 * Hyperband (Li et al. 2018) as Optuna's HyperbandPruner: each trial belongs to a bracket s,
 * an ASHA with rungs after minResource·η^(s+k) steps; at a rung the trial goes on only if its
 * value there is among the best ⌊n/η⌋ of the n trials of its bracket that reached the rung
 * (itself included; the best one while n < η, as Optuna, which cannot pause trials).
 */
export function hyperbandPruner(o: HyperbandOptions): Pruner {
  const eta = o.eta ?? 3
  const min = o.minResource ?? 1
  return {
    shouldPrune(trial, step, others) {
      const s = bracketOf(trial.number, o)
      const resource = step + 1
      // Is `resource` a rung of bracket s below the full resource?
      const k = Math.log(resource / min) / Math.log(eta) - s
      const rk = Math.round(k)
      if (rk < 0 || Math.abs(k - rk) > 1e-9) return false
      if (resource >= o.maxResource) return false
      const value = trial.intermediate[step]
      if (value === null || value === undefined || !Number.isFinite(value)) return true
      const competing = [value]
      for (const t of others) {
        if (t.number === trial.number || bracketOf(t.number, o) !== s) continue
        const v = t.intermediate[step]
        if (v !== null && v !== undefined && Number.isFinite(v)) competing.push(v)
      }
      competing.sort((a, b) => a - b)
      const promotable = Math.max(Math.floor(competing.length / eta) - 1, 0)
      return value > competing[promotable]
    },
  }
}

/**
 * The resources at which a trial of Hyperband's bracket for `number` is judged, ascending and
 * ending with the full resource: minResource·η^(s+k) below maxResource, then maxResource. With
 * the training-data fraction as the resource, a trial trains once per entry (on entry /
 * maxResource of the training data) and goes on only while the pruner promotes it.
 */
export function hyperbandRungs(number: number, o: HyperbandOptions): number[] {
  const eta = o.eta ?? 3
  const min = o.minResource ?? 1
  const out: number[] = []
  for (let r = min * eta ** bracketOf(number, o); r < o.maxResource - 1e-9; r *= eta) out.push(r)
  out.push(o.maxResource)
  return out
}

export type PrunerName = 'none' | 'median' | 'hyperband'

/**
 * What Hyperband's resource is: `epochs` (a trial's intermediate value per epoch) or
 * `fraction` (the training-data fraction: a trial trains its full epochs on a growing share of
 * the training events, one rung after the other).
 */
export type PrunerResource = 'epochs' | 'fraction'

export interface PrunerConfig {
  readonly name: PrunerName
  /**
   * Hyperband's full resource: the training's epochs, or with `resource: "fraction"` the
   * number of smallest-fraction units in the whole training set (η^k: 9 for 1/9, 1/3, 1).
   */
  readonly maxResource: number
  readonly minResource?: number
  readonly eta?: number
  readonly seed?: number
  /** Default `epochs`. */
  readonly resource?: PrunerResource
}

/** Hyperband's full resource for the smallest training-data fraction `minFraction` (η^k ≥ 1/min). */
export function fractionUnits(minFraction: number, eta = 3): number {
  if (!(minFraction > 0 && minFraction < 1))
    throw new RangeError(`the smallest training-data fraction is in (0, 1), got ${minFraction}`)
  return eta ** Math.max(1, Math.round(Math.log(1 / minFraction) / Math.log(eta)))
}

export function makePruner(c: PrunerConfig): Pruner {
  switch (c.name) {
    case 'none':
      return noPruner
    case 'median':
      return medianPruner()
    case 'hyperband':
      return hyperbandPruner(c)
  }
}
