/**
 * INFERNO on project samples: the binned Poisson model λ = μ·S + Σ_b B_b with nuisances of four
 * kinds (project-data.ts) and its Asimov Fisher information from weighted soft histograms.
 *
 * One forward pass per block of events: the nominal rows, then for each input-transform nuisance
 * its affected rows moved to θ = ±1 (symmetric difference, as fisher.ts does for the paper's r
 * and λ). Every quantity the Fisher matrix needs is a weighted sum of soft assignments, so a
 * constant matrix W (q × rows) gives them all at once: H = W·softmax(logits/τ), q × bins:
 *   row 0        λ (all nominal rows, weight w)
 *   row 1        ∂λ/∂μ (signal nominal rows)
 *   row 1 + a    ∂λ/∂θ_a: transform (±w/2 on its up / down rows), weight (w·(u − d)/2),
 *                variation samples (±w/2 on the up / down samples' events),
 *                norm (w·width on its samples, or w for a free factor)
 * I_ab = Σ_bins H_a H_b / λ + constraint (1 for each constrained θ); loss = (I⁻¹)_μμ.
 * A weight or variation-sample nuisance's derivative at θ = 0 is (up − down)/2 per bin: exact for
 * code4p, and the mean of the two one-sided slopes of code0 (piecewise linear, kinked at 0).
 * The cross-entropy baseline trains the same trunk (one output) with class-balanced weights.
 */
import type * as TF from '@tensorflow/tfjs'
import { Random } from '../../data/random'
import { gateOf, type JobContext, type TrainingGate } from '../../jobs/context'
import { offerLearningRate } from '../gate-settings'
import { runEpochs } from '../train-loop'
import type { TrainableDense } from '../trainable-dense'
import { bceEpoch } from './bce-epoch'
import { fisherLoss, fisherLossHead } from './fisher-head'
import { buildTrunk } from './network'
import { SNAPSHOT_EVENTS, softSnapshotMetrics, weightedSoftShape } from './soft-snapshot'
import {
  PARTS,
  type ProjectEvents,
  type Scaler,
  fitScaler,
  rowsOf,
  scaleInPlace,
  transformedRows,
  variationRowsOf,
} from './project-data'
import type { TrainedNetwork } from './train'

export interface ProjectTrainOptions {
  readonly hidden: readonly number[]
  readonly bins: number
  readonly tau: number
  readonly tauEval: number
  readonly optimizer: 'adam' | 'sgd'
  readonly learningRate: number
  readonly batchSize: number
  readonly epochs: number
  readonly bceEpochs: number
  readonly patience: number
  readonly seed: number
}

export interface ProjectNetwork extends Omit<TrainedNetwork, 'standardiser'> {
  readonly scaler: Scaler
}

/** Constraint term per Fisher parameter (μ first): 1 for a constrained θ, 0 when free. */
export function projectConstraints(ev: ProjectEvents): number[] {
  return [
    0,
    ...ev.nuisances.map((n) =>
      n.kind === 'transform'
        ? n.free
          ? 0
          : 1
        : n.kind === 'norm'
          ? n.width === null
            ? 0
            : 1
          : 1,
    ),
  ]
}

/** The standardised rows of a block and its weight matrix W (q × rows). */
export interface LossBlock {
  readonly x: Float32Array
  readonly rows: number
  readonly w: Float32Array
  readonly q: number
}

/**
 * The block for nominal events `rows` and variation-sample events `variationRows` (they enter
 * only their nuisance's derivative, ±w/2); event i's weight is multiplied by `factor(i)` (a batch
 * row stands for pool / picked events of its kind).
 */
