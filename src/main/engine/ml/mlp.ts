/**
 * Neural network classifier (issue 5): a dense network with a sigmoid output trained on the
 * weighted binary cross entropy with TensorFlow.js, through the shared epoch loop (early
 * stopping, best-epoch checkpoint, NaN stop, cancel). Two interchangeable ways to run an epoch:
 * `step` (default) — our own train step: hand-written backpropagation (dense-backprop.ts) and
 * one flat optimizer update (flat-optimizer.ts) per batch, the loss read back once per epoch;
 * about 5× model.fit's throughput on wasm — and `fit` — tf.layers' model.fit, kept as the
 * reference the step path is tested against and as the benchmark's "before".
 */
import { createRequire } from 'node:module'
import type * as TF from '@tensorflow/tfjs'
import type { BackendName } from '../../../shared/api'
import type { MlpOptions, ModelSummary } from '../../../shared/contract/train'
import { Random } from '../data/random'
import { gateOf, silentContext, type JobContext, type TrainingGate } from '../jobs/context'
import { chooseBackend } from './backend'
import type { Classifier } from './classifier'
import { gatherRows, indicesOf, PART, type TrainingData } from './dataset'
import {
  allLayers,
  type DenseArchitecture,
  type DenseWeights,
  initialWeights,
  parameterCount,
  SCORE_CHUNK,
  scoreRows,
  scoreRowsJs,
  WeightedBce,
  weightedLoss,
  weightTensors,
} from './dense-network'
import { weightedBceHead } from './dense-backprop'
import { nonNegativeNumber, numberSetting, offerSettings, positiveInteger } from './gate-settings'
import { TrainableDense } from './trainable-dense'
import { fromArtifacts, stackLayers, type MlpArtifacts, toArtifacts } from './layers-format'
import { applyPreprocessing, type Preprocessing } from './preprocess'
import { allChunks, type ChunkRows, type StreamedSet } from './streamed-set'
import { stratifiedOrder, windowsOf } from './streaming'
import { runEpochs, stoppedTrainingWarnings } from './train-loop'

const requireHere = createRequire(__filename)

export type { MlpArtifacts } from './layers-format'
export { mlpToFiles } from './layers-format'

export type MlpSummary = Extract<ModelSummary, { kind: 'mlp' }>

export interface MlpTraining {
  readonly classifier: Classifier
  readonly summary: MlpSummary
  readonly warnings: string[]
  readonly artifacts: MlpArtifacts
  /** Seconds spent training (epochs only; validation, set-up and saving excluded). */
  readonly trainSeconds: number
  /** Training events × epochs run / trainSeconds. */
  readonly eventsPerSecond: number
  readonly backend: BackendName
}

/** How an epoch is run: our train step (fast) or tf.layers' model.fit (reference). */
export type MlpEpochPath = 'step' | 'fit'

/** The architecture MlpOptions describe for d inputs. */
export function mlpArchitecture(options: MlpOptions, d: number): DenseArchitecture {
  return {
    inputs: d,
    layers: options.layers.map((units) => ({
      units,
      activation: options.activation,
      alpha: options.leakyAlpha,
    })),
    dropout: options.dropout,
  }
}

/** Training-set tensors and the per-epoch trainer both paths implement. */
interface EpochTrainer {
  /** Trains one epoch on a fresh seeded shuffle; returns the mean training loss. */
  trainEpoch(epoch: number): Promise<number>
  /** The current weights as tensors (owned by the trainer). */
  current(): readonly TF.Tensor[]
  /** Overwrites the current weights. */
  assign(values: readonly TF.Tensor[]): void
  dispose(): void
}

export interface TrainArrays {
  /** Preprocessed inputs, row-major n × d. */
  x: Float32Array
  /** Labels 0/1. */
  y: Float32Array
  /** Training weights divided by their mean, so a batch's mean of w·BCE estimates the weighted mean. */
  w: Float32Array
  n: number
}

