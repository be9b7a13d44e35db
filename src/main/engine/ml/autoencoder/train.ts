/**
 * Training an autoencoder or a VAE on the background training events (sample weights
 * honoured) through the shared epoch loop (ml/train-loop.ts): early stopping on the validation
 * background's loss, the best epoch's weights kept, NaN and cancel stops. Each epoch reports
 * loss, val_loss and the components (reconstruction, kl, val_reconstruction, val_kl).
 *
 * The training loss is the weighted mean over events of reconstruction + β·KL with the noise
 * of the reparameterisation; the validation loss decodes the latent mean (no noise), so early
 * stopping does not chase noise. Weights, shuffles and noise come from the seed: the same seed,
 * data and backend give the same model. Events come from a TrainingFeed (feed.ts): in memory,
 * or streamed from chunks under a memory budget (megaset.ts).
 */
import type * as TF from '@tensorflow/tfjs'
import type { BackendName } from '../../../../shared/api'
import type { AnomalyConfig, AnomalySummary } from '../../../../shared/contract/anomaly'
import { Random } from '../../data/random'
import { gateOf, type JobContext } from '../../jobs/context'
import { chooseBackend } from '../backend'
import { offerLearningRate, tfLearningRate } from '../gate-settings'
import type { TrainingData } from '../dataset'
import { runEpochs, stoppedTrainingWarnings } from '../train-loop'
import { memoryFeed, type RawRows, type TrainingFeed } from './feed'
import { applyInputTransform, fitInputTransform } from './input-transform'
import { dataConstant, familyMismatch } from './likelihoods'
import {
  type AnomalyArchitecture,
  anomalyArchitecture,
  type AnomalyModel,
  type AnomalyWeights,
  eventLosses,
  groupedTargets,
  lossTensors,
  type ModelTensors,
  parameterCount,
  targets,
  tensorRunner,
} from './model'
import { initialStackWeights } from './network'
import { watchSet, type WatchSet, watchSnapshot } from './watch'
import { ANOMALY_WATCH } from '../../../../shared/contract/anomaly-watch'
import { finiteOrNull } from '../../../../shared/contract/common'

export interface AnomalyTraining {
  readonly model: AnomalyModel
  readonly summary: AnomalySummary
  readonly warnings: string[]
  /** Background training and validation events. */
  readonly events: { train: number; validation: number }
  readonly trainSeconds: number
  readonly eventsPerSecond: number
  readonly backend: BackendName
}

/**
 * Raw bias of the VAE encoder's log σ outputs at the start. With the usual 0 (σ = 1) the
 * decoder learns to ignore a noisy latent direction and nothing then narrows it (its gradient
 * vanishes with the decoder's use of it): with β = 0 half the latent space stayed noise in our
 * tests. Starting narrow (σ ≈ 0.06) begins as an autoencoder; the KL term widens σ when β > 0.
 */
const INITIAL_LOG_SIGMA = -3

/** The initial weights of `arch` from `seed` (prior N(0, 1) when trainable). */
export function initialWeights(arch: AnomalyArchitecture, seed: number): AnomalyWeights {
  const rng = new Random(seed)
  const encoder = initialStackWeights(arch.encoder, rng)
  if (arch.kind === 'vae') encoder[encoder.length - 1].fill(INITIAL_LOG_SIGMA, arch.latent)
  return {
    encoder,
    decoder: initialStackWeights(arch.decoder, rng),
    prior: arch.trainablePrior
      ? { mean: new Float32Array(arch.latent), logSigma: new Float32Array(arch.latent) }
      : null,
  }
}

/**
 * Trains the model `config` describes on the background training part of `data` (held in
 * memory) and returns it with its history. Throws (naming the input) when a likelihood family
 * does not fit the values, and when there is nothing to train on.
 */
export function trainAnomaly(
  data: TrainingData,
  config: AnomalyConfig,
  ctx: JobContext,
): Promise<AnomalyTraining> {
  // Watched (ctx.snapshot): a sample of every process, shown as the model learns.
  return trainOnFeed(memoryFeed(data), config, ctx, ctx.snapshot ? watchSet(data) : undefined)
}

/** The watch snapshots are taken at most this often while running (ms); every step when paused. */
const WATCH_MS = 250

/**
 * Trains on the events a feed hands out: the preprocessing fitted on `feed.fitRows()`, then each
 * epoch one seeded permutation of all training events, fetched window by window (batches never
 * straddle windows: the window size is a multiple of the batch size), so a streamed feed gives
 * the same batches, and the same model, as one in memory.
 */