export function lossBlock(
  ev: ProjectEvents,
  sc: Scaler,
  rows: ArrayLike<number>,
  factor: (i: number) => number,
  variationRows: ArrayLike<number> = [],
): LossBlock {
  const parts: Float32Array[] = [
    transformedRows(ev, rows, null, 0),
    transformedRows(ev, variationRows, null, 0),
  ]
  const vOffset = rows.length
  let total = rows.length + variationRows.length
  const affected = ev.nuisances.map((nu) => {
    if (nu.kind !== 'transform') return null
    const aff: number[] = []
    for (let r = 0; r < rows.length; r++) if (nu.affects[rows[r]]) aff.push(rows[r])
    parts.push(transformedRows(ev, aff, nu, 1), transformedRows(ev, aff, nu, -1))
    total += 2 * aff.length
    return { rows: aff, offset: total - 2 * aff.length }
  })
  const d = ev.dim
  const x = new Float32Array(total * d)
  let off = 0
  for (const p of parts) {
    x.set(p, off)
    off += p.length
  }
  scaleInPlace(x, sc)
  const q = 2 + ev.nuisances.length
  const w = new Float32Array(q * total)
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    const wi = ev.weight[i] * factor(i)
    w[r] = wi
    if (ev.signal[i]) w[total + r] = wi
  }
  ev.nuisances.forEach((nu, a) => {
    const row = (2 + a) * total
    if (nu.kind === 'samples') {
      for (let r = 0; r < variationRows.length; r++) {
        const i = variationRows[r]
        const v = ev.variation[i]
        if (Math.abs(v) !== a + 1) continue
        w[row + vOffset + r] = (Math.sign(v) * ev.weight[i] * factor(i)) / 2
      }
      return
    }
    if (nu.kind === 'transform') {
      const blk = affected[a]!
      blk.rows.forEach((i, r) => {
        const wi = (ev.weight[i] * factor(i)) / 2
        w[row + blk.offset + r] = wi
        w[row + blk.offset + blk.rows.length + r] = -wi
      })
      return
    }
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]
      if (!nu.affects[i]) continue
      const wi = ev.weight[i] * factor(i)
      w[row + r] = nu.kind === 'weight' ? (wi * (nu.up[i] - nu.down[i])) / 2 : wi * (nu.width ?? 1)
    }
  })
  return { x, rows: total, w, q }
}

/** (I⁻¹)_μμ of a block through the network (no gradient): the validation loss. */
export function blockLoss(
  net: TrainableDense,
  blk: LossBlock,
  tau: number,
  constraints: readonly number[],
): number {
  return fisherLoss(net.predict(blk.x, blk.rows), net.outputs, blk, tau, constraints, false).loss
}

/** Trains the INFERNO summary (o.bins outputs) on the training part, validated on its part. */
export async function trainProjectInferno(
  tf: typeof TF,
  ev: ProjectEvents,
  o: ProjectTrainOptions,
  ctx: JobContext,
  gate: TrainingGate = gateOf(ctx),
): Promise<ProjectNetwork> {
  const sc = fitScaler(ev)
  const net = buildTrunk(tf, o.hidden, o.bins, o.seed, o, ev.dim)
  const rng = new Random(o.seed * 1_000_003 + 11)
  const cons = projectConstraints(ev)
  const sig = rowsOf(ev, PARTS.train, 1)
  const bkg = rowsOf(ev, PARTS.train, 0)
  const half = Math.max(1, Math.floor(o.batchSize / 2))
  const nS = Math.min(half, sig.length)
  const nB = Math.min(half, bkg.length)
  const nBatches = Math.max(1, Math.floor(Math.max(sig.length, bkg.length) / half))
  const fSig = sig.length / nS
  const fBkg = bkg.length / nB
  // Variation samples: the training events of each up and down, subsampled per batch at the rate
  // of the nominal sample's role; a picked event stands for pool / picked events.
  const pools = ev.nuisances.flatMap((nu, a) =>
    nu.kind !== 'samples'
      ? []
      : ([1, -1] as const).map((sign) => {
          const pool = variationRowsOf(ev, PARTS.train, a, sign)
          const role = pool.length ? ev.signal[pool[0]] : 0
          const rate = role ? nS / Math.max(sig.length, 1) : nB / Math.max(bkg.length, 1)
          const picked = Math.min(pool.length, Math.max(1, Math.round(pool.length * rate)))
          return { pool, picked, factor: pool.length / Math.max(picked, 1) }
        }),
  )
  const variationFactor = new Map(pools.map((p) => [ev.variation[p.pool[0]], p.factor]))
  const valBlock = lossBlock(
    ev,
    sc,
    rowsOf(ev, PARTS.validation),
    () => 1,
    variationRowsOf(ev, PARTS.validation),
  )
  // The live soft histograms: the first validation events of each role, fixed for the run.
  const snap = ([1, 0] as const).map((role) => {
    const rows = rowsOf(ev, PARTS.validation, role).subarray(0, SNAPSHOT_EVENTS)
    const x = scaleInPlace(transformedRows(ev, rows, null, 0), sc)
    return { x, n: rows.length, w: Array.from(rows, (i) => ev.weight[i]) }
  })
  const withdraw = offerLearningRate(gate, net)
  const history = await runEpochs({
    epochs: o.epochs,
    patience: o.patience,
    ctx,
    async trainEpoch() {
      if (!(await gate.beforeEpoch())) return NaN
      let sum = 0
      for (let k = 0; k < nBatches; k++) {
        if (!(await gate.beforeBatch())) return NaN
        const ps = rng.permutation(sig.length)
        const pb = rng.permutation(bkg.length)
        const rows = new Int32Array(nS + nB)
        for (let r = 0; r < nS; r++) rows[r] = sig[ps[r]]
        for (let r = 0; r < nB; r++) rows[nS + r] = bkg[pb[r]]
        // Signal and background are subsampled at different rates: each row stands for
        // pool/picked events of its role, so the batch estimates the part's (= full) yields.
        const picked: number[] = []
        for (const p of pools) {
          const perm = rng.permutation(p.pool.length)
          for (let r = 0; r < p.picked; r++) picked.push(p.pool[perm[r]])
        }
        const blk = lossBlock(
          ev,
          sc,
          rows,
          (i) =>
            ev.variation[i] !== 0
              ? (variationFactor.get(ev.variation[i]) ?? 1)
              : ev.signal[i]
                ? fSig
                : fBkg,
          picked,
        )
        const loss = net.step(blk.x, blk.rows, fisherLossHead(tf, blk, o.bins, o.tau, cons))
        const value = loss.dataSync()[0]
        gate.afterBatch(value)
        sum += value
        loss.dispose()
      }
      return sum / nBatches
    },
    validate() {
      return blockLoss(net, valBlock, o.tauEval, cons)
    },
    extraMetrics() {
      const [s, b] = snap.map(({ x, n, w }) => {
        if (!n) return new Float64Array(o.bins)
        return weightedSoftShape(net.predict(x, n), o.bins, o.tau, w)
      })
      return softSnapshotMetrics(s, b)
    },
    checkpoint: () => net.checkpoint(),
    restore: () => net.restore(),
  })
  withdraw()
  return { net, scaler: sc, history }
}

