/**
 * The trunk both INFERNO and its cross-entropy baseline use (paper §5: two hidden layers of 100
 * ReLU units, He-normal initialisation), seeded, with the input standardisation fitted on the
 * nominal training events, and prediction on raw events.
 */
import type * as TF from '@tensorflow/tfjs'
import { Random } from '../../data/random'
import { type DenseLayer, heNormalWeights } from '../dense-layers'
import { TrainableDense } from '../trainable-dense'
import { DIM } from './simulator'

/** Per-input mean and standard deviation subtracted / divided before the network. */
export interface Standardiser {
  readonly mean: number[]
  readonly sd: number[]
}

/** Mean and sd of each of the 3 inputs over the given row-major n × 3 arrays. */
export function fitStandardiser(parts: readonly Float32Array[]): Standardiser {
  const sum = [0, 0, 0]
  const sum2 = [0, 0, 0]
  let n = 0
  for (const x of parts) {
    for (let i = 0; i < x.length; i += DIM) {
      for (let j = 0; j < DIM; j++) {
        sum[j] += x[i + j]
        sum2[j] += x[i + j] * x[i + j]
      }
      n++
    }
  }
  const mean = sum.map((s) => s / Math.max(n, 1))
  const sd = sum2.map((s, j) => Math.sqrt(Math.max(s / Math.max(n, 1) - mean[j] * mean[j], 0)) || 1)
  return { mean, sd }
}

/** Standardises row-major n × 3 `x` in place and returns it. */
export function standardiseInPlace(x: Float32Array, st: Standardiser): Float32Array {
  for (let i = 0; i < x.length; i += DIM)
    for (let j = 0; j < DIM; j++) x[i + j] = (x[i + j] - st.mean[j]) / st.sd[j]
  return x
}

/** Optimiser of a trunk: Adam (tf.train.adam's defaults) or SGD with momentum (0: plain). */
export interface TrunkOptimizer {
  readonly optimizer: 'adam' | 'sgd'
  readonly learningRate: number
  readonly momentum?: number
}

/**
 * Dense ReLU layers of `hidden` units (He-normal) and a linear output layer of `outputs` units
 * (Glorot-uniform), `inputs` wide, seeded; trained with the hand-written pass (trainable-dense.ts).
 */
export function buildTrunk(
  tf: typeof TF,
  hidden: readonly number[],
  outputs: number,
  seed: number,
  opt: TrunkOptimizer,
  inputs: number = DIM,
): TrainableDense {
  const layers: DenseLayer[] = [
    ...hidden.map((units) => ({ units, activation: 'relu' as const, alpha: 0 })),
    { units: outputs, activation: 'linear', alpha: 0 },
  ]
  const init = heNormalWeights(inputs, layers, new Random(seed * 31 + 17))
  return new TrainableDense(tf, inputs, layers, init, {
    kind: opt.optimizer,
    learningRate: opt.learningRate,
    momentum: opt.momentum ?? 0,
  })
}

/** Network outputs (n × outputs, row-major) for raw events (standardised on a copy). */
export function predictRaw(net: TrainableDense, st: Standardiser, x: Float32Array): Float32Array {
  return net.predict(standardiseInPlace(Float32Array.from(x), st), x.length / DIM)
}
