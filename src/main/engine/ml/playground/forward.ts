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
  const hidden: Float64Array[] = []
  // One array type throughout, so that the loops below stay monomorphic (fast).
  let input = Float64Array.from({ length: rows * d }, (_, i) => x[i])
  let fanIn = d
  const sizes = [...units, 1]
  let output = new Float64Array(rows)
  sizes.forEach((size, k) => {
    const kernel = weights[2 * k]
    const bias = weights[2 * k + 1]
    // The kernel transposed ([unit][fan in]), so that each dot product reads memory in order.
    const kT = new Float64Array(size * fanIn)
    for (let j = 0; j < fanIn; j++)
      for (let u = 0; u < size; u++) kT[u * fanIn + j] = kernel[j * size + u]
    const out = new Float64Array(rows * size)
    for (let r = 0; r < rows; r++) {
      const base = r * fanIn
      for (let u = 0; u < size; u++) {
        let s = bias[u]
        const off = u * fanIn
        for (let j = 0; j < fanIn; j++) s += input[base + j] * kT[off + j]
        out[r * size + u] = s
      }
    }
    if (k === sizes.length - 1) {
      activate(out, 'sigmoid')
      output = out
    } else {
      activate(out, activation)
      hidden.push(out)
    }
    input = out
    fanIn = size
  })
  return { hidden, output }
}

/** Applies the activation in place (one loop per kind: no call per value). */
function activate(a: Float64Array, kind: Activation): void {
  const n = a.length
  switch (kind) {
    case 'relu':
      for (let i = 0; i < n; i++) if (a[i] < 0) a[i] = 0
      return
    case 'leaky_relu':
      for (let i = 0; i < n; i++) if (a[i] < 0) a[i] *= 0.01
      return
    case 'tanh':
      for (let i = 0; i < n; i++) a[i] = Math.tanh(a[i])
      return
    case 'sigmoid':
      for (let i = 0; i < n; i++) a[i] = 1 / (1 + Math.exp(-a[i]))
      return
    case 'linear':
      return
  }
}
