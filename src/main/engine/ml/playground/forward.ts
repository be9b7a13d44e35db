/**
 * The playground network's forward pass in plain JavaScript (float64 on the float32 weights),
 * keeping every layer's activations: what the neuron maps and the neurons' histograms show. The
 * tfjs pass (dense-layers.ts forwardLayersTf) trains; this one draws — for a few thousand grid
 * points and events it is quicker than a round trip through the backend, and tests check that both
 * agree.
 */
import type { Activation } from '../../../../shared/contract/train'

/** Hidden layers' activations (per layer, row-major rows × units) and the sigmoid output. */
export interface Activations {
  readonly hidden: Float64Array[]
  readonly output: Float64Array
}

/**
 * Forward pass of `rows` rows of x (row-major rows × d, already standardised) through hidden
 * layers of `units` neurons with `activation`, then one sigmoid output; weights kernel₁, bias₁,
 * … in the Keras Dense layout.
 */
export function forwardAll(
  d: number,
  units: readonly number[],
  activation: Activation,
  weights: readonly Float32Array[],
  x: ArrayLike<number>,
  rows: number,
): Activations {
  const f = activationFunction(activation)
  const hidden: Float64Array[] = []
  let input: ArrayLike<number> = x
  let fanIn = d
  const sizes = [...units, 1]
  let output = new Float64Array(rows)
  sizes.forEach((size, k) => {
    const kernel = weights[2 * k]
    const bias = weights[2 * k + 1]
    const last = k === sizes.length - 1
    const out = new Float64Array(rows * size)
    for (let r = 0; r < rows; r++)
      for (let u = 0; u < size; u++) {
        let s = bias[u]
        for (let j = 0; j < fanIn; j++) s += input[r * fanIn + j] * kernel[j * size + u]
        out[r * size + u] = last ? 1 / (1 + Math.exp(-s)) : f(s)
      }
    if (last) output = out
    else hidden.push(out)
    input = out
    fanIn = size
  })
  return { hidden, output }
}

function activationFunction(a: Activation): (v: number) => number {
  switch (a) {
    case 'relu':
      return (v) => (v > 0 ? v : 0)
    case 'leaky_relu':
      return (v) => (v > 0 ? v : 0.01 * v)
    case 'tanh':
      return Math.tanh
    case 'sigmoid':
      return (v) => 1 / (1 + Math.exp(-v))
    case 'linear':
      return (v) => v
  }
}
