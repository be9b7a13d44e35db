/**
 * A trial of a study (Optuna's vocabulary): its number, the parameters a sampler suggested,
 * the value reported per step (epoch) and the final value, and how it ended.
 */
import type { Params } from './space'

export type Direction = 'minimize' | 'maximize'

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed'

export interface TrialRecord {
  /** 0-based, in the order the sampler suggested. */
  readonly number: number
  readonly params: Params
  readonly state: TrialState
  /** The objective (null when failed, or pruned before any value). */
  readonly value: number | null
  /** The intermediate value at each step (0-based epoch); null where not finite. */
  readonly intermediate: readonly (number | null)[]
  /** Why a trial failed. */
  readonly reason?: string
}

/** `value` with the sign that makes lower better. */
export function score(value: number, direction: Direction): number {
  return direction === 'maximize' ? -value : value
}

/** The best complete trial (lowest score; the earlier on a tie), or null. */
export function bestTrial<T extends TrialRecord>(
  trials: readonly T[],
  direction: Direction,
): T | null {
  let best: T | null = null
  for (const t of trials) {
    if (t.state !== 'complete' || t.value === null || !Number.isFinite(t.value)) continue
    if (!best || score(t.value, direction) < score(best.value as number, direction)) best = t
  }
  return best
}