/** tf.train's optimizer for the `fit` path (the step path uses FlatOptimizer, same arithmetic). */
function makeOptimizer(tf: typeof TF, options: MlpOptions): TF.Optimizer {
  return options.optimizer === 'adam'
    ? tf.train.adam(options.learningRate)
    : tf.train.momentum(options.learningRate, options.momentum)
}

/**
 * An epoch's training rows in the order they are trained, one run at a time: in memory one
 * seeded permutation of all of them (shuffledRuns); streamed, the windows of streamed-set
 * chunks (trainMlpStreamed). `rng` is the trainer's stream (shuffles, then dropout masks).
 */
export type EpochRuns = (rng: Random) => AsyncIterable<TrainArrays>

/** One shuffled copy of `train` per epoch (the copies' buffers reused between epochs). */
function shuffledRuns(train: TrainArrays, d: number): EpochRuns {
  const xe = new Float32Array(train.x.length)
  const ye = new Float32Array(train.n)
  const we = new Float32Array(train.n)
  return async function* (rng) {
    const { x, y, w, n } = train
    const order = rng.permutation(n)
    for (let r = 0; r < n; r++) {
      const i = order[r]
      xe.set(x.subarray(i * d, (i + 1) * d), r * d)
      ye[r] = y[i]
      we[r] = w[i]
    }
    yield { x: xe, y: ye, w: we, n }
  }
}

/**
 * Our train step. Each epoch takes its rows run by run from `runs`, already in training order
 * (in JavaScript: on wasm, tf.gather and tf.slice read their whole input back from the heap, so
 * slicing batches from one big tensor costs a copy of the training set per batch); each batch
 * is then one small tensor per input, one gradient pass with hand-written dense and loss
 * gradients, and one flat optimizer update. Batch losses stay on the device until the run
 * ends (one read-back per run: per epoch in memory).
 */
class StepTrainer implements EpochTrainer {
  private readonly net: TrainableDense
  /** The options in use: batch size and L2 may change mid-run (offered on the gate). */
  private readonly options: { batchSize: number; l2: number }

  constructor(
    private readonly tf: typeof TF,
    private readonly arch: DenseArchitecture,
    init: DenseWeights,
    private readonly runs: EpochRuns,
    options: MlpOptions,
    private readonly rng: Random,
    private readonly gate: TrainingGate,
  ) {
    this.options = { batchSize: options.batchSize, l2: options.l2 }
    this.net = new TrainableDense(tf, arch.inputs, allLayers(arch), init, {
      kind: options.optimizer,
      learningRate: options.learningRate,
      momentum: options.momentum,
    })
  }

  /** What the user may change while this trainer runs; the returned function withdraws it. */
  offerSettings(): () => void {
    const o = this.options
    return offerSettings(this.gate, {
      learningRate: numberSetting(
        () => this.net.learningRate,
        (v) => (this.net.learningRate = v),
      ),
      batchSize: numberSetting(
        () => o.batchSize,
        (v) => (o.batchSize = v),
        positiveInteger,
      ),
      l2: numberSetting(
        () => o.l2,
        (v) => (o.l2 = v),
        nonNegativeNumber,
      ),
    })
  }

  async trainEpoch(): Promise<number> {
    let sum = 0
    let seen = 0
    for await (const run of this.runs(this.rng)) {
      const r = await this.trainRun(run)
      sum += r.sum
      seen += r.seen
      if (r.stopped) break
    }
    return seen ? sum / seen : NaN
  }

