/**
 * A playground session: a small dense classifier (TensorFlow.js variables, the hand-written
 * backpropagation of dense-backprop.ts, the flat optimiser) trained one batch or one epoch per
 * step on a session's events, whose settings may change between any two steps, and what the
 * Learn view draws after a step (snapshot.ts).
 */
import type * as TF from '@tensorflow/tfjs'
import type { LearnSettings } from '../../../../shared/contract/learn'
import { Random } from '../../data/random'
import { denseLossAndGradients, weightedBceHead } from '../dense-backprop'
import type { DenseLayer } from '../dense-layers'
import { glorotWeights, layerShapes } from '../dense-layers'
import { FlatOptimizer } from '../flat-optimizer'
import { type PlaygroundEvents, type PreparedEvents, prepareEvents } from './events'

/** Loss values recorded at each evaluation. */
export interface History {
  step: number[]
  epoch: number[]
  train: number[]
  test: number[]
}

export class PlaygroundSession {
  private vars: TF.Variable[] = []
  private optimizer: FlatOptimizer | null = null
  private prepared!: PreparedEvents
  private rng!: Random
  /** The training events of the epoch in its shuffled order, and where the next batch starts. */
  private order = new Int32Array(0)
  private cursor = 0
  /** Batches trained since the weights were made. */
  steps = 0
  /** Epochs trained (fractional: the current epoch's share of batches done). */
  epochs = 0
  private epochsDone = 0
  gradientNorms: number[] = []
  /** Mean gradient norm per layer over the batches of the last finished epoch. */
  epochGradientNorms: number[] = []
  private normSums: number[] = []
  private normCount = 0
  history: History = { step: [], epoch: [], train: [], test: [] }
  /** Bumped whenever the events change. */
  dataVersion = 0

  constructor(
    private readonly tf: typeof TF,
    private eventsHeld: PlaygroundEvents,
    private current: LearnSettings,
  ) {
    this.prepared = prepareEvents(eventsHeld, current)
    this.reset()
  }

  get settings(): LearnSettings {
    return this.current
  }

  get events(): PreparedEvents {
    return this.prepared
  }

  /** Hidden layers then the output unit (whose activation the loss head replaces). */
  get layers(): DenseLayer[] {
    const { activation } = this.current
    return [
      ...this.current.layers.map((units) => ({ units, activation, alpha: 0.01 })),
      { units: 1, activation: 'sigmoid' as const, alpha: 0 },
    ]
  }

  /** New weights from the settings' seed; history and counters cleared. */
  reset(): void {
    this.vars.forEach((v) => v.dispose())
    const init = glorotWeights(
      layerShapes(this.eventsHeld.d, this.layers),
      new Random(this.current.seed),
    )
    this.vars = init.map((a, i) =>
      this.tf.variable(this.tf.tensor(a, layerShapes(this.eventsHeld.d, this.layers)[i])),
    )
    this.newOptimizer()
    this.rng = new Random(this.current.seed ^ 0xba7c)
    this.order = new Int32Array(0)
    this.cursor = 0
    this.steps = 0
    this.epochs = 0
    this.epochsDone = 0
    this.gradientNorms = []
    this.epochGradientNorms = []
    this.normSums = []
    this.normCount = 0
    this.history = { step: [], epoch: [], train: [], test: [] }
  }

  /**
   * Settings for the next step on. A new architecture (layers) or seed starts from new weights;
   * a new split, weighting or standardisation re-prepares the events and keeps the weights; a new
   * optimiser or learning rate starts a fresh optimiser state on the same weights.
   */
  configure(next: LearnSettings): void {
    const prev = this.current
    this.current = next
    const events =
      prev.trainFraction !== next.trainFraction ||
      prev.weights !== next.weights ||
      prev.standardise !== next.standardise ||
      prev.seed !== next.seed
    if (events) {
      this.prepared = prepareEvents(this.eventsHeld, next)
      this.order = new Int32Array(0)
      this.cursor = 0
      this.epochs = this.epochsDone
    }
    if (prev.seed !== next.seed || prev.layers.join() !== next.layers.join()) this.reset()
    else if (prev.optimiser !== next.optimiser || prev.learningRate !== next.learningRate)
      this.newOptimizer()
  }

