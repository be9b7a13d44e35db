/**
 * A dense stack (the encoder or the decoder of an autoencoder): hidden layers with the chosen
 * activation and a linear output layer of any width, as plain float32 weight arrays run either
 * as TensorFlow.js ops (training, scoring on a backend) or in plain JavaScript (scoring without
 * one). Weights are in the Keras Dense layout, kernel row-major [fan in, fan out] then bias.
 */
import type * as TF from '@tensorflow/tfjs'
import type { Activation } from '../../../../shared/contract/train'
import type { Random } from '../../data/random'
import {
  countParameters,
  type DenseLayer,
  forwardLayersJs,
  glorotWeights,
  layerShapes,
  shapedTensors,
} from '../dense-layers'

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
  return layerShapes(s.inputs, s.layers)
}

export function stackParameters(s: DenseStack): number {
  return countParameters(stackShapes(s))
}

/** Glorot-uniform kernels (Keras' default) and zero biases from the seeded generator. */
export function initialStackWeights(s: DenseStack, rng: Random): StackWeights {
  return glorotWeights(stackShapes(s), rng)
}

/** The weights as tensors of their shapes (the caller disposes them). */
export function stackTensors(tf: typeof TF, s: DenseStack, w: StackWeights): TF.Tensor[] {
  return shapedTensors(tf, stackShapes(s), w)
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
  return forwardLayersJs(s.inputs, s.layers, w, x, n)
}
