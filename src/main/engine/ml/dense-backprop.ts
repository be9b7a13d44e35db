/**
 * One training batch of a dense network: forward pass, loss and every weight's gradient by
 * hand-written backpropagation, in one tf.tidy and no gradient tape. On the wasm backend each
 * kernel call costs JavaScript comparable to a small layer's arithmetic, and tfjs' autodiff adds
 * its own bookkeeping and slow forms (matMul with a transposed operand is 10–40× slower there than
 * transposing first; a column sum slower than a product with a row of ones); this pass uses about
 * half the kernel calls of the tape and only the fast forms. The loss is a pluggable head on the
 * last layer's pre-activation (the classifier's weighted BCE, INFERNO's Fisher loss). Tested
 * against tfjs' own gradients and against model.fit.
 */
import type * as TF from '@tensorflow/tfjs'
import type { DenseLayer } from './dense-layers'

export interface BatchGradients {
  /** The head's loss (+ λ Σ‖kernel‖²) as a scalar. */
  readonly loss: TF.Scalar
  /** d loss / d weight, in DenseWeights order. */
  readonly grads: TF.Tensor[]
}

/**
 * A loss on the last layer's pre-activation z [n, units]: its value and d loss / dz [n, units].
 * Called inside the pass's tf.tidy (tensors it makes are disposed with the pass).
 */
export type LossHead = (z: TF.Tensor2D) => { loss: TF.Scalar; dz: TF.Tensor2D }

/**
 * Σᵢ wᵢ · BCE(yᵢ, sigmoid(zᵢ)) for labels y [n, 1] and weights w [n, 1]; dz = w·(sigmoid(z) − y).
 * The backends' softplus is the overflow-safe one.
 */
export function weightedBceHead(tf: typeof TF, y: TF.Tensor2D, w: TF.Tensor2D): LossHead {
  return (z) => ({
    loss: tf.sum(tf.softplus(z).sub(z.mul(y)).mul(w)) as TF.Scalar,
    dz: tf.sigmoid(z).sub(y).mul(w) as TF.Tensor2D,
  })
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

export interface PassOptions {
  /** λ of the L2 penalty λ Σ‖kernel‖² (0: none). */
  readonly l2?: number
  /** Dropout rate after each hidden layer; applied only with a dropoutSeed. */
  readonly dropout?: number
  readonly dropoutSeed?: () => number
}

/**
 * Loss and gradients of any dense stack `layers` (the last layer's activation is ignored: the
 * head reads its pre-activation) on the batch x [n, inputs]. The caller disposes the result.
 */
export function denseLossAndGradients(
  tf: typeof TF,
  layers: readonly DenseLayer[],
  weights: readonly TF.Tensor[],
  x: TF.Tensor2D,
  head: LossHead,
  options: PassOptions = {},
): BatchGradients {
  const l2 = options.l2 ?? 0
  const dropout = options.dropout ?? 0
  const dropoutSeed = options.dropoutSeed
  return tf.tidy(() => {
    const last = layers.length - 1
    const keep = 1 - dropout
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
      if (dropoutSeed && dropout > 0) {
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
    const out = head(z)
    let loss = out.loss
    let g = out.dz
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