  /** Other events (a lesson's next stage) with their settings; new weights. */
  load(events: PlaygroundEvents, settings: LearnSettings): void {
    this.eventsHeld = events
    this.current = settings
    this.prepared = prepareEvents(events, settings)
    this.dataVersion++
    this.reset()
  }

  /** Batches in one epoch at the current batch size. */
  get batchesPerEpoch(): number {
    return Math.ceil(this.prepared.train.length / this.current.batchSize)
  }

  /** One step as the settings define it: a batch or a whole epoch. */
  step(): void {
    if (this.current.stepUnit === 'epoch') this.epoch()
    else this.batch()
  }

  /** The rest of the current epoch (a whole one when at its start). */
  epoch(): void {
    do this.batch()
    while (this.cursor < this.order.length)
  }

  /** One mini-batch: forward, backward, one optimiser update; the gradient norms kept. */
  batch(): void {
    const { tf } = this
    const { train, input, events, w } = this.prepared
    const d = events.d
    if (this.cursor >= this.order.length) {
      this.order = this.rng.shuffle(Int32Array.from(train))
      this.cursor = 0
    }
    const rows = this.order.subarray(
      this.cursor,
      Math.min(this.order.length, this.cursor + this.current.batchSize),
    )
    this.cursor += rows.length
    const b = rows.length
    const xb = new Float32Array(b * d)
    const yb = new Float32Array(b)
    const wb = new Float32Array(b)
    let sumW = 0
    rows.forEach((i, r) => {
      xb.set(input.subarray(i * d, (i + 1) * d), r * d)
      yb[r] = events.y[i]
      sumW += w[i]
    })
    // Weights normalised per batch: the loss is the batch's weighted mean cross entropy.
    rows.forEach((i, r) => (wb[r] = sumW > 0 ? w[i] / sumW : 1 / b))
    const { regularisation, regularisationRate } = this.current
    const layers = this.layers
    const { grads, norms } = tf.tidy(() => {
      const x = tf.tensor2d(xb, [b, d])
      const head = weightedBceHead(tf, tf.tensor2d(yb, [b, 1]), tf.tensor2d(wb, [b, 1]))
      const pass = denseLossAndGradients(tf, layers, this.vars, x, head, {
        l2: regularisation === 'l2' ? regularisationRate : 0,
      })
      const g = pass.grads
      if (regularisation === 'l1' && regularisationRate > 0)
        for (let k = 0; k < g.length; k += 2)
          g[k] = g[k].add(tf.sign(this.vars[k]).mul(regularisationRate))
      const perLayer: TF.Tensor[] = []
      for (let k = 0; k < g.length; k += 2)
        perLayer.push(tf.sqrt(tf.sum(tf.square(g[k])).add(tf.sum(tf.square(g[k + 1])))))
      return { grads: g, norms: tf.stack(perLayer) }
    })
    // Outside the tidy: the optimiser keeps its state tensors between steps.
    this.optimizer!.apply(this.vars, grads)
    grads.forEach((g) => g.dispose())
    this.gradientNorms = Array.from(norms.dataSync())
    norms.dispose()
    this.gradientNorms.forEach((v, k) => (this.normSums[k] = (this.normSums[k] ?? 0) + v))
    this.normCount++
    this.steps++
    if (this.cursor >= this.order.length) {
      this.epochsDone++
      this.epochGradientNorms = this.normSums.map((v) => v / this.normCount)
      this.normSums = []
      this.normCount = 0
    }
    this.epochs =
      this.epochsDone + (this.cursor < this.order.length ? this.cursor / this.order.length : 0)
  }

  /** The current weights (kernel₁, bias₁, …; Keras Dense layout). */
  weights(): Float32Array[] {
    return this.vars.map((v) => Float32Array.from(v.dataSync() as Float32Array))
  }

  /** The weights as the variables (owned by the session). */
  variables(): readonly TF.Tensor[] {
    return this.vars
  }

  dispose(): void {
    this.vars.forEach((v) => v.dispose())
    this.vars = []
    this.optimizer?.dispose()
    this.optimizer = null
  }

  private newOptimizer(): void {
    this.optimizer?.dispose()
    const { optimiser, learningRate } = this.current
    this.optimizer = new FlatOptimizer(this.tf, {
      kind: optimiser === 'adam' ? 'adam' : 'sgd',
      learningRate,
      momentum: optimiser === 'momentum' ? 0.9 : 0,
    })
  }
}
