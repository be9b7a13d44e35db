/**
 * A dense stack (the encoder or the decoder of an autoencoder): hidden layers with the chosen
 * activation and a linear output layer of any width, as plain float32 weight arrays run either
 * as TensorFlow.js ops (training, scoring on a backend) or in plain JavaScript (scoring without
 * one). Weights are in the Keras Dense layout, kernel row-major [fan in, fan out] then bias.
 */
import type * as TF from '@tensorflow/tfjs'
import type { Activation } from '../../../../shared/contract/train'
import type { Random } from '../../data/random'
import type { DenseLayer } from '../dense-network'

/** Layers in order; the last is the output layer (normally linear). */
export interface DenseStack {
  readonly inputs: number
  readonly layers: readonly DenseLayer[]
}

/** kernel₁, bias₁, kernel₂, … as float32 arrays. */
export type StackWeights = Float32Array[]

/** The stack of hidden `units` with `activation`, then a linear layer of `outputs` units. */
export function denseStack(
  inputs: number,
  units: readonly number[],
  outputs: number,
  activation: Activation,
  alpha: number,
): DenseStack {
  return {
    inputs,
    layers: [
      ...units.map((u) => ({ units: u, activation, alpha })),
      { units: outputs, activation: 'linear', alpha: 0 },
    ],
  }
}

export const outputsOf = (s: DenseStack): number => s.layers[s.layers.length - 1].units

/** Shapes in StackWeights order. */
export function stackShapes(s: DenseStack): number[][] {
  const shapes: number[][] = []
  let fanIn = s.inputs
  for (const l of s.layers) {
    shapes.push([fanIn, l.units], [l.units])
    fanIn = l.units
  }
  return shapes
}

export function stackParameters(s: DenseStack): number {
  return stackShapes(s).reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0)
}

/** Glorot-uniform kernels (Keras' default) and zero biases from the seeded generator. */
export function initialStackWeights(s: DenseStack, rng: Random): StackWeights {
  return stackShapes(s).map((shape) => {
    const a = new Float32Array(shape.reduce((x, y) => x * y, 1))
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]))
      for (let i = 0; i < a.length; i++) a[i] = (2 * rng.uniform() - 1) * limit
    }
    return a
  })
}

/** The weights as tensors of their shapes (the caller disposes them). */
export function stackTensors(tf: typeof TF, s: DenseStack, w: StackWeights): TF.Tensor[] {
  return stackShapes(s).map((shape, i) => tf.tensor(w[i], shape, 'float32'))
}

/** Outputs [n, outputs] for x [n, inputs]; intermediates are not disposed (use inside tidy). */
export function forwardTensor(
  tf: typeof TF,
  s: DenseStack,
  w: readonly TF.Tensor[],
  x: TF.Tensor2D,
): TF.Tensor2D {
  let h = x
  s.layers.forEach((l, k) => {
    const z = tf.add(tf.matMul(h, w[2 * k] as TF.Tensor2D), w[2 * k + 1]) as TF.Tensor2D
    h = activate(tf, z, l)
  })
  return h
}

function activate(tf: typeof TF, h: TF.Tensor2D, l: DenseLayer): TF.Tensor2D {
  switch (l.activation) {
    case 'relu':
      return tf.relu(h)
    case 'leaky_relu':
      return tf.leakyRelu(h, l.alpha)
    case 'tanh':
      return tf.tanh(h)
    case 'sigmoid':
      return tf.sigmoid(h)
    case 'linear':
      return h
  }
}

/** The same outputs as forwardTensor in float64 JavaScript: row-major n × outputs. */
export function forwardJs(
  s: DenseStack,
  w: StackWeights,
  x: ArrayLike<number>,
  n: number,
): Float64Array {
  const out = new Float64Array(n * outputsOf(s))
  const width = Math.max(s.inputs, ...s.layers.map((l) => l.units))
  let a = new Float64Array(width)
  let b = new Float64Array(width)
  for (let i = 0; i < n; i++) {
    let fanIn = s.inputs
    for (let j = 0; j < fanIn; j++) a[j] = x[i * s.inputs + j]
    s.layers.forEach((l, k) => {
      const kernel = w[2 * k]
      const bias = w[2 * k + 1]
      for (let u = 0; u < l.units; u++) {
        let v = bias[u]
        for (let j = 0; j < fanIn; j++) v += a[j] * kernel[j * l.units + u]
        b[u] = activateScalar(v, l)
      }
      ;[a, b] = [b, a]
      fanIn = l.units
    })
    for (let j = 0; j < fanIn; j++) out[i * fanIn + j] = a[j]
  }
  return out
}

function activateScalar(v: number, l: DenseLayer): number {
  switch (l.activation) {
    case 'relu':
      return v > 0 ? v : 0
    case 'leaky_relu':
      return v > 0 ? v : l.alpha * v
    case 'tanh':
      return Math.tanh(v)
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v))
    case 'linear':
      return v
  }
}
