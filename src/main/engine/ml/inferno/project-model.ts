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
import type { TrainableDense } from '../trainable-dense'
import { bceEpoch } from './bce-epoch'
import { fisherLoss } from './fisher-head'
import { gatedEpochs } from './gated-epochs'
import { buildTrunk } from './network'
import {
  type BatchStepper,
  type LossBlock,
  batchPlan,
  fisherEpoch,
  lossBlock,
} from './project-batch'
import { SNAPSHOT_EVENTS, snapshotMetrics } from './soft-snapshot'
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

// The block (W above) is built where the training batches are; callers know it from here.
export { type LossBlock, lossBlock }

/** (I⁻¹)_μμ of a block through the network (no gradient): the validation loss. */
export function blockLoss(
  net: TrainableDense,
  blk: LossBlock,
  tau: number,
  constraints: readonly number[],
): number {
  return fisherLoss(net.predict(blk.x, blk.rows), net.outputs, blk, tau, constraints, false).loss
}

/** INFERNO's network for `meta`'s inputs and what its batches step with, seeded for the run. */
export function infernoStepper(
  tf: typeof TF,
  meta: ProjectEvents,
  sc: Scaler,
  o: ProjectTrainOptions,
  gate: TrainingGate,
): BatchStepper {
  return {
    tf,
    net: buildTrunk(tf, o.hidden, o.bins, o.seed, o, meta.dim),
    sc,
    bins: o.bins,
    tau: o.tau,
    constraints: projectConstraints(meta),
    rng: new Random(o.seed * 1_000_003 + 11),
    gate,
  }
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
  const stepper = infernoStepper(tf, ev, sc, o, gate)
  const { net, constraints: cons } = stepper
  const plan = batchPlan(
    ev,
    o.batchSize,
    rowsOf(ev, PARTS.train, 1).length,
    rowsOf(ev, PARTS.train, 0).length,
    (a, sign) => variationRowsOf(ev, PARTS.train, a, sign).length,
  )
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
  // In memory the epoch is one window holding every event.
  const history = await gatedEpochs(net, gate, ctx, o.epochs, o.patience, {
    validate: () => blockLoss(net, valBlock, o.tauEval, cons),
    extraMetrics: () => snapshotMetrics(net, snap, o.bins, o.tau),
    trainEpoch: () => fisherEpoch(stepper, plan, [() => ev]),
  })
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
  const history = await gatedEpochs(net, gate, ctx, o.bceEpochs, o.patience, {
    validate: () => weightedBceSum(net.predict(val.x, val.n), val.y, val.w) / Math.max(val.n, 1),
    trainEpoch: () => bceEpoch(tf, net, { ...train, d }, rng.permutation(train.n), batch, gate),
  })
  return { net, scaler: sc, history }
}

/**
 * s + Σ wᵢ BCE(yᵢ, σ(zᵢ)) over logits z (summed in order from s, so a sum taken chunk by chunk
 * adds up as the whole); divided by n it is the reduction tf.losses.sigmoidCrossEntropy used.
 */
export function weightedBceSum(z: Float32Array, y: Float32Array, w: Float32Array, s = 0): number {
  for (let i = 0; i < z.length; i++) {
    const zi = z[i]
    s += w[i] * (Math.max(zi, 0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi))))
  }
  return s
}
