/**
 * One training batch of a dense network: forward pass, weighted BCE loss and every weight's
 * gradient by hand-written backpropagation, in one tf.tidy and no gradient tape. On the wasm
 * backend each kernel call costs JavaScript comparable to a small layer's arithmetic, and tfjs'
 * autodiff adds its own bookkeeping and slow forms (matMul with a transposed operand is 10–40×
 * slower there than transposing first; a column sum slower than a product with a row of ones);
 * this pass uses about half the kernel calls of the tape and only the fast forms. Tested against
 * tfjs' own gradients and against model.fit.
 */
import type * as TF from '@tensorflow/tfjs'
import { allLayers, type DenseArchitecture, type DenseLayer } from './dense-network'

export interface BatchGradients {
  /** Σ wᵢ BCEᵢ (+ λ Σ‖kernel‖²) as a scalar. */
  readonly loss: TF.Scalar
  /** d loss / d weight, in DenseWeights order. */
  readonly grads: TF.Tensor[]
}

/**
 * The transpose of a matrix used as the LEFT operand of matMul; a free reshape when it is a row
 * or a column. Never use a reshaped tensor as the right operand: the wasm backend caches the
 * packed right operand by tensor data id, and a reshape shares the id, so the product would use
 * the old shape's packing (wrong numbers or a crash; tfjs 4.22).
 */
function transposedLeft(tf: typeof TF, m: TF.Tensor2D): TF.Tensor2D {
  const [r, c] = m.shape
  return r === 1 || c === 1 ? m.reshape([c, r]) : tf.transpose(m)
}

/** The layer's output and its derivative with respect to the pre-activation (null: 1). */
function activation(
  tf: typeof TF,
  a: TF.Tensor2D,
  l: DenseLayer,
): { h: TF.Tensor2D; dh: TF.Tensor2D | null } {
  switch (l.activation) {
    case 'relu':
      return { h: tf.relu(a), dh: tf.step(a) }
    case 'leaky_relu':
      return { h: tf.leakyRelu(a, l.alpha), dh: tf.step(a, l.alpha) }
    case 'tanh': {
      const h = tf.tanh(a)
      return { h, dh: tf.sub<TF.Tensor2D>(1, tf.square(h)) }
    }
    case 'sigmoid': {
      const h = tf.sigmoid(a)
      return { h, dh: h.mul<TF.Tensor2D>(tf.sub(1, h)) }
    }
    case 'linear':
      return { h: a, dh: null }
  }
}

/**
 * Loss and gradients of the batch x [n, inputs] (preprocessed), labels y [n, 1], weights
 * w [n, 1] (the loss is Σ w·BCE: divide w by the batch size beforehand for a mean). With
 * `dropoutSeed`, each hidden layer's output is multiplied by an inverted-dropout mask drawn
 * from the seed (tf.dropout's formula: ⌊u + keep⌋ / keep). The caller disposes the result.
 */
export function batchLossAndGradients(
  tf: typeof TF,
  arch: DenseArchitecture,
  weights: readonly TF.Tensor[],
  x: TF.Tensor2D,
  y: TF.Tensor2D,
  w: TF.Tensor2D,
  l2: number,
  dropoutSeed?: () => number,
): BatchGradients {
  return tf.tidy(() => {
    const layers = allLayers(arch)
    const last = layers.length - 1
    const keep = 1 - arch.dropout
    // Input of each layer, and d(output)/d(pre-activation) × mask of each hidden layer.
    const inputs: TF.Tensor2D[] = [x]
    const derivative: (TF.Tensor2D | null)[] = []
    let h = x
    for (let k = 0; k < last; k++) {
      const a = tf.fused.matMul({
        a: h,
        b: weights[2 * k] as TF.Tensor2D,
        bias: weights[2 * k + 1],
      })
      let { h: out, dh } = activation(tf, a as TF.Tensor2D, layers[k])
      if (dropoutSeed && arch.dropout > 0) {
        const mask = tf
          .floor(tf.randomUniform(out.shape, 0, 1, 'float32', dropoutSeed()).add(keep))
          .div(keep) as TF.Tensor2D
        out = out.mul(mask)
        dh = dh ? dh.mul<TF.Tensor2D>(mask) : mask
      }
      derivative.push(dh)
      inputs.push(out)
      h = out
    }
    const z = tf.fused.matMul({
      a: h,
      b: weights[2 * last] as TF.Tensor2D,
      bias: weights[2 * last + 1],
    }) as TF.Tensor2D
    let loss = tf.sum(tf.softplus(z).sub(z.mul(y)).mul(w)) as TF.Scalar
    // d loss / dz = w·(sigmoid(z) − y), then back through the layers.
    let g = tf.sigmoid(z).sub(y).mul(w) as TF.Tensor2D
    const grads: TF.Tensor[] = new Array<TF.Tensor>(2 * layers.length)
    // Bias gradients are column sums, as products with a row of ones (faster than tf.sum here).
    const ones = tf.ones([1, x.shape[0]])
    for (let k = last; k >= 0; k--) {
      const input = inputs[k]
      const kernel = weights[2 * k] as TF.Tensor2D
      // inputᵀ·g; with one unit (output) as (gᵀ·input)ᵀ, both transposes free reshapes.
      let dKernel =
        g.shape[1] === 1
          ? tf.matMul(g.reshape([1, g.shape[0]]), input).reshape([input.shape[1], 1])
          : tf.matMul(transposedLeft(tf, input), g)
      if (l2 > 0) dKernel = dKernel.add(kernel.mul(2 * l2))
      grads[2 * k] = dKernel
      grads[2 * k + 1] = tf.matMul(ones, g).reshape([g.shape[1]])
      if (k > 0) {
        // g·kernelᵀ; with one unit an outer product, as a broadcast multiply.
        const dInput =
          kernel.shape[1] === 1
            ? g.mul(kernel.reshape([1, kernel.shape[0]]))
            : tf.matMul(g, tf.transpose(kernel))
        const d = derivative[k - 1]
        g = (d ? dInput.mul(d) : dInput) as TF.Tensor2D
      }
    }
    if (l2 > 0) {
      let penalty = tf.scalar(0)
      for (let k = 0; k <= last; k++) penalty = penalty.add(tf.sum(tf.square(weights[2 * k])))
      loss = loss.add(penalty.mul(l2))
    }
    return { loss, grads }
  })
}
