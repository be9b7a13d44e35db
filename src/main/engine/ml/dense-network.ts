/**
 * A fully connected binary classifier as plain weight arrays and TensorFlow.js ops: the layout
 * of its weights, seeded initial weights, the inference pass (logits or sigmoid scores), the
 * weighted binary cross entropy and the L2 penalty. Training's pass with its gradients is
 * dense-backprop.ts; the equivalent tf.layers model is layers-format.ts.
 */
import type * as TF from '@tensorflow/tfjs'
import { Random } from '../data/random'
import {
  countParameters,
  type DenseLayer,
  forwardLayersJs,
  forwardLayersTf,
  glorotWeights,
  layerShapes,
  shapedTensors,
} from './dense-layers'

export type { DenseLayer }

/** Hidden layers then the single sigmoid output unit; `inputs` columns in. */
export interface DenseArchitecture {
  readonly inputs: number
  readonly layers: readonly DenseLayer[]
  /** Dropout rate after each hidden layer, in training only. */
  readonly dropout: number
}

/**
 * Weights in order kernel₁, bias₁, kernel₂, …, with kernels row-major [fan in, fan out] (the
 * TensorFlow.js / Keras Dense layout); the last pair is the output layer (1 unit).
 */
export type DenseWeights = Float32Array[]

/** Every layer including the output unit (sigmoid). */
export function allLayers(arch: DenseArchitecture): DenseLayer[] {
  return [...arch.layers, { units: 1, activation: 'sigmoid', alpha: 0 }]
}

/** Shapes of the weights in DenseWeights order. */
export function weightShapes(arch: DenseArchitecture): number[][] {
  return layerShapes(arch.inputs, allLayers(arch))
}

/** Number of trainable parameters. */
export function parameterCount(arch: DenseArchitecture): number {
  return countParameters(weightShapes(arch))
}

/**
 * Glorot-uniform kernels (limit √(6 / (fan in + fan out)), as Keras' default) and zero biases,
 * from our own seeded generator so the same seed gives the same network on every backend.
 */
export function initialWeights(arch: DenseArchitecture, seed: number): DenseWeights {
  return glorotWeights(weightShapes(arch), new Random(seed))
}

/** The weights as tensors of their shapes (the caller disposes them). */
export function weightTensors(
  tf: typeof TF,
  arch: DenseArchitecture,
  weights: DenseWeights,
): TF.Tensor[] {
  return shapedTensors(tf, weightShapes(arch), weights)
}

/**
 * Output-unit logits [n, 1] for inputs x [n, inputs] (already preprocessed), for inference (no
 * dropout; training has its own pass in dense-backprop.ts). Call inside tf.tidy: intermediate
 * tensors are not disposed here.
 */
export function logits(
  tf: typeof TF,
  arch: DenseArchitecture,
  w: readonly TF.Tensor[],
  x: TF.Tensor2D,
): TF.Tensor2D {
  return forwardLayersTf(tf, allLayers(arch), w, x)
}

/**
 * Σᵢ wᵢ · BCE(yᵢ, sigmoid(zᵢ)) as a scalar, from logits z [n, 1], labels y [n, 1] (0/1) and
 * weights w [n, 1], with BCE = softplus(z) − z·y (the backends' softplus is the overflow-safe
 * one: z for large z, e^z for very negative z).
 */
export function weightedBceSum(
  tf: typeof TF,
  z: TF.Tensor2D,
  y: TF.Tensor2D,
  w: TF.Tensor2D,
): TF.Scalar {
  return tf.sum(tf.softplus(z).sub(z.mul(y)).mul(w))
}

/** λ Σ ‖kernel‖² over all layers (biases are not penalised), as Keras' l2 regulariser. */
export function l2Penalty(tf: typeof TF, w: readonly TF.Tensor[], l2: number): TF.Scalar {
  let s: TF.Scalar = tf.scalar(0)
  for (let k = 0; k < w.length; k += 2) s = s.add(tf.sum(tf.square(w[k])))
  return s.mul<TF.Scalar>(l2)
}