  /** The batches of one run in order: Σ loss × batch size, rows trained, and a stop. */
  private async trainRun(
    run: TrainArrays,
  ): Promise<{ sum: number; seen: number; stopped: boolean }> {
    const { tf, arch, options } = this
    const { n } = run
    const d = arch.inputs
    const seed = (): number => this.rng.uint32()
    const costs: TF.Scalar[] = []
    const sizes: number[] = []
    let stopped = false
    try {
      // The gate holds here while paused, applies changed settings, reports a cancel, and
      // yields to the event loop now and then; the batch size is read after it.
      for (let start = 0, b = 0; start < n; start += b) {
        if (!(await this.gate.beforeBatch())) {
          stopped = true
          break
        }
        b = Math.min(options.batchSize, n - start)
        const yb = tf.tensor2d(run.y.subarray(start, start + b), [b, 1], 'float32')
        // Weights divided by the batch size: the loss is then the plain weighted sum.
        const wScaled = run.w.slice(start, start + b)
        for (let i = 0; i < b; i++) wScaled[i] /= b
        const wb = tf.tensor2d(wScaled, [b, 1], 'float32')
        const loss = this.net.step(
          run.x.subarray(start * d, (start + b) * d),
          b,
          weightedBceHead(tf, yb, wb),
          { l2: options.l2, dropout: arch.dropout, dropoutSeed: seed },
        )
        yb.dispose()
        wb.dispose()
        costs.push(loss)
        sizes.push(b)
        // Read back only while the user holds the job (a step shows its batch's loss).
        if (this.gate.paused) this.gate.afterBatch(loss.dataSync()[0])
      }
      if (costs.length === 0) return { sum: 0, seen: 0, stopped }
      const stacked = tf.stack(costs)
      const values = await stacked.data()
      stacked.dispose()
      let sum = 0
      let seen = 0
      for (let k = 0; k < values.length; k++) {
        sum += values[k] * sizes[k]
        seen += sizes[k]
      }
      return { sum, seen, stopped }
    } finally {
      costs.forEach((c) => c.dispose())
    }
  }

  current(): readonly TF.Tensor[] {
    return this.net.variables()
  }

  assign(values: readonly TF.Tensor[]): void {
    this.net.assign(values)
  }

  dispose(): void {
    this.net.dispose()
  }
}

/**
 * tf.layers' model.fit, one call per epoch on the same seeded order as the step path. tfjs' fit
 * takes no sample weights, so the model gets the weights as a second input and passes them
 * through beside the logit ([z, w] output), where the loss reads them.
 */
class FitTrainer implements EpochTrainer {
  private readonly model: TF.LayersModel
  private readonly xT: TF.Tensor2D
  private readonly wT: TF.Tensor2D
  private readonly ywT: TF.Tensor2D

  constructor(
    private readonly tf: typeof TF,
    arch: DenseArchitecture,
    init: DenseWeights,
    private readonly train: TrainArrays,
    private readonly options: MlpOptions,
    private readonly rng: Random,
  ) {
    const xIn = tf.input({ shape: [arch.inputs] })
    const wIn = tf.input({ shape: [1] })
    let h = xIn
    for (const layer of stackLayers(tf, arch, { l2: options.l2, logitsOutput: true }))
      h = layer.apply(h) as TF.SymbolicTensor
    const zw = tf.layers.concatenate().apply([h, wIn]) as TF.SymbolicTensor
    this.model = tf.model({ inputs: [xIn, wIn], outputs: zw })
    this.assign(weightTensors(tf, arch, init), true)
    this.model.compile({
      optimizer: makeOptimizer(tf, options),
      loss: (yw: TF.Tensor, zw: TF.Tensor) =>
        tf.tidy(() => {
          const y = tf.slice(yw, [0, 0], [-1, 1])
          const z = tf.slice(zw, [0, 0], [-1, 1])
          const w = tf.slice(zw, [0, 1], [-1, 1])
          const bce = tf
            .relu(z)
            .sub(z.mul(y))
            .add(tf.log1p(tf.exp(tf.neg(tf.abs(z)))))
          return bce.mul(w).reshape([-1])
        }),
    })
    const { n } = train
    this.xT = tf.tensor2d(train.x, [n, arch.inputs], 'float32')
    this.wT = tf.tensor2d(train.w, [n, 1], 'float32')
    // The target's second column is unused (the output's carries the weight); shapes must match.
    this.ywT = tf.tidy(() => tf.concat([tf.tensor2d(train.y, [n, 1]), tf.zeros([n, 1])], 1))
  }

