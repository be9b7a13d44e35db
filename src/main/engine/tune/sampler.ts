/**
 * Samplers suggest a trial's parameters (Optuna's sampler half of the sampler/pruner split):
 * random (seeded), grid and TPE (tpe.ts). A sampler sees the finished trials and the trial
 * number; random and grid depend on the number and seed only, so a study run serially or with
 * N trials in parallel gets the same suggestions.
 */
import { Random } from '../data/random'
import {
  type Param,
  type ParamValue,
  type Params,
  type SearchSpace,
  gridValues,
  isActive,
  roundInt,
} from './space'
import type { Direction, TrialRecord } from './trial'

export interface Sampler {
  /** The parameters of trial `number`, given the trials finished so far (any order). */
  suggest(number: number, finished: readonly TrialRecord[]): Params
  /** How many trials the sampler can give (grid: the grid's size), else Infinity. */
  readonly size: number
}

/** A generator for trial `number` of a study seeded `seed`, independent of other trials. */
export function trialRandom(seed: number, number: number): Random {
  // Mix so neighbouring numbers and seeds give unrelated streams (splitmix inside Random).
  return new Random((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(number + 1, 0x85ebca77)) >>> 0)
}

/** A uniform draw of one parameter (log-uniform where it is log). */
export function drawUniform(p: Param, rng: Random): ParamValue {
  if (p.type === 'choice') return p.choices[rng.int(p.choices.length)]
  if (p.type === 'int') {
    const lo = p.log ? Math.log(p.lo - 0.5) : p.lo - 0.5 * p.step
    const hi = p.log ? Math.log(p.hi + 0.5) : p.hi + 0.5 * p.step
    const x = lo + rng.uniform() * (hi - lo)
    return roundInt(p, p.log ? Math.exp(x) : x)
  }
  if (p.log) return Math.exp(Math.log(p.lo) + rng.uniform() * (Math.log(p.hi) - Math.log(p.lo)))
  return p.lo + rng.uniform() * (p.hi - p.lo)
}

export function randomSampler(space: SearchSpace, seed: number): Sampler {
  return {
    size: Infinity,
    suggest(number) {
      const rng = trialRandom(seed, number)
      const out: Record<string, ParamValue> = {}
      for (const p of space) if (isActive(p, out)) out[p.name] = drawUniform(p, rng)
      return out
    },
  }
}

/**
 * Every combination of the parameters' grid values, inactive parameters left out (so a
 * conditional parameter multiplies only the branch it belongs to), in a fixed order: the
 * first parameter varies slowest. Duplicates (the same active values) appear once.
 */
export function gridPoints(space: SearchSpace): Params[] {
  let points: Record<string, ParamValue>[] = [{}]
  for (const p of space) {
    const next: Record<string, ParamValue>[] = []
    for (const point of points) {
      if (!isActive(p, point)) next.push(point)
      else for (const v of gridValues(p)) next.push({ ...point, [p.name]: v })
    }
    points = next
  }
  return points
}

/**
 * The grid in a seeded shuffled order (Optuna's GridSampler visits its grid in random order,
 * so a study stopped early has spread its trials); trial n gets point n, and trials past the
 * grid's size are not run.
 */
export function gridSampler(space: SearchSpace, seed: number): Sampler {
  const points = gridPoints(space)
  const order = new Random(seed).permutation(points.length)
  return {
    size: points.length,
    suggest(number) {
      if (number >= points.length) throw new Error(`the grid has ${points.length} points`)
      return points[order[number]]
    },
  }
}

export type Algorithm = 'grid' | 'random' | 'tpe'

export interface SamplerOptions {
  readonly seed: number
  readonly direction: Direction
}
