/**
 * Dense layers as plain float32 weight arrays in the Keras Dense layout (kernel row-major
 * [fan in, fan out], then bias, layer after layer), shared by the classifier network
 * (dense-network.ts) and the autoencoder's encoder and decoder stacks (autoencoder/network.ts):
 * the weights' shapes, seeded Glorot-uniform initial weights, the weights as tensors and the
 * forward pass in plain JavaScript (for scoring without a TensorFlow.js backend).
 */
import type * as TF from '@tensorflow/tfjs'
import type { Activation } from '../../../shared/contract/train'
import type { Random } from '../data/random'

/** One dense layer: out = activation(in · kernel + bias). */
export interface DenseLayer {
  readonly units: number
  readonly activation: Activation
  /** Slope for x < 0 of leaky_relu. */
  readonly alpha: number
}

/** Shapes of kernel₁, bias₁, kernel₂, … of `layers` taking `inputs` columns. */
export function layerShapes(inputs: number, layers: readonly DenseLayer[]): number[][] {
  const shapes: number[][] = []
  let fanIn = inputs
  for (const l of layers) {
    shapes.push([fanIn, l.units], [l.units])
    fanIn = l.units
  }
  return shapes
}

/** Number of numbers in weights of these shapes. */
export function countParameters(shapes: readonly number[][]): number {
  return shapes.reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0)
}

/**
 * Glorot-uniform kernels (limit √(6 / (fan in + fan out)), as Keras' default) and zero biases,
 * drawn in order from our own seeded generator so the same seed gives the same weights on every
 * backend.
 */
export function glorotWeights(shapes: readonly number[][], rng: Random): Float32Array[] {
  return shapes.map((shape) => {
    const a = new Float32Array(shape.reduce((x, y) => x * y, 1))
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]))
      for (let i = 0; i < a.length; i++) a[i] = (2 * rng.uniform() - 1) * limit
    }
    return a
  })
}

/** The weights as float32 tensors of their shapes (the caller disposes them). */
export function shapedTensors(
  tf: typeof TF,
  shapes: readonly number[][],
  weights: readonly Float32Array[],
): TF.Tensor[] {
  return shapes.map((shape, i) => tf.tensor(weights[i], shape, 'float32'))
}

/**
 * He-normal kernels (Keras' he_normal: a normal of σ = √(2 / fan in) truncated at 2σ, the
 * variance kept by dividing by 0.8796…) for ReLU layers, Glorot-uniform for the others, zero
 * biases; drawn in order from the seeded generator.
 */
export function heNormalWeights(
  inputs: number,
  layers: readonly DenseLayer[],
  rng: Random,
): Float32Array[] {
  const shapes = layerShapes(inputs, layers)
  return shapes.map((shape, i) => {
    const layer = layers[i >> 1]
    if (shape.length !== 2 || (layer.activation !== 'relu' && layer.activation !== 'leaky_relu'))
      return glorotWeights([shape], rng)[0]
    const a = new Float32Array(shape[0] * shape[1])
    const sd = Math.sqrt(2 / shape[0]) / 0.87962566103423978
    for (let k = 0; k < a.length; k++) {
      let z = rng.normal()
      while (Math.abs(z) > 2) z = rng.normal()
      a[k] = sd * z
    }
    return a
  })
}

/**
 * The last layer's pre-activation [n, units] for inputs x [n, inputs] (the last layer's own
 * activation is not applied: logits). Call inside tf.tidy: intermediates are not disposed here.
 */
export function forwardLayersTf(
  tf: typeof TF,
  layers: readonly DenseLayer[],
  w: readonly TF.Tensor[],
  x: TF.Tensor2D,
): TF.Tensor2D {
  let h = x
  for (let k = 0; k < layers.length; k++) {
    const b = w[2 * k] as TF.Tensor2D
    const bias = w[2 * k + 1]
    if (k === layers.length - 1) return tf.fused.matMul({ a: h, b, bias }) as TF.Tensor2D
    const l = layers[k]
    // One kernel where the fused matMul has the activation.
    h =
      l.activation === 'tanh'
        ? tf.tanh<TF.Tensor2D>(tf.fused.matMul({ a: h, b, bias }) as TF.Tensor2D)
        : (tf.fused.matMul({
            a: h,
            b,
            bias,
            activation: l.activation === 'leaky_relu' ? 'leakyrelu' : l.activation,
            leakyreluAlpha: l.alpha,
          }) as TF.Tensor2D)
  }
  throw new Error('a network has at least its output layer')
}

/**
 * The layers' outputs for n rows of x (row-major n × inputs) in float64 JavaScript on the
 * float32 weights: row-major n × (last layer's units).
 */
export function forwardLayersJs(
  inputs: number,
  layers: readonly DenseLayer[],
  weights: readonly Float32Array[],
  x: ArrayLike<number>,
  n: number,
): Float64Array {
  const outputs = layers[layers.length - 1].units
  const out = new Float64Array(n * outputs)
  const width = Math.max(inputs, ...layers.map((l) => l.units))
  let a = new Float64Array(width)
  let b = new Float64Array(width)
  for (let i = 0; i < n; i++) {
    let fanIn = inputs
    for (let j = 0; j < fanIn; j++) a[j] = x[i * inputs + j]
    for (let k = 0; k < layers.length; k++) {
      const kernel = weights[2 * k]
      const bias = weights[2 * k + 1]
      const { units, activation, alpha } = layers[k]
      for (let u = 0; u < units; u++) {
        let s = bias[u]
        for (let j = 0; j < fanIn; j++) s += a[j] * kernel[j * units + u]
        b[u] = activateScalar(s, activation, alpha)
      }
      ;[a, b] = [b, a]
      fanIn = units
    }
    for (let j = 0; j < fanIn; j++) out[i * fanIn + j] = a[j]
  }
  return out
}

function activateScalar(v: number, activation: Activation, alpha: number): number {
  switch (activation) {
    case 'relu':
      return v > 0 ? v : 0
    case 'leaky_relu':
      return v > 0 ? v : alpha * v
    case 'tanh':
      return Math.tanh(v)
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v))
    case 'linear':
      return v
  }
}