/** Rows per forward pass when scoring or validating many events (bounds memory). */
export const SCORE_CHUNK = 65536

/**
 * Sigmoid scores of n rows of x (row-major float32, already preprocessed), `chunk` rows per
 * forward pass; synchronous (reads each chunk back with dataSync).
 */
export function scoreRows(
  tf: typeof TF,
  arch: DenseArchitecture,
  w: readonly TF.Tensor[],
  x: Float32Array,
  n: number,
  chunk = SCORE_CHUNK,
): Float64Array {
  const out = new Float64Array(n)
  const d = arch.inputs
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start)
    const part = tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(start * d, (start + rows) * d), [rows, d], 'float32')
      return tf.sigmoid(logits(tf, arch, w, xb)).dataSync()
    })
    out.set(part, start)
  }
  return out
}

/**
 * Weighted mean BCE Σ wᵢ BCEᵢ / Σ wᵢ of the network on n rows (x row-major float32, already
 * preprocessed), plus the L2 penalty; chunked like scoreRows. NaN when Σ w is not positive.
 */
export function weightedLoss(
  tf: typeof TF,
  arch: DenseArchitecture,
  w: readonly TF.Tensor[],
  x: Float32Array,
  y: ArrayLike<number>,
  weights: ArrayLike<number>,
  n: number,
  l2: number,
): number {
  const sum = new WeightedBce(tf, arch, w)
  sum.add(x, y, weights, n)
  return sum.finish(l2)
}

/**
 * weightedLoss summed over rows handed in pieces (a validation set streamed chunk by chunk):
 * Σ wᵢ BCEᵢ on the device, Σ wᵢ in float64; `finish` divides, adds the L2 penalty and frees.
 */
export class WeightedBce {
  private acc: TF.Scalar
  private sumW = 0

  constructor(
    private readonly tf: typeof TF,
    private readonly arch: DenseArchitecture,
    private readonly w: readonly TF.Tensor[],
  ) {
    this.acc = tf.scalar(0)
  }

  /** Adds n rows (x row-major float32, already preprocessed). */
  add(x: Float32Array, y: ArrayLike<number>, weights: ArrayLike<number>, n: number): void {
    const { tf, arch, w } = this
    for (let i = 0; i < n; i++) this.sumW += weights[i]
    const d = arch.inputs
    for (let start = 0; start < n; start += SCORE_CHUNK) {
      const rows = Math.min(SCORE_CHUNK, n - start)
      const next = tf.tidy(() => {
        const xb = tf.tensor2d(x.subarray(start * d, (start + rows) * d), [rows, d], 'float32')
        const yb = tf.tensor2d(
          Float32Array.from({ length: rows }, (_, i) => y[start + i]),
          [rows, 1],
        )
        const wb = tf.tensor2d(
          Float32Array.from({ length: rows }, (_, i) => weights[start + i]),
          [rows, 1],
        )
        return this.acc.add<TF.Scalar>(weightedBceSum(tf, logits(tf, arch, w, xb), yb, wb))
      })
      this.acc.dispose()
      this.acc = next
    }
  }

  /** The weighted mean plus the L2 penalty (NaN when Σ w is not positive); frees the sum. */
  finish(l2: number): number {
    const { tf, w, acc, sumW } = this
    try {
      if (!(sumW > 0)) return NaN
      const total = tf.tidy(() =>
        l2 > 0 ? acc.div(sumW).add(l2Penalty(tf, w, l2)) : acc.div(sumW),
      )
      const value = total.dataSync()[0]
      total.dispose()
      return value
    } finally {
      acc.dispose()
    }
  }
}

/**
 * The same sigmoid scores as scoreRows computed in plain JavaScript (float64 arithmetic on the
 * float32 weights): for scoring before a TensorFlow.js backend has started. Slower for big
 * networks; agrees with scoreRows to float32 rounding.
 */
export function scoreRowsJs(
  arch: DenseArchitecture,
  weights: DenseWeights,
  x: Float32Array,
  n: number,
): Float64Array {
  return forwardLayersJs(arch.inputs, allLayers(arch), weights, x, n)
}