  async trainEpoch(): Promise<number> {
    const { tf } = this
    const order = tf.tensor1d(Int32Array.from(this.rng.permutation(this.train.n)), 'int32')
    const [xe, we, ye] = tf.tidy(() => [
      tf.gather(this.xT, order),
      tf.gather(this.wT, order),
      tf.gather(this.ywT, order),
    ])
    order.dispose()
    try {
      const h = await this.model.fit([xe, we], ye, {
        batchSize: this.options.batchSize,
        epochs: 1,
        shuffle: false,
        verbose: 0,
      })
      return Number(h.history.loss[0])
    } finally {
      xe.dispose()
      we.dispose()
      ye.dispose()
    }
  }

  current(): readonly TF.Tensor[] {
    return this.model.getWeights()
  }

  assign(values: readonly TF.Tensor[], dispose = false): void {
    this.model.setWeights([...values])
    if (dispose) values.forEach((t) => t.dispose())
  }

  dispose(): void {
    this.model.optimizer.dispose()
    this.model.dispose()
    this.xT.dispose()
    this.wT.dispose()
    this.ywT.dispose()
  }
}

function trainArrays(data: TrainingData, pre: Preprocessing, rows: Uint32Array): TrainArrays {
  const n = rows.length
  const x = applyPreprocessing(pre, gatherRows(data.x, data.d, rows), n)
  const y = new Float32Array(n)
  const w = new Float32Array(n)
  for (let r = 0; r < n; r++) {
    y[r] = data.y[rows[r]]
    w[r] = data.w[rows[r]]
  }
  return { x, y, w, n }
}

/**
 * Trains the network on the training part of `data` (validation loss on the validation part,
 * both with the training weights `w`), inputs transformed by `pre`. Weights are initialised,
 * shuffled and dropped out from `seed`: the same seed, data and backend give the same network.
 * Throws when there is nothing to train on; divergence, early stopping and cancel end the
 * training normally with `summary.stopped` saying why and a warning where the user should know.
 */
export async function trainMlp(
  data: TrainingData,
  pre: Preprocessing,
  options: MlpOptions,
  seed: number,
  ctx: JobContext,
  path: MlpEpochPath = 'step',
): Promise<MlpTraining> {
  const { tf, backend } = await chooseBackend()
  const warnings: string[] = []
  const train = trainArrays(data, pre, indicesOf(data, PART.train))
  if (train.n === 0) throw new Error('no training events: check the samples, region and split')
  let sumW = 0
  let sumAbs = 0
  for (let i = 0; i < train.n; i++) {
    sumW += train.w[i]
    sumAbs += Math.abs(train.w[i])
  }
  if (!(sumAbs > 0)) throw new Error('every training event has weight 0: nothing to learn from')
  if (!(sumW > 0)) {
    warnings.push('the training weights sum to zero or less; their absolute values are used')
    for (let i = 0; i < train.n; i++) train.w[i] = Math.abs(train.w[i])
    sumW = sumAbs
  }
  const meanW = sumW / train.n
  for (let i = 0; i < train.n; i++) train.w[i] /= meanW

  const val = trainArrays(data, pre, indicesOf(data, PART.validation))
  let valSum = 0
  for (let i = 0; i < val.n; i++) valSum += val.w[i]
  if (val.n > 0 && !(valSum > 0)) {
    warnings.push('the validation weights sum to zero or less; their absolute values are used')
    for (let i = 0; i < val.n; i++) val.w[i] = Math.abs(val.w[i])
  }
  const hasValidation = val.n > 0 && val.w.some((v) => v !== 0)
  if (!hasValidation)
    warnings.push('no validation events: early stopping and the best epoch use the training loss')

  const arch = mlpArchitecture(options, data.d)
  return runNetwork({
    tf,
    backend,
    arch,
    options,
    seed,
    ctx,
    warnings,
    pre,
    inputs: data.inputs,
    trainEvents: train.n,
    trainer: (init, rng, gate) =>
      path === 'step'
        ? new StepTrainer(tf, arch, init, shuffledRuns(train, data.d), options, rng, gate)
        : new FitTrainer(tf, arch, init, train, options, rng),
    validate: (trainer, lastLoss) =>
      hasValidation
        ? weightedLoss(tf, arch, trainer.current(), val.x, val.y, val.w, val.n, options.l2)
        : lastLoss,
  })
}

