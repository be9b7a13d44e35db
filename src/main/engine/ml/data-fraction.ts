/**
 * A fraction of a training set's training events (Hyperband with the training-data fraction as
 * its resource, issue 15): the left-out events get a part that no training, validation or test
 * step reads, so the validation and test events — what trials are compared on — stay the same.
 * Each training event draws one uniform number in order from the seed and is kept when it is
 * below the fraction, so the subsets are nested (the events of 1/9 are among those of 1/3) and
 * signal and background keep their proportions up to sampling.
 */
import { Random } from '../data/random'
import { PART, type TrainingData } from './dataset'

/** The part of a training event left out of a fraction (read by no step). */
export const LEFT_OUT = 255

export interface FractionOf {
  readonly data: TrainingData
  /** Training events kept / training events in all (the fraction really trained on). */
  readonly fraction: number
  /** Training events kept. */
  readonly events: number
}

/** `data` with about `fraction` (0, 1] of its training events; 1 returns `data` itself. */
export function trainingFraction(data: TrainingData, fraction: number, seed: number): FractionOf {
  if (!(fraction > 0 && fraction <= 1))
    throw new RangeError(`a training-data fraction is in (0, 1], got ${fraction}`)
  let all = 0
  for (let i = 0; i < data.n; i++) if (data.part[i] === PART.train) all++
  if (fraction === 1) return { data, fraction: 1, events: all }
  const rng = new Random(seed)
  const part = data.part.slice()
  let kept = 0
  for (let i = 0; i < data.n; i++) {
    if (part[i] !== PART.train) continue
    if (rng.uniform() < fraction) kept++
    else part[i] = LEFT_OUT
  }
  return { data: { ...data, part }, fraction: all ? kept / all : 0, events: kept }
}
