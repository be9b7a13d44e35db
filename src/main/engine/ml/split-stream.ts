/**
 * The train / validation / test split of a training set (assembleTrainingData's rule): one
 * seeded stream of uniform numbers drawn over the rows in order — a row is a test row when its
 * first draw is below the test fraction, else a validation row when a second draw is below the
 * validation fraction. Which part the r-th row gets depends only on the seed and r (not on the
 * data), so a pass that reads the rows partition by partition reproduces the split exactly by
 * starting each partition's stream where the rows before it leave it (`splitStates`).
 */
import type { TrainSetup } from '../../../shared/contract/train'
import { Random } from '../data/random'
import { PART, type Part } from './dataset'

/** The split's fractions. */
export type SplitRule = Pick<TrainSetup['split'], 'test' | 'validation'>

/** The part of the next row of the stream `rng`. */
export function drawPart(rng: Random, split: SplitRule): Part {
  if (rng.uniform() < split.test) return PART.test
  return rng.uniform() < split.validation ? PART.validation : PART.train
}

/** The parts of the next `n` rows of the stream `rng`. */
export function drawParts(rng: Random, n: number, split: SplitRule): Uint8Array {
  const part = new Uint8Array(n)
  for (let i = 0; i < n; i++) part[i] = drawPart(rng, split)
  return part
}

/**
 * The stream's state (Random.state) at the first row of each block of `counts[k]` consecutive
 * rows, blocks in order: what `Random.at` resumes to draw block k's parts. O(Σ counts) draws,
 * nothing held but the states.
 */
export function splitStates(
  split: SplitRule & { seed: number },
  counts: readonly number[],
): number[][] {
  const rng = new Random(split.seed)
  return counts.map((n) => {
    const state = rng.state()
    for (let i = 0; i < n; i++) drawPart(rng, split)
    return state
  })
}
