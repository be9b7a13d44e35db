/**
 * The neural network classifier (ml/mlp.ts) on the wasm backend: learning, the weighted loss
 * against a hand computation, early stopping with the best-epoch checkpoint, divergence,
 * cancel, the stored/exported format, tensor hygiene, and our train step against model.fit.
 * References are written plainly here (AUC by pair counting, BCE and forward passes in float64).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type * as TF from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MlpOptions } from '../../../src/shared/contract/train'
import { Random } from '../../../src/main/engine/data/random'
import { silentContext, type JobContext } from '../../../src/main/engine/jobs/context'
import { chooseBackend } from '../../../src/main/engine/ml/backend'
import { indicesOf, PART, type TrainingData } from '../../../src/main/engine/ml/dataset'
import {
  allLayers,
  type DenseArchitecture,
  type DenseWeights,
  initialWeights,
  scoreRowsJs,
  weightedLoss,
  weightTensors,
} from '../../../src/main/engine/ml/dense-network'
import { denseLossAndGradients, weightedBceHead } from '../../../src/main/engine/ml/dense-backprop'
import { fromArtifacts, MODEL_JSON, WEIGHTS_BIN } from '../../../src/main/engine/ml/layers-format'
import {
  mlpArchitecture,
  mlpFromArtifacts,
  mlpToFiles,
  trainMlp,
} from '../../../src/main/engine/ml/mlp'
import type { Preprocessing } from '../../../src/main/engine/ml/preprocess'

let tf: typeof TF
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-mlp-'))

beforeAll(async () => {
  const choice = await chooseBackend()
  tf = choice.tf
  expect(choice.backend).toBe(process.env.HEPWB_BACKEND ?? 'wasm')
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/**
 * n events with d inputs: signal ~ N(+shift, 1), background ~ N(−shift, 1) per input (or random
 * labels when shift = 0); parts 60 / 20 / 20 %; weights 0.5–1.5 (signal ×`signalScale`).
 */
function gaussians(n: number, d: number, shift: number, seed: number, signalScale = 1) {
  const rng = new Random(seed)
  const x = new Float64Array(n * d)
  const y = new Uint8Array(n)
  const w = new Float64Array(n)
  const part = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    y[i] = i % 2
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal() + (y[i] ? shift : -shift)
    w[i] = (0.5 + rng.uniform()) * (y[i] ? signalScale : 1)
    const u = rng.uniform()
    part[i] = u < 0.6 ? PART.train : u < 0.8 ? PART.validation : PART.test
  }
  const data: TrainingData = {
    inputs: Array.from({ length: d }, (_, j) => `x${j}`),
    n,
    d,
    x,
    y,
    w,
    weight: w,
    part,
    sample: Uint16Array.from(y, (v) => 1 - v),
    samples: [
      { name: 'sig', role: 'signal' },
      { name: 'bkg', role: 'background' },
    ],
  }
  return data
}

function identity(d: number): Preprocessing {
  return {
    d,
    mean: new Array<number>(d).fill(0),
    transform: Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0)),
  }
}

const options = (o: Partial<MlpOptions>): MlpOptions =>
  ({ ...MlpOptions.parse({}), ...o }) as MlpOptions

function rowsOf(data: TrainingData, part: number): { x: Float64Array; i: Uint32Array } {
  const i = indicesOf(data, part as 0 | 1 | 2)
  const x = new Float64Array(i.length * data.d)
  i.forEach((r, k) => x.set(data.x.subarray(r * data.d, (r + 1) * data.d), k * data.d))
  return { x, i }
}

/** AUC by counting signal–background pairs (ties count ½), unweighted. */
function aucByPairs(score: Float64Array, label: Uint8Array): number {
  let wins = 0
  let pairs = 0
  for (let a = 0; a < score.length; a++)
    if (label[a])
      for (let b = 0; b < score.length; b++)
        if (!label[b]) {
          pairs++
          wins += score[a] > score[b] ? 1 : score[a] === score[b] ? 0.5 : 0
        }
  return wins / pairs
}