/** What runNetwork needs besides the epochs: the trainer and how to validate. */
interface NetworkRun {
  readonly tf: typeof TF
  readonly backend: BackendName
  readonly arch: DenseArchitecture
  readonly options: MlpOptions
  readonly seed: number
  readonly ctx: JobContext
  /** The data set's warnings so far (the run's are added). */
  readonly warnings: string[]
  readonly pre: Preprocessing
  readonly inputs: readonly string[]
  /** Training events (throughput). */
  readonly trainEvents: number
  trainer(init: DenseWeights, rng: Random, gate: TrainingGate): EpochTrainer
  /** The validation loss with the trainer's current weights (`lastLoss`: the epoch's). */
  validate(trainer: EpochTrainer, lastLoss: number): number | Promise<number>
}

/**
 * The epochs of a network (in memory or streamed): initial weights from the seed, a second
 * stream for shuffles and dropout, the gate's settings offered, best epoch kept.
 */
async function runNetwork(run: NetworkRun): Promise<MlpTraining> {
  const { tf, arch, options, seed, ctx, warnings } = run
  const init = initialWeights(arch, seed)
  // A second stream for shuffles and dropout masks, independent of the initial weights.
  const rng = new Random((seed ^ 0x5f3759df) >>> 0)
  const gate = gateOf(ctx)
  const trainer = run.trainer(init, rng, gate)
  const withdraw = trainer instanceof StepTrainer ? trainer.offerSettings() : () => {}
  let best: TF.Tensor[] = []
  let lastLoss = NaN
  let weights: DenseWeights
  let result
  try {
    result = await runEpochs({
      epochs: options.epochs,
      patience: options.patience,
      ctx,
      // The fit path runs a whole epoch in model.fit: it can be held between epochs only.
      trainEpoch: async (epoch) =>
        (lastLoss = (await gate.beforeEpoch()) ? await trainer.trainEpoch(epoch) : NaN),
      validate: () => run.validate(trainer, lastLoss),
      checkpoint: () => {
        best.forEach((t) => t.dispose())
        best = trainer.current().map((t) => tf.clone(t))
      },
      restore: () => trainer.assign(best),
    })
    if (result.bestEpoch < 0) {
      // Nothing better than the start was kept (diverged or cancelled in the first epoch).
      const start = weightTensors(tf, arch, init)
      trainer.assign(start)
      start.forEach((t) => t.dispose())
    }
    weights = trainer.current().map((t) => new Float32Array(t.dataSync()))
  } finally {
    withdraw()
    best.forEach((t) => t.dispose())
    trainer.dispose()
  }

  warnings.push(...stoppedTrainingWarnings(result))

  const artifacts = await toArtifacts(tf, arch, weights)
  const epochsTrained = result.history.loss.length
  return {
    classifier: networkClassifier(() => tf, arch, weights, run.pre, run.inputs),
    summary: {
      kind: 'mlp',
      parameters: parameterCount(arch),
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      stopped: result.stopped,
      history: result.history,
    },
    warnings,
    artifacts,
    trainSeconds: result.trainSeconds,
    eventsPerSecond:
      result.trainSeconds > 0 ? (run.trainEvents * epochsTrained) / result.trainSeconds : 0,
    backend: run.backend,
  }
}

/**
 * Trains the network as trainMlp does on a training set streamed from chunks (streamed-set.ts)
 * holding at most `windowRows` training rows at once: each epoch the chunks in a stratified
 * seeded order (every window holds every sample in proportion), cut into windows, each
 * window's training rows in a seeded permutation and trained in batches; the validation loss
 * summed chunk by chunk. The same weights, preprocessing and split as in memory; the batches
 * differ (drawn per window, not from all events), so the network is close, not equal.
 */