/** The cross-entropy baseline: same trunk, one output, class-balanced physical weights. */
export async function trainProjectBce(
  tf: typeof TF,
  ev: ProjectEvents,
  o: ProjectTrainOptions,
  ctx: JobContext,
  gate: TrainingGate = gateOf(ctx),
): Promise<ProjectNetwork> {
  const sc = fitScaler(ev)
  const net = buildTrunk(tf, o.hidden, 1, o.seed, o, ev.dim)
  const rng = new Random(o.seed * 1_000_003 + 17)
  const prep = (part: number) => {
    const rows = rowsOf(ev, part)
    const x = scaleInPlace(transformedRows(ev, rows, null, 0), sc)
    const y = new Float32Array(rows.length)
    const w = new Float32Array(rows.length)
    let ws = 0
    let wb = 0
    rows.forEach((i) =>
      ev.signal[i] ? (ws += Math.abs(ev.weight[i])) : (wb += Math.abs(ev.weight[i])),
    )
    // Each class sums to its number of events: balanced, and the loss stays O(1).
    rows.forEach((i, r) => {
      y[r] = ev.signal[i]
      w[r] = (Math.abs(ev.weight[i]) * rows.length) / 2 / (ev.signal[i] ? ws : wb)
    })
    return { x, y, w, n: rows.length }
  }
  const train = prep(PARTS.train)
  const val = prep(PARTS.validation)
  const batch = Math.min(128, train.n)
  const d = ev.dim
  const withdraw = offerLearningRate(gate, net)
  const history = await runEpochs({
    epochs: o.bceEpochs,
    patience: o.patience,
    ctx,
    async trainEpoch() {
      if (!(await gate.beforeEpoch())) return NaN
      const perm = rng.permutation(train.n)
      return bceEpoch(tf, net, { ...train, d }, perm, batch, gate)
    },
    validate() {
      return weightedBce(net.predict(val.x, val.n), val.y, val.w)
    },
    checkpoint: () => net.checkpoint(),
    restore: () => net.restore(),
  })
  withdraw()
  return { net, scaler: sc, history }
}

/** Σ wᵢ BCE(yᵢ, σ(zᵢ)) / n, the reduction tf.losses.sigmoidCrossEntropy used for this loss. */
function weightedBce(z: Float32Array, y: Float32Array, w: Float32Array): number {
  let s = 0
  for (let i = 0; i < z.length; i++) {
    const zi = z[i]
    s += w[i] * (Math.max(zi, 0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi))))
  }
  return s / Math.max(z.length, 1)
}