/** The network's sigmoid output in float64, written out plainly. */
function forwardByHand(arch: DenseArchitecture, w: DenseWeights, x: ArrayLike<number>): number {
  let h = Array.from(x)
  const layers = [...arch.layers, { units: 1, activation: 'sigmoid' as const, alpha: 0 }]
  layers.forEach((l, k) => {
    const kernel = w[2 * k]
    const bias = w[2 * k + 1]
    const next: number[] = []
    for (let u = 0; u < l.units; u++) {
      let s = bias[u]
      for (let j = 0; j < h.length; j++) s += h[j] * kernel[j * l.units + u]
      next.push(
        l.activation === 'relu'
          ? Math.max(s, 0)
          : l.activation === 'leaky_relu'
            ? s > 0
              ? s
              : l.alpha * s
            : l.activation === 'tanh'
              ? Math.tanh(s)
              : l.activation === 'sigmoid'
                ? 1 / (1 + Math.exp(-s))
                : s,
      )
    }
    h = next
  })
  return h[0]
}

/** Σ w·BCE / Σ w over the rows `rows` with probabilities p (float64). */
function weightedBceByHand(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
): number {
  let s = 0
  let sw = 0
  for (let i = 0; i < p.length; i++) {
    s += w[i] * -(y[i] ? Math.log(p[i]) : Math.log(1 - p[i]))
    sw += w[i]
  }
  return s / sw
}