export async function trainOnFeed(
  feed: TrainingFeed,
  config: AnomalyConfig,
  ctx: JobContext,
  watch?: WatchSet,
): Promise<AnomalyTraining> {
  const { tf, backend } = await chooseBackend()
  const { options } = config
  const warnings: string[] = []
  const arch = anomalyArchitecture(config)
  const inputs = feed.inputs
  const d = inputs.length
  const n = feed.trainCount
  if (n === 0) throw new Error('no background training events')
  if (feed.windowSize < n && feed.windowSize % options.batchSize !== 0)
    throw new Error(
      `the feed's window of ${feed.windowSize} events is not a multiple of the batch size ${options.batchSize}`,
    )
  const fit = await feed.fitRows()
  const transform = feed.fitTransform
    ? await feed.fitTransform(config.preprocess)
    : fitInputTransform(
        fit.x,
        inputs,
        Uint32Array.from({ length: fit.n }, (_, i) => i),
        fit.w,
        config.preprocess,
      )
  const checkFamilies = (rows: RawRows) => {
    if (arch.kind !== 'vae') return
    arch.families.forEach((family, j) => {
      const col = Float64Array.from({ length: rows.n }, (_, r) => rows.x[r * d + j])
      const why = familyMismatch(family, col)
      if (why) throw new Error(`input '${inputs[j]}': ${why}`)
    })
  }
  checkFamilies(fit)
  const { sum, abs } = feed.weightSums
  if (!(abs > 0)) throw new Error('every background training event has weight 0')
  const absolute = !(sum > 0)
  if (absolute)
    warnings.push('the training weights sum to zero or less; their absolute values are used')
  // Mean weight 1: a batch's Σ w·loss / b then estimates the weighted mean loss.
  const scale = n / (absolute ? abs : sum)
  const hasValidation = feed.validationCount > 0
  if (!hasValidation)
    warnings.push(
      'no validation background: early stopping and the best epoch use the training loss',
    )

  /** A window's tensors: preprocessed inputs, targets in family-group order, scaled weights. */
  const prepare = (rows: RawRows) => {
    checkFamilies(rows)
    const xin = applyInputTransform(transform, rows.x, rows.n)
    const target = targets(arch, rows.x, xin, rows.n)
    const w = Float32Array.from(rows.w, (v) => (absolute ? Math.abs(v) : v) * scale)
    // The Poisson log x! the tensors leave out (weighted), added to the reported loss.
    let constant = 0
    if (arch.kind === 'vae')
      for (let i = 0; i < rows.n; i++)
        for (let j = 0; j < d; j++)
          constant += w[i] * dataConstant(arch.families[j], target[i * d + j])
    return {
      x: tf.tensor2d(xin, [rows.n, d]),
      t: tf.tensor2d(groupedTargets(arch, target, rows.n), [rows.n, d]),
      w: tf.tensor1d(w),
      constant,
    }
  }

  const init = initialWeights(arch, options.seed)
  const rng = new Random((options.seed ^ 0x2545f491) >>> 0)
  const optimizer =
    options.optimizer === 'adam'
      ? tf.train.adam(options.learningRate)
      : tf.train.momentum(options.learningRate, options.momentum)
  // Unnamed variables: tfjs names them uniquely, so two trainings can run side by side.
  const variable = <R extends TF.Rank>(t: TF.Tensor<R>): TF.Variable<R> => {
    const v = tf.variable(t, true)
    t.dispose()
    return v
  }
  const encoder = init.encoder.map((a, i) => variable(tf.tensor(a, shapeOf(arch, 'encoder', i))))
  const decoder = init.decoder.map((a, i) => variable(tf.tensor(a, shapeOf(arch, 'decoder', i))))
  const prior = init.prior
    ? {
        mean: variable(tf.tensor1d(init.prior.mean)),
        logSigma: variable(tf.tensor1d(init.prior.logSigma)),
      }
    : null
  const vars: TF.Variable[] = [
    ...encoder,
    ...decoder,
    ...(prior ? [prior.mean, prior.logSigma] : []),
  ]
  const tensors: ModelTensors = { encoder, decoder, prior }
  const fwT = tf.tensor1d(arch.featureWeights as number[])

  const components = { recon: NaN, kl: NaN, valRecon: NaN, valKl: NaN }
  const history = { reconstruction: [] as (number | null)[], kl: [] as (number | null)[] }
  const valHistory = { reconstruction: [] as (number | null)[], kl: [] as (number | null)[] }
  let lastLoss = NaN

  // Held while paused, stepped by batch or epoch; the learning rate may change mid-run.
  const gate = gateOf(ctx)
  const withdraw = offerLearningRate(gate, tfLearningRate(optimizer))

  // The watch: the model on fixed events, after a step while paused, throttled while running.
  let epochsBegun = 0
  let batchesRun = 0
  let lastWatch = -Infinity
  const snapshot = ctx.snapshot?.bind(ctx)
  const look = (force: boolean): void => {
    if (!watch || !snapshot) return
    const now = performance.now()
    if (!force && now - lastWatch < WATCH_MS) return
    lastWatch = now
    const m: AnomalyModel = { arch, weights: { encoder: [], decoder: [], prior: null }, transform }
    const priorNow = prior
      ? { mean: prior.mean.dataSync(), logSigma: prior.logSigma.dataSync() }
      : null
    const picture = watchSnapshot(m, tensorRunner(tf, arch, tensors), watch, priorNow, {
      epoch: epochsBegun,
      batch: batchesRun,
    })
    snapshot(ANOMALY_WATCH, batchesRun, picture)
  }
  look(true)

  const trainEpoch = async (): Promise<number> => {
    if (!(await gate.beforeEpoch())) return NaN
    epochsBegun++
    const order = rng.permutation(n)
    let sumR: TF.Scalar = tf.scalar(0)
    let sumK: TF.Scalar = tf.scalar(0)
    let constant = 0
    let seen = 0
    try {
      for (let from = 0; from < n && !ctx.signal.aborted; from += feed.windowSize) {
        const to = Math.min(n, from + feed.windowSize)
        const win = prepare(await feed.window(order, from, to))
        constant += win.constant
        try {
          for (let start = 0; start < to - from; start += options.batchSize) {
            if (!(await gate.beforeBatch())) break
            const b = Math.min(options.batchSize, to - from - start)
            const seed = rng.uint32()
            let r: TF.Scalar | null = null
            let k: TF.Scalar | null = null
            const cost = optimizer.minimize(
              () => {
                const xb = tf.slice(win.x, [start, 0], [b, d]) as TF.Tensor2D
                const tb = tf.slice(win.t, [start, 0], [b, d]) as TF.Tensor2D
                const wb = tf.slice(win.w, [start], [b])
                const noise =
                  arch.kind === 'vae'
                    ? (tf.randomNormal([b, arch.latent], 0, 1, 'float32', seed) as TF.Tensor2D)
                    : null
                const l = lossTensors(tf, arch, tensors, xb, tb, noise, fwT)
                const rs = tf.keep(tf.sum(l.recon.mul(wb)) as TF.Scalar)
                r = rs
                let loss: TF.Scalar = rs
                if (l.kl) {
                  const ks = tf.keep(tf.sum(l.kl.mul(wb)) as TF.Scalar)
                  k = ks
                  loss = loss.add(ks.mul(arch.beta))
                }
                return loss.div(b) as TF.Scalar
              },
              false,
              vars,
            )
            cost?.dispose()
            const rr = r as TF.Scalar | null
            const kk = k as TF.Scalar | null
            const [nr, nk] = tf.tidy(() => [
              rr ? sumR.add<TF.Scalar>(rr) : sumR.clone(),
              kk ? sumK.add<TF.Scalar>(kk) : sumK.clone(),
            ])
            // Read back only while the user holds the job (a step shows its batch's loss).
            if (gate.paused && rr)
              gate.afterBatch((rr.dataSync()[0] + arch.beta * (kk ? kk.dataSync()[0] : 0)) / b)
            rr?.dispose()
            kk?.dispose()
            sumR.dispose()
            sumK.dispose()
            sumR = nr
            sumK = nk
            seen += b
            batchesRun++
            look(gate.paused)
          }
        } finally {
          win.x.dispose()
          win.t.dispose()
          win.w.dispose()
        }
      }
      if (seen === 0) return NaN
      look(true)
      components.recon = ((await sumR.data())[0] + constant) / seen
      components.kl = arch.kind === 'vae' ? (await sumK.data())[0] / seen : NaN
      return components.recon + (arch.kind === 'vae' ? arch.beta * components.kl : 0)
    } finally {
      sumR.dispose()
      sumK.dispose()
    }
  }

  const current = (): AnomalyModel => ({ arch, weights: readWeights(tensors), transform })
  const validate = async (): Promise<number> => {
    if (!hasValidation) {
      components.valRecon = NaN
      components.valKl = NaN
      return lastLoss
    }
    const m: AnomalyModel = { arch, weights: { encoder: [], decoder: [], prior: null }, transform }
    const priorNow = prior
      ? { mean: prior.mean.dataSync(), logSigma: prior.logSigma.dataSync() }
      : null
    const run = tensorRunner(tf, arch, tensors)
    // Weighted sums in event order, chunk after chunk (|w|: a validation loss is an average).
    let sw = 0
    let total = 0
    let recon = 0
    let klSum = 0
    for await (const rows of feed.validation()) {
      const losses = eventLosses(m, run, rows.x, rows.n, priorNow)
      for (let i = 0; i < rows.n; i++) {
        const wi = Math.abs(rows.w[i])
        sw += wi
        total += wi * losses.total[i]
        recon += wi * losses.reconstruction[i]
        klSum += wi * losses.kl[i]
      }
    }
    components.valRecon = recon / sw
    components.valKl = arch.kind === 'vae' ? klSum / sw : NaN
    return total / sw
  }

  let best: TF.Tensor[] = []
  let result
  let weights: AnomalyWeights
  try {
    result = await runEpochs({
      epochs: options.epochs,
      patience: options.patience,
      ctx,
      trainEpoch: async () => (lastLoss = await trainEpoch()),
      validate,
      checkpoint: () => {
        best.forEach((t) => t.dispose())
        best = vars.map((v) => tf.clone(v))
      },
      restore: () => vars.forEach((v, i) => v.assign(best[i])),
      extraMetrics: () => {
        history.reconstruction.push(finiteOrNull(components.recon))
        valHistory.reconstruction.push(finiteOrNull(components.valRecon))
        if (arch.kind === 'vae') {
          history.kl.push(finiteOrNull(components.kl))
          valHistory.kl.push(finiteOrNull(components.valKl))
        }
        const m: Record<string, number> = {
          reconstruction: components.recon,
          val_reconstruction: components.valRecon,
        }
        if (arch.kind === 'vae') {
          m.kl = components.kl
          m.val_kl = components.valKl
        }
        return m
      },
    })
    if (result.bestEpoch < 0) {
      const start = [
        ...init.encoder.map((a, i) => tf.tensor(a, shapeOf(arch, 'encoder', i))),
        ...init.decoder.map((a, i) => tf.tensor(a, shapeOf(arch, 'decoder', i))),
        ...(init.prior ? [tf.tensor1d(init.prior.mean), tf.tensor1d(init.prior.logSigma)] : []),
      ]
      vars.forEach((v, i) => v.assign(start[i]))
      start.forEach((t) => t.dispose())
    }
    weights = current().weights
  } finally {
    withdraw()
    best.forEach((t) => t.dispose())
    vars.forEach((v) => v.dispose())
    optimizer.dispose()
    fwT.dispose()
  }

  warnings.push(...stoppedTrainingWarnings(result))
  const epochsRun = result.history.loss.length
  return {
    model: { arch, weights, transform },
    summary: {
      kind: arch.kind,
      parameters: parameterCount(arch),
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      stopped: result.stopped,
      history: {
        ...result.history,
        reconstruction: history.reconstruction,
        kl: history.kl,
        val_reconstruction: valHistory.reconstruction,
        val_kl: valHistory.kl,
      },
      logInputs: inputs.filter((_, j) => transform.log[j]),
    },
    warnings,
    events: { train: n, validation: feed.validationCount },
    trainSeconds: result.trainSeconds,
    eventsPerSecond: result.trainSeconds > 0 ? (n * epochsRun) / result.trainSeconds : 0,
    backend,
  }
}

function shapeOf(arch: AnomalyArchitecture, which: 'encoder' | 'decoder', i: number): number[] {
  const stack = arch[which]
  const k = Math.floor(i / 2)
  const fanIn = k === 0 ? stack.inputs : stack.layers[k - 1].units
  return i % 2 === 0 ? [fanIn, stack.layers[k].units] : [stack.layers[k].units]
}

function readWeights(t: ModelTensors): AnomalyWeights {
  return {
    encoder: t.encoder.map((v) => new Float32Array(v.dataSync())),
    decoder: t.decoder.map((v) => new Float32Array(v.dataSync())),
    prior: t.prior
      ? {
          mean: new Float32Array(t.prior.mean.dataSync()),
          logSigma: new Float32Array(t.prior.logSigma.dataSync()),
        }
      : null,
  }
}
