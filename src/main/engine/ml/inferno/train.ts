/**
 * INFERNO training (De Castro & Dorigo 2019) and its cross-entropy baseline on the synthetic
 * benchmark, both through the shared epoch loop (runEpochs: validation, best-epoch checkpoint,
 * early stopping, cancel).
 *
 * INFERNO, per mini-batch of half signal and half background events: the background half is
 * also moved to nominal ± ε of each shape nuisance of the benchmark (fisher.ts); one forward pass
 * over all blocks gives soft histograms (softmax with temperature τ), from which the loss
 * (I⁻¹)_ss, the expected variance of s with the nuisances profiled, is computed and minimised.
 * The validation loss is the same quantity on the whole validation set (float64 Fisher matrix).
 */
import type * as TF from '@tensorflow/tfjs'
import { Random } from '../../data/random'
import { gateOf, silentContext, type JobContext, type TrainingGate } from '../../jobs/context'
import { invertSpd } from '../../stats/linalg'
import type { TrainableDense } from '../trainable-dense'
import type { EpochLoopResult } from '../train-loop'
import type { Benchmark } from './benchmarks'
import {
  type ShapeNuisance,
  type Shapes,
  type Steps,
  constraintTerms,
  countDerivatives,
  expectedCounts,
  fisherMatrix,
  shapeNuisances,
  shifted,
} from './fisher'
import { bceEpoch } from './bce-epoch'
import { type FisherBlock, fisherLossHead } from './fisher-head'
import { gatedEpochs } from './gated-epochs'
import {
  type Standardiser,
  buildTrunk,
  fitStandardiser,
  predictRaw,
  standardiseInPlace,
} from './network'
import { DIM, NOMINAL, type ProcessSamples, transformBackground } from './simulator'
import { SNAPSHOT_EVENTS, softSnapshotMetrics } from './soft-snapshot'

export type OptimizerName = 'adam' | 'sgd'

export interface CommonTrainOptions {
  readonly hidden: readonly number[]
  readonly optimizer: OptimizerName
  readonly learningRate: number
  /** Events per mini-batch (half signal, half background). */
  readonly batchSize: number
  readonly epochs: number
  /** Epochs without a lower validation loss before stopping (0: never). */
  readonly patience: number
  /** Seeds the weight initialisation and the shuffling. */
  readonly seed: number
  readonly ctx?: JobContext
  /** Pause / step control (jobs/context.ts' TrainingGate); without one the loop only checks for cancel. */
  readonly gate?: TrainingGate
}

export interface InfernoTrainOptions extends CommonTrainOptions {
  readonly benchmark: Benchmark
  /** Number of summary bins (network outputs). */
  readonly bins: number
  /** Softmax temperature during training. */
  readonly tau: number
  /** Finite-difference half-steps of the shape nuisances during training. */
  readonly steps: Steps
}

/** A trained network and what is needed to apply it. */
export interface TrainedNetwork {
  readonly net: TrainableDense
  readonly standardiser: Standardiser
  readonly history: EpochLoopResult
}

/**
 * The paper's INFERNO settings (3 → 100 → 100 → 10, τ = 0.1, batches of 2000) except the
 * optimiser: the paper runs plain SGD at 1e-6 for 200 epochs; Adam at 3e-4 reaches the same σ_s
 * (B2, 200k events: 17.1 either way) in at most 60 epochs (1e-3 stalls about 5% above). The
 * finite-difference steps are small enough for an O(ε²) error well below the batch noise.
 */
export const INFERNO_DEFAULTS = {
  hidden: [100, 100],
  bins: 10,
  tau: 0.1,
  batchSize: 2000,
  optimizer: 'adam' as OptimizerName,
  learningRate: 3e-4,
  steps: { r: 0.05, lambda: 0.1 } as Steps,
}

export const BCE_DEFAULTS = {
  hidden: [100, 100],
  batchSize: 64,
  optimizer: 'adam' as OptimizerName,
  learningRate: 1e-3,
}

/** Background rows (raw units) moved to nominal + sign·step of `which`. */
function variation(
  x: Float32Array,
  which: ShapeNuisance,
  sign: 1 | -1,
  steps: Steps,
): Float32Array {
  return transformBackground(x, shifted(which, sign, steps))
}

/**
 * The weight matrix of a benchmark batch (fisher-head.ts) laid out as trainInferno's rows:
 * `ns` signal, `nb` background, then nb up and nb down rows per shape nuisance. Row 0 gives
 * λ = s·S + b·B, then one row per parameter: S for s, B for b, b·(up − down)/2ε for r and λ.
 */