export async function trainMlpStreamed(
  set: StreamedSet,
  pre: Preprocessing,
  options: MlpOptions,
  seed: number,
  ctx: JobContext,
  windowRows: number,
): Promise<MlpTraining> {
  const { tf, backend } = await chooseBackend()
  const warnings: string[] = []
  const d = set.d
  if (windowRows < options.batchSize)
    throw new Error(
      `the memory budget holds ${windowRows} training events of ${d} inputs at once, fewer than one batch (${options.batchSize}): raise the budget or lower the batch size`,
    )
  // Reads inside an epoch report no progress of their own (the epoch loop does) and finish
  // once begun: a cancel stops the training at the gate's next batch, with what it learned.
  const quiet = silentContext()
  const all = allChunks(set)
  // The training and validation weights as memory holds them (float32), summed in event order.
  let trainN = 0
  let sumW = 0
  let sumAbs = 0
  let valN = 0
  let valSum = 0
  let valNonZero = false
  await set.each(
    all,
    (_, rows) => {
      for (let i = 0; i < rows.n; i++) {
        const w = Math.fround(rows.w[i])
        if (rows.part[i] === PART.train) {
          trainN++
          sumW += w
          sumAbs += Math.abs(w)
        } else if (rows.part[i] === PART.validation) {
          valN++
          valSum += w
          if (w !== 0) valNonZero = true
        }
      }
    },
    ctx,
  )
  if (trainN === 0) throw new Error('no training events: check the samples, region and split')
  if (!(sumAbs > 0)) throw new Error('every training event has weight 0: nothing to learn from')
  const absolute = !(sumW > 0)
  if (absolute) {
    warnings.push('the training weights sum to zero or less; their absolute values are used')
    sumW = sumAbs
  }
  const meanW = sumW / trainN
  const valAbsolute = valN > 0 && !(valSum > 0)
  if (valAbsolute)
    warnings.push('the validation weights sum to zero or less; their absolute values are used')
  const hasValidation = valN > 0 && valNonZero
  if (!hasValidation)
    warnings.push('no validation events: early stopping and the best epoch use the training loss')

  /** Rows of one part gathered from chunks: raw inputs, labels, float32 weights as memory's. */
  class Gathered {
    readonly raw: Float64Array
    readonly y: Float32Array
    readonly w: Float32Array
    n = 0
    constructor(
      readonly size: number,
      private readonly part: number,
    ) {
      this.raw = new Float64Array(size * d)
      this.y = new Float32Array(size)
      this.w = new Float32Array(size)
    }
    add(rows: ChunkRows): void {
      for (let i = 0; i < rows.n; i++) {
        if (rows.part[i] !== this.part) continue
        const r = this.n++
        this.raw.set(rows.x.subarray(i * d, (i + 1) * d), r * d)
        this.y[r] = rows.y[i]
        const w = Math.fround(rows.w[i])
        this.w[r] =
          this.part === PART.train
            ? (absolute ? Math.abs(w) : w) / meanW
            : valAbsolute
              ? Math.abs(w)
              : w
      }
    }
    /** The rows preprocessed, in `order` (default: as gathered). */
    arrays(order?: Uint32Array): TrainArrays {
      const { n } = this
      const x = applyPreprocessing(pre, this.raw.subarray(0, n * d), n)
      if (!order) return { x, y: this.y.subarray(0, n), w: this.w.subarray(0, n), n }
      const out = { x: new Float32Array(n * d), y: new Float32Array(n), w: new Float32Array(n), n }
      for (let r = 0; r < n; r++) {
        const i = order[r]
        out.x.set(x.subarray(i * d, (i + 1) * d), r * d)
        out.y[r] = this.y[i]
        out.w[r] = this.w[i]
      }
      return out
    }
  }
  const withTrain = all.filter((k) => set.rows(k, PART.train) > 0)
  const withValidation = all.filter((k) => set.rows(k, PART.validation) > 0)
  const runs: EpochRuns = async function* (rng) {
    const order = stratifiedOrder(withTrain.length, (i) => set.sampleOf(withTrain[i]), rng)
    const windows = windowsOf(
      order.map((i) => withTrain[i]),
      (k) => set.rows(k, PART.train),
      windowRows,
    )
    for (const win of windows) {
      const held = new Gathered(
        win.reduce((a, k) => a + set.rows(k, PART.train), 0),
        PART.train,
      )
      await set.each(win, (_, rows) => held.add(rows), quiet)
      yield held.arrays(rng.permutation(held.n))
    }
  }
  const arch = mlpArchitecture(options, d)
  return runNetwork({
    tf,
    backend,
    arch,
    options,
    seed,
    ctx,
    warnings,
    pre,
    inputs: set.inputs,
    trainEvents: trainN,
    trainer: (init, rng, gate) => new StepTrainer(tf, arch, init, runs, options, rng, gate),
    async validate(trainer, lastLoss) {
      if (!hasValidation) return lastLoss
      const sum = new WeightedBce(tf, arch, trainer.current())
      await set.each(
        withValidation,
        (k, rows) => {
          const part = new Gathered(set.rows(k, PART.validation), PART.validation)
          part.add(rows)
          const v = part.arrays()
          sum.add(v.x, v.y, v.w, v.n)
        },
        quiet,
      )
      return sum.finish(options.l2)
    },
  })
}

