/**
 * Test helpers for the classical classifiers: a TrainingData from plain arrays, and correlated
 * Gaussian classes drawn with a seed.
 */
import { Random } from '../../../src/main/engine/data/random'
import type { TrainingData } from '../../../src/main/engine/ml/dataset'

export interface Event {
  x: number[]
  y: 0 | 1
  /** Training weight (default 1). */
  w?: number
  /** Physical weight (default: w). */
  weight?: number
  /** 0 train, 1 validation, 2 test (default 0). */
  part?: number
}

export function trainingData(inputs: string[], events: Event[]): TrainingData {
  const d = inputs.length
  const n = events.length
  const x = new Float64Array(n * d)
  events.forEach((e, i) => {
    if (e.x.length !== d) throw new Error(`event ${i} has ${e.x.length} values`)
    x.set(e.x, i * d)
  })
  return {
    inputs,
    n,
    d,
    x,
    y: Uint8Array.from(events, (e) => e.y),
    w: Float64Array.from(events, (e) => e.w ?? 1),
    weight: Float64Array.from(events, (e) => e.weight ?? e.w ?? 1),
    part: Uint8Array.from(events, (e) => e.part ?? 0),
    sample: Uint16Array.from(events, (e) => e.y),
    samples: [
      { name: 'bkg', role: 'background' },
      { name: 'sig', role: 'signal' },
    ],
  }
}

/**
 * n events of a Gaussian with mean `mean` and covariance L Lᵀ (`chol` lower-triangular rows),
 * labelled y, with random weights in [0.5, 1.5) when `weighted`, test part with probability
 * `testFraction`.
 */
export function gaussianEvents(
  random: Random,
  n: number,
  y: 0 | 1,
  mean: number[],
  chol: number[][],
  options: { weighted?: boolean; testFraction?: number } = {},
): Event[] {
  const d = mean.length
  const out: Event[] = []
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: d }, () => random.normal())
    const x = mean.map((m, a) => m + chol[a].reduce((s, l, b) => s + l * z[b], 0))
    const w = options.weighted ? 0.5 + random.uniform() : 1
    const part = random.uniform() < (options.testFraction ?? 0) ? 2 : 0
    out.push({ x, y, w, weight: w, part })
  }
  return out
}