export function benchmarkBlock(bm: Benchmark, ns: number, nb: number, steps: Steps): FisherBlock {
  const variations = shapeNuisances(bm)
  const rows = ns + nb * (1 + 2 * variations.length)
  const q = 1 + bm.params.length
  const w = new Float32Array(q * rows)
  const fill = (row: number, from: number, count: number, value: number): void => {
    w.fill(value, row * rows + from, row * rows + from + count)
  }
  fill(0, 0, ns, NOMINAL.s / ns)
  fill(0, ns, nb, NOMINAL.b / nb)
  bm.params.forEach((p, a) => {
    if (p === 's') fill(1 + a, 0, ns, 1 / ns)
    else if (p === 'b') fill(1 + a, ns, nb, 1 / nb)
    else {
      const from = ns + nb * (1 + 2 * variations.indexOf(p))
      const v = NOMINAL.b / (2 * steps[p] * nb)
      fill(1 + a, from, nb, v)
      fill(1 + a, from + nb, nb, -v)
    }
  })
  return { rows, w, q }
}

/**
 * Soft (τ) or hard histograms of a benchmark's processes and variations, computed on all rows
 * of `part` with the network (no gradient). Hard: τ = 0.
 */
export function summaryShapes(
  net: TrainableDense,
  st: Standardiser,
  part: ProcessSamples,
  variations: readonly ShapeNuisance[],
  steps: Steps,
  binOf: (out: Float32Array) => Float64Array,
): Shapes<Float64Array> {
  const up: Partial<Record<ShapeNuisance, Float64Array>> = {}
  const down: Partial<Record<ShapeNuisance, Float64Array>> = {}
  for (const v of variations) {
    up[v] = binOf(predictRaw(net, st, variation(part.background, v, 1, steps)))
    down[v] = binOf(predictRaw(net, st, variation(part.background, v, -1, steps)))
  }
  return {
    signal: binOf(predictRaw(net, st, part.signal)),
    background: binOf(predictRaw(net, st, part.background)),
    up,
    down,
  }
}

/** Normalised soft histogram (float64) of logits n × b at temperature τ. */
export function softShape(logits: Float32Array, b: number, tau: number): Float64Array {
  const h = new Float64Array(b)
  const n = logits.length / b
  const e = new Float64Array(b)
  for (let i = 0; i < n; i++) {
    let m = -Infinity
    for (let j = 0; j < b; j++) m = Math.max(m, logits[i * b + j] / tau)
    let z = 0
    for (let j = 0; j < b; j++) z += e[j] = Math.exp(logits[i * b + j] / tau - m)
    for (let j = 0; j < b; j++) h[j] += e[j] / z
  }
  if (n > 0) for (let j = 0; j < b; j++) h[j] /= n
  return h
}

/** (I⁻¹)_ss of the benchmark from float64 shapes (NaN if singular). */
export function infernoLoss64(sh: Shapes<Float64Array>, bm: Benchmark, steps: Steps): number {
  const f = fisherMatrix(
    expectedCounts(sh),
    countDerivatives(sh, bm.params, steps),
    constraintTerms(bm),
  )
  const inv = invertSpd(f, bm.params.length)
  return inv ? inv[0] : NaN
}