/**
 * A Classifier scoring raw inputs: preprocessing, then the network's sigmoid output, on
 * TensorFlow.js when `tf()` gives a started backend, in plain JavaScript otherwise.
 */
function networkClassifier(
  tf: () => typeof TF | undefined,
  arch: DenseArchitecture,
  weights: DenseWeights,
  pre: Preprocessing,
  inputs: readonly string[],
): Classifier {
  if (pre.d !== arch.inputs || inputs.length !== arch.inputs)
    throw new Error(
      `the network takes ${arch.inputs} inputs but ${inputs.length} input names and a preprocessing of ${pre.d} were given`,
    )
  const names = [...inputs]
  return {
    kind: 'mlp',
    inputs: names,
    score(x: Float64Array, n: number): Float64Array {
      const t = tf()
      const w = t ? weightTensors(t, arch, weights) : []
      try {
        const out = new Float64Array(n)
        const d = arch.inputs
        // Preprocess chunk by chunk so a large input never needs a second full-size copy.
        for (let start = 0; start < n; start += SCORE_CHUNK) {
          const rows = Math.min(SCORE_CHUNK, n - start)
          const xs = applyPreprocessing(pre, x.subarray(start * d, (start + rows) * d), rows)
          out.set(t ? scoreRows(t, arch, w, xs, rows) : scoreRowsJs(arch, weights, xs, rows), start)
        }
        return out
      } finally {
        w.forEach((v) => v.dispose())
      }
    },
  }
}

/** TensorFlow.js if a backend has already been started in this process (no start here). */
function startedTf(): typeof TF | undefined {
  const tf = requireHere('@tensorflow/tfjs') as typeof TF
  return tf.engine().backendName ? tf : undefined
}

/**
 * The classifier of a stored network (artifacts from trainMlp, e.g. read from the project);
 * throws naming what is wrong with the artifacts. Synchronous: it scores on TensorFlow.js when
 * a backend is running (starting one if none is) and in plain JavaScript until then.
 */
export function mlpFromArtifacts(
  artifacts: MlpArtifacts,
  pre: Preprocessing,
  inputs: readonly string[],
): Classifier {
  const { arch, weights } = fromArtifacts(artifacts)
  let tf = startedTf()
  if (!tf)
    chooseBackend().then(
      (c) => (tf = c.tf),
      () => undefined, // no backend at all: keep scoring in JavaScript
    )
  return networkClassifier(() => tf, arch, weights, pre, inputs)
}