describe('trainMlp', () => {
  it('learns two separated Gaussians (test AUC > 0.95) and reports its run', async () => {
    const data = gaussians(1200, 3, 0.8, 11)
    const metrics: string[] = []
    const ctx: JobContext = { ...silentContext(), metric: (name) => void metrics.push(name) }
    const r = await trainMlp(
      data,
      identity(3),
      options({ layers: [16], learningRate: 0.01, batchSize: 32, epochs: 8, patience: 0 }),
      3,
      ctx,
    )
    const test = rowsOf(data, PART.test)
    const labels = Uint8Array.from(test.i, (i) => data.y[i])
    const auc = aucByPairs(r.classifier.score(test.x, test.i.length), labels)
    expect(auc).toBeGreaterThan(0.95)
    expect(r.summary).toMatchObject({ kind: 'mlp', parameters: 3 * 16 + 16 + 16 + 1, epochs: 8 })
    expect(r.summary.stopped).toBe('epochs')
    expect(r.summary.history.loss).toHaveLength(8)
    expect(r.summary.history.loss.at(-1)!).toBeLessThan(r.summary.history.loss[0]!)
    expect(metrics.filter((m) => m === 'val_loss')).toHaveLength(8)
    expect(r.eventsPerSecond).toBeGreaterThan(0)
    expect(r.backend).toBe('wasm')
  })

  it('weighted loss of a fixed tiny network equals the hand computation', () => {
    const arch: DenseArchitecture = {
      inputs: 2,
      layers: [{ units: 3, activation: 'tanh', alpha: 0 }],
      dropout: 0,
    }
    const weights = [
      Float32Array.of(0.5, -1, 0.25, 2, 0.75, -0.5),
      Float32Array.of(0.1, -0.2, 0.3),
      Float32Array.of(1.5, -2, 0.5),
      Float32Array.of(-0.25),
    ]
    const x = Float32Array.of(0.3, -1.2, 2, 0.5, -0.7, 0.1, 1.1, 1.1, -2, -0.4)
    const y = [1, 0, 1, 0, 1]
    const w = [1, 2.5, 0.3, -0.4, 1.7]
    const p = [0, 1, 2, 3, 4].map((i) => forwardByHand(arch, weights, x.subarray(2 * i, 2 * i + 2)))
    const l2 = 0.01
    const penalty = l2 * [...weights[0], ...weights[2]].reduce((s, v) => s + v * v, 0)
    const t = weightTensors(tf, arch, weights)
    const got = weightedLoss(tf, arch, t, x, y, w, 5, l2)
    t.forEach((v) => v.dispose())
    expect(got).toBeCloseTo(weightedBceByHand(p, y, w) + penalty, 5)
  })

  it('hand-written backpropagation equals tfjs autodiff (every activation, L2, dropout)', () => {
    const rng = new Random(77)
    const random = (shape: number[]) =>
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()),
        shape,
      )
    const x = random([7, 3]) as TF.Tensor2D
    const y = tf.tensor2d([1, 0, 0, 1, 1, 0, 1], [7, 1])
    const w = tf.tensor2d([0.5, 1, 2, -0.3, 1, 0.7, 1.2], [7, 1])
    const l2 = 0.01
    for (const activation of ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear'] as const) {
      const arch: DenseArchitecture = {
        inputs: 3,
        layers: [
          { units: 5, activation, alpha: 0.2 },
          { units: 4, activation, alpha: 0.2 },
        ],
        dropout: 0.25,
      }
      const weights = [[3, 5], [5], [5, 4], [4], [4, 1], [1]].map(random)
      let seed = 100
      const mine = denseLossAndGradients(
        tf,
        allLayers(arch),
        weights,
        x,
        weightedBceHead(tf, y, w),
        {
          l2,
          dropout: arch.dropout,
          dropoutSeed: () => seed++,
        },
      )
      // Reference: the same network written with plain ops, differentiated by tfjs.
      const act = (a: TF.Tensor): TF.Tensor =>
        activation === 'relu'
          ? tf.relu(a)
          : activation === 'leaky_relu'
            ? tf.leakyRelu(a, 0.2)
            : activation === 'tanh'
              ? tf.tanh(a)
              : activation === 'sigmoid'
                ? tf.sigmoid(a)
                : a
      const lossOf = (...ws: TF.Tensor[]): TF.Scalar => {
        let h: TF.Tensor = x
        for (let k = 0; k < 2; k++) {
          h = act(tf.matMul(h as TF.Tensor2D, ws[2 * k] as TF.Tensor2D).add(ws[2 * k + 1]))
          const u = tf.randomUniform(h.shape, 0, 1, 'float32', 100 + k)
          h = h.mul(tf.floor(u.add(0.75)).div(0.75))
        }
        const z = tf.matMul(h as TF.Tensor2D, ws[4] as TF.Tensor2D).add(ws[5])
        // −y ln p − (1 − y) ln(1 − p), p = sigmoid(z) (tf.logSigmoid fails under valueAndGrads).
        const p = tf.sigmoid(z)
        const bce = tf.neg(y.mul(tf.log(p)).add(tf.sub(1, y).mul(tf.log(tf.sub(1, p)))))
        const penalty = [0, 2, 4].reduce((s, k) => s.add(tf.sum(tf.square(ws[k]))), tf.scalar(0))
        return tf.sum(bce.mul(w)).add(penalty.mul(l2))
      }
      const { value, grads } = tf.valueAndGrads(lossOf)(weights)
      expect(mine.loss.dataSync()[0], activation).toBeCloseTo(value.dataSync()[0], 4)
      grads.forEach((g, i) => {
        const want = g.dataSync()
        const got = mine.grads[i].dataSync()
        expect(got.length).toBe(want.length)
        for (let j = 0; j < want.length; j++)
          expect(got[j], `${activation} weight ${i}[${j}]`).toBeCloseTo(want[j], 4)
      })
      ;[value, ...grads, mine.loss, ...mine.grads, ...weights].forEach((t) => t.dispose())
    }
    ;[x, y, w].forEach((t) => t.dispose())
  })

  it('trains on the weighted loss: first-epoch losses at the initial weights match by hand', async () => {
    // A learning rate of 1e-9 leaves the weights where they started, so the first epoch's
    // training and validation losses are the weighted BCE of the initial network.
    const data = gaussians(300, 2, 0.5, 5, 3)
    const o = options({ layers: [4], learningRate: 1e-9, batchSize: 16, epochs: 1, patience: 0 })
    const r = await trainMlp(data, identity(2), o, 9, silentContext())
    const arch = mlpArchitecture(o, 2)
    const init = initialWeights(arch, 9)
    for (const [part, got] of [
      [PART.train, r.summary.history.loss[0]],
      [PART.validation, r.summary.history.val_loss[0]],
    ] as const) {
      const rows = indicesOf(data, part)
      const p = Array.from(rows, (i) =>
        forwardByHand(arch, init, data.x.subarray(2 * i, 2 * i + 2)),
      )
      const want = weightedBceByHand(
        p,
        Array.from(rows, (i) => data.y[i]),
        Array.from(rows, (i) => data.w[i]),
      )
      expect(got).toBeCloseTo(want, 5)
    }
  })

  it('stops early and keeps the best epoch (random labels overfit)', async () => {
    const data = gaussians(200, 4, 0, 21)
    const o = options({ layers: [32, 32], learningRate: 0.02, batchSize: 16, epochs: 60 })
    const r = await trainMlp(data, identity(4), { ...o, patience: 3 }, 2, silentContext())
    const s = r.summary
    expect(s.stopped).toBe('early')
    const val = s.history.val_loss.map((v) => v ?? Infinity)
    const best = val.indexOf(Math.min(...val))
    expect(s.bestEpoch).toBe(best)
    expect(s.epochs).toBe(best + 1 + 3)
    // The classifier has the best epoch's weights: its validation loss is that epoch's.
    const v = rowsOf(data, PART.validation)
    const p = r.classifier.score(v.x, v.i.length)
    const want = weightedBceByHand(
      p,
      Array.from(v.i, (i) => data.y[i]),
      Array.from(v.i, (i) => data.w[i]),
    )
    expect(val[best]).toBeCloseTo(want, 5)
  })

  it('a diverging run stops with a warning and keeps finite weights (the initial ones)', async () => {
    const data = gaussians(200, 2, 1, 4)
    // Outside the contract's range on purpose: SGD at 1e6 overflows within the first epoch.
    const o = options({ layers: [8], optimizer: 'sgd', learningRate: 1e6, batchSize: 16 })
    const r = await trainMlp(data, identity(2), { ...o, epochs: 20 }, 6, silentContext())
    expect(r.summary.stopped).toBe('nan')
    expect(r.summary.bestEpoch).toBe(-1)
    expect(r.summary.history.loss).toEqual([null])
    expect(r.warnings.join(' ')).toMatch(/diverged.*initial weights/)
    const arch = mlpArchitecture(o, 2)
    const init = initialWeights(arch, 6)
    const x = Float64Array.of(0.5, -0.3, 2, 1)
    const scores = r.classifier.score(x, 2)
    expect(scores[0]).toBeCloseTo(forwardByHand(arch, init, x.subarray(0, 2)), 6)
    expect(scores[1]).toBeCloseTo(forwardByHand(arch, init, x.subarray(2, 4)), 6)
  })

  it('cancel stops training, keeps what was learned and says so', async () => {
    const data = gaussians(400, 2, 1, 8)
    const abort = new AbortController()
    const ctx: JobContext = {
      ...silentContext(abort.signal),
      // Cancel when the second epoch's loss is reported.
      metric: (name, step) => void (name === 'loss' && step === 1 && abort.abort()),
    }
    const o = options({ layers: [8], learningRate: 0.01, batchSize: 32, epochs: 50 })
    const r = await trainMlp(data, identity(2), o, 1, ctx)
    expect(r.summary.stopped).toBe('cancelled')
    expect(r.summary.epochs).toBe(2)
    expect(r.summary.bestEpoch).toBeGreaterThanOrEqual(0)
    expect(r.warnings.join(' ')).toMatch(/cancelled after 2 epochs/)
    const v = rowsOf(data, PART.test)
    const labels = Uint8Array.from(v.i, (i) => data.y[i])
    expect(aucByPairs(r.classifier.score(v.x, v.i.length), labels)).toBeGreaterThan(0.8)
  })

  it('cancel during an epoch stops between batches', async () => {
    const data = gaussians(400, 2, 1, 3)
    const batches = Math.ceil(indicesOf(data, PART.train).length / 8)
    // A signal that turns aborted at its R-th reading: the loop reads it before each epoch and
    // the train step before each batch, so R lands before the 5th batch of the second epoch.
    const R = 1 + batches + 1 + 5
    let reads = 0
    const signal = {
      get aborted() {
        return ++reads >= R
      },
    } as unknown as AbortSignal
    const o = options({ layers: [4], learningRate: 0.01, batchSize: 8, epochs: 5 })
    const r = await trainMlp(data, identity(2), o, 1, silentContext(signal))
    expect(r.summary.stopped).toBe('cancelled')
    expect(r.summary.epochs).toBe(2)
    expect(r.summary.history.loss[1]).not.toBeNull()
  })

  it('save → files → load gives identical scores, also through tf.loadLayersModel', async () => {
    const data = gaussians(300, 3, 0.7, 13)
    const pre: Preprocessing = {
      d: 3,
      mean: [0.1, -0.2, 0.3],
      transform: [2, 0, 0, 0, 1, 0, 0.5, 0, 1],
    }
    const o = options({
      layers: [6, 5],
      activation: 'leaky_relu',
      leakyAlpha: 0.1,
      dropout: 0.2,
      learningRate: 0.01,
      batchSize: 32,
      epochs: 3,
    })
    const r = await trainMlp(data, pre, o, 4, silentContext())
    const files = mlpToFiles(r.artifacts, join(tmp, 'net'))
    expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual([MODEL_JSON, WEIGHTS_BIN])
    const json = JSON.parse(readFileSync(files[0], 'utf8')) as {
      modelTopology: object
      weightsManifest: {
        paths: string[]
        weights: { name: string; shape: number[]; dtype: 'float32' }[]
      }[]
    }
    const bin = readFileSync(files[1])
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)
    const loaded = mlpFromArtifacts(
      { topology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData },
      pre,
      data.inputs,
    )
    const x = data.x.subarray(0, 50 * 3)
    const before = r.classifier.score(x, 50)
    expect(Array.from(loaded.score(x, 50))).toEqual(Array.from(before))

    // TensorFlow.js itself reads the files (preprocessing is applied outside the network).
    const model = await tf.loadLayersModel({
      load: async () => ({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData,
      }),
    })
    const xPre = new Float32Array(50 * 3)
    for (let i = 0; i < 50; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0
        for (let k = 0; k < 3; k++) s += pre.transform[j * 3 + k] * (x[i * 3 + k] - pre.mean[k])
        xPre[i * 3 + j] = s
      }
    const out = model.predict(tf.tensor2d(xPre, [50, 3])) as TF.Tensor
    const viaTf = out.dataSync()
    out.dispose()
    model.dispose()
    for (let i = 0; i < 50; i++) expect(viaTf[i]).toBeCloseTo(before[i], 6)
    // The plain-JavaScript scorer (used before a backend has started) agrees.
    const { arch, weights } = fromArtifacts(r.artifacts)
    const js = scoreRowsJs(arch, weights, xPre, 50)
    for (let i = 0; i < 50; i++) expect(js[i]).toBeCloseTo(before[i], 6)
    expect(() =>
      mlpFromArtifacts({ ...r.artifacts, weightData: new ArrayBuffer(8) }, pre, data.inputs),
    ).toThrow(/weight data is shorter/)
  })

  it('leaks no tensors: the count stays flat across epochs and returns to where it started', async () => {
    const data = gaussians(300, 2, 1, 30)
    const counts: number[] = []
    const ctx: JobContext = {
      ...silentContext(),
      metric: (name) => void (name === 'val_loss' && counts.push(tf.memory().numTensors)),
    }
    const start = tf.memory().numTensors
    for (const path of ['step', 'fit'] as const) {
      const o = options({ layers: [8], dropout: 0.1, l2: 1e-3, batchSize: 32, epochs: 4 })
      const r = await trainMlp(data, identity(2), o, 1, ctx, path)
      r.classifier.score(data.x, data.n)
      // Epoch 1 onwards hold the same tensors; epoch 0 reports before the first checkpoint
      // (one clone per weight array: 4 here) exists.
      expect(new Set(counts.slice(1)).size, `${path}: ${counts}`).toBe(1)
      expect(counts[1] - counts[0], `${path}: ${counts}`).toBe(4)
      counts.length = 0
    }
    expect(tf.memory().numTensors).toBe(start)
  })

  it('our train step gives the loss curve of model.fit (same seed, order and initial weights)', async () => {
    const data = gaussians(400, 3, 0.6, 17, 2)
    for (const optimizer of ['adam', 'sgd'] as const) {
      const o = options({
        layers: [10, 10],
        optimizer,
        learningRate: optimizer === 'adam' ? 0.005 : 0.05,
        l2: 1e-3,
        batchSize: 32,
        epochs: 5,
        patience: 0,
      })
      const step = await trainMlp(data, identity(3), o, 5, silentContext(), 'step')
      const fit = await trainMlp(data, identity(3), o, 5, silentContext(), 'fit')
      for (const key of ['loss', 'val_loss'] as const)
        step.summary.history[key].forEach((v, e) =>
          expect(v!, `${optimizer} ${key} epoch ${e}`).toBeCloseTo(fit.summary.history[key][e]!, 4),
        )
      expect(step.summary.history.loss[4]!).toBeLessThan(step.summary.history.loss[0]!)
    }
  })
})