/** Trains an INFERNO summary statistic for `o.benchmark` on `train`, validated on `validation`. */
export async function trainInferno(
  tf: typeof TF,
  train: ProcessSamples,
  validation: ProcessSamples,
  o: InfernoTrainOptions,
): Promise<TrainedNetwork> {
  const ctx = o.ctx ?? silentContext()
  const st = fitStandardiser([train.signal, train.background])
  const net = buildTrunk(tf, o.hidden, o.bins, o.seed, o)
  const rng = new Random(o.seed * 1_000_003 + 5)
  const half = Math.max(1, Math.floor(o.batchSize / 2))
  const nSig = train.signal.length / DIM
  const nBkg = train.background.length / DIM
  const nBatches = Math.max(1, Math.floor(Math.min(nSig, nBkg) / half))
  const variations = shapeNuisances(o.benchmark)
  const cons = constraintTerms(o.benchmark)
  const ns = Math.min(half, nSig)
  const nb = Math.min(half, nBkg)
  // Every batch has the same layout, so one weight matrix serves them all.
  const block = benchmarkBlock(o.benchmark, ns, nb, o.steps)
  const head = fisherLossHead(tf, block, o.bins, o.tau, cons)
  const x = new Float32Array(block.rows * DIM)
  const gate = o.gate ?? gateOf(ctx)
  // The live soft histograms: the first validation events of each process, fixed for the run.
  const snapSig = validation.signal.subarray(0, SNAPSHOT_EVENTS * DIM)
  const snapBkg = validation.background.subarray(0, SNAPSHOT_EVENTS * DIM)

  const history = await gatedEpochs(net, gate, ctx, o.epochs, o.patience, {
    validate() {
      const sh = summaryShapes(net, st, validation, variations, o.steps, (out) =>
        softShape(out, o.bins, o.tau),
      )
      return infernoLoss64(sh, o.benchmark, o.steps)
    },
    extraMetrics() {
      const shape = (x: Float32Array) => softShape(predictRaw(net, st, x), o.bins, o.tau)
      return softSnapshotMetrics(shape(snapSig), shape(snapBkg))
    },
    trainEpoch: async () => {
      const ps = rng.permutation(nSig)
      const pb = rng.permutation(nBkg)
      let sum = 0
      for (let k = 0; k < nBatches; k++) {
        if (!(await gate.beforeBatch())) return NaN
        gatherInto(x, 0, train.signal, ps, k * half, ns)
        gatherInto(x, ns, train.background, pb, k * half, nb)
        // The background rows again at nominal ± step of each shape nuisance.
        const bkg = x.subarray(ns * DIM, (ns + nb) * DIM)
        let off = (ns + nb) * DIM
        for (const v of variations)
          for (const sign of [1, -1] as const) {
            x.set(variation(bkg, v, sign, o.steps), off)
            off += nb * DIM
          }
        const loss = net.step(standardiseInPlace(x, st), block.rows, head)
        const value = loss.dataSync()[0]
        gate.afterBatch(value)
        sum += value
        loss.dispose()
      }
      return sum / nBatches
    },
  })
  return { net, standardiser: st, history }
}

/** Copies rows idx[from … from + count) of row-major x (n × 3) to rows at `to` of `out`. */
function gatherInto(
  out: Float32Array,
  to: number,
  x: Float32Array,
  idx: Uint32Array,
  from: number,
  count: number,
): void {
  for (let r = 0; r < count; r++) {
    const i = idx[from + r] * DIM
    const o = (to + r) * DIM
    out[o] = x[i]
    out[o + 1] = x[i + 1]
    out[o + 2] = x[i + 2]
  }
}

/** Trains the cross-entropy classifier (same trunk, one sigmoid output) on balanced batches. */
export async function trainBce(
  tf: typeof TF,
  train: ProcessSamples,
  validation: ProcessSamples,
  o: CommonTrainOptions,
): Promise<TrainedNetwork> {
  const ctx = o.ctx ?? silentContext()
  const st = fitStandardiser([train.signal, train.background])
  const net = buildTrunk(tf, o.hidden, 1, o.seed, o)
  const rng = new Random(o.seed * 1_000_003 + 7)
  const nSig = train.signal.length / DIM
  const nBkg = train.background.length / DIM
  // Balanced: as many background as signal events per epoch (the paper's training sets are equal).
  const nEach = Math.min(nSig, nBkg)
  const x = new Float32Array(2 * nEach * DIM)
  x.set(train.signal.subarray(0, nEach * DIM))
  x.set(train.background.subarray(0, nEach * DIM), nEach * DIM)
  standardiseInPlace(x, st)
  const y = new Float32Array(2 * nEach)
  y.fill(1, 0, nEach)
  const n = 2 * nEach
  const batch = Math.max(1, Math.min(o.batchSize, n))
  const gate = o.gate ?? gateOf(ctx)
  const history = await gatedEpochs(net, gate, ctx, o.epochs, o.patience, {
    validate() {
      // Mean binary cross entropy, −ln σ(z) for signal and −ln(1 − σ(z)) for background.
      const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))
      const zs = predictRaw(net, st, validation.signal)
      const zb = predictRaw(net, st, validation.background)
      let s = 0
      for (const z of zs) s += softplus(-z)
      for (const z of zb) s += softplus(z)
      return s / (zs.length + zb.length)
    },
    trainEpoch: () =>
      bceEpoch(tf, net, { x, y, w: null, n, d: DIM }, rng.permutation(n), batch, gate),
  })
  return { net, standardiser: st, history }
}
