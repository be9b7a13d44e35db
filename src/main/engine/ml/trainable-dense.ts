/**
 * A dense network held as TensorFlow.js variables and trained one batch at a time with the
 * hand-written pass (dense-backprop.ts) and one flat optimizer update (flat-optimizer.ts): the
 * fast route on wasm for any loss head: the classifier (mlp.ts), INFERNO's summary networks and
 * their cross-entropy baselines.
 */
import type * as TF from '@tensorflow/tfjs'
import { type DenseLayer, forwardLayersTf, layerShapes, shapedTensors } from './dense-layers'
import { type LossHead, type PassOptions, denseLossAndGradients } from './dense-backprop'
import { FlatOptimizer, type FlatOptimizerOptions } from './flat-optimizer'

/** Rows per forward pass when predicting many events (bounds memory). */
const PREDICT_CHUNK = 65536

export class TrainableDense {
  private readonly vars: TF.Variable[]
  private readonly optimizer: FlatOptimizer
  private best: TF.Tensor[] | null = null

  /**
   * `layers` (the last one's activation is not applied: outputs are logits) on `inputs` columns,
   * starting from `init` (Keras Dense layout, as dense-layers.ts).
   */
  constructor(
    private readonly tf: typeof TF,
    readonly inputs: number,
    readonly layers: readonly DenseLayer[],
    init: readonly Float32Array[],
    optimizer: FlatOptimizerOptions,
  ) {
    this.vars = shapedTensors(tf, layerShapes(inputs, layers), init).map((t) => {
      const v = tf.variable(t, true)
      t.dispose()
      return v
    })
    this.optimizer = new FlatOptimizer(tf, optimizer)
  }

  /** The optimizer's learning rate; a new one applies from the next step. */
  get learningRate(): number {
    return this.optimizer.learningRate
  }

  set learningRate(lr: number) {
    this.optimizer.learningRate = lr
  }

  /** Number of outputs (units of the last layer). */
  get outputs(): number {
    return this.layers[this.layers.length - 1].units
  }

  /**
   * One optimisation step on `rows` rows of x (row-major rows × inputs, already scaled) with the
   * loss `head` on the outputs; returns the batch loss as a scalar the caller disposes (read it
   * when convenient: reading forces the backend to finish).
   */
  step(x: Float32Array, rows: number, head: LossHead, options?: PassOptions): TF.Scalar {
    const { tf } = this
    const xt = tf.tensor2d(x, [rows, this.inputs], 'float32')
    const { loss, grads } = denseLossAndGradients(tf, this.layers, this.vars, xt, head, options)
    xt.dispose()
    this.optimizer.apply(this.vars, grads)
    grads.forEach((g) => g.dispose())
    return loss
  }

  /** Outputs (logits) of `rows` rows of x, row-major rows × outputs. */
  predict(x: Float32Array, rows: number, chunk = PREDICT_CHUNK): Float32Array {
    const { tf } = this
    const out = new Float32Array(rows * this.outputs)
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const r1 = Math.min(rows, r0 + chunk)
      const y = tf.tidy(() =>
        forwardLayersTf(
          tf,
          this.layers,
          this.vars,
          tf.tensor2d(x.subarray(r0 * this.inputs, r1 * this.inputs), [r1 - r0, this.inputs]),
        ),
      )
      out.set(y.dataSync() as Float32Array, r0 * this.outputs)
      y.dispose()
    }
    return out
  }

  /** The weights as the variables themselves (owned by this network; do not dispose). */
  variables(): readonly TF.Tensor[] {
    return this.vars
  }

  /** Overwrites the weights (same order and shapes). */
  assign(values: readonly TF.Tensor[]): void {
    this.vars.forEach((v, i) => v.assign(values[i]))
  }

  /** The current weights as arrays (Keras Dense layout). */
  weights(): Float32Array[] {
    return this.vars.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a))
  }

  /** Keeps a copy of the current weights (the best epoch so far). */
  checkpoint(): void {
    this.best?.forEach((t) => t.dispose())
    this.best = this.vars.map((v) => v.clone())
  }

  /** Puts the last checkpoint back (no-op without one). */
  restore(): void {
    if (this.best) this.vars.forEach((v, i) => v.assign(this.best![i]))
  }

  dispose(): void {
    this.vars.forEach((v) => v.dispose())
    this.best?.forEach((t) => t.dispose())
    this.best = null
    this.optimizer.dispose()
  }
}
