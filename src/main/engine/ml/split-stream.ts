/**
 * The train / validation / test split of a training set (assembleTrainingData's rule): one
 * seeded stream of uniform numbers drawn over the rows in order — a row is a test row when its
 * first draw is below the test fraction, else a validation row when a second draw is below the
 * validation fraction. Which part the r-th row gets depends only on the seed and r (not on the
 * data), so a pass that reads the rows partition by partition reproduces the split exactly by
 * starting each partition's stream where the rows before it leave it (`splitStates`).
 */
import { Random } from '../data/random'
import { PART, type Part } from './dataset'

/** The part of the next row of the stream `rng`. */
export function drawPart(rng: Random, test: number, validation: number): Part {
  if (rng.uniform() < test) return PART.test
  return rng.uniform() < validation ? PART.validation : PART.train
}

/** The parts of the next `n` rows of the stream `rng`. */
export function drawParts(rng: Random, n: number, test: number, validation: number): Uint8Array {
  const part = new Uint8Array(n)
  for (let i = 0; i < n; i++) part[i] = drawPart(rng, test, validation)
  return part
}

/**
 * The stream's state (Random.state) at the first row of each block of `counts[k]` consecutive
 * rows, blocks in order: what `Random.at` resumes to draw block k's parts. O(Σ counts) draws,
 * nothing held but the states.
 */
export function splitStates(
  seed: number,
  test: number,
  validation: number,
  counts: readonly number[],
): number[][] {
  const rng = new Random(seed)
  return counts.map((n) => {
    const state = rng.state()
    for (let i = 0; i < n; i++) drawPart(rng, test, validation)
    return state
  })
}
