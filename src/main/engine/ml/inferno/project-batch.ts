/**
 * INFERNO's training batches on project samples, written once for memory and for streaming: an
 * epoch is a list of windows of events (in memory: one window, all events; streamed: the chunks
 * a window holds), each giving its share of the epoch's batches drawn from its own events. A
 * batch takes nS signal and nB background training rows and, per variation sample, `picked`
 * events; a row stands for (the part's events of its kind) / (picked in the batch), so the batch
 * estimates the part's full yields.
 */
import type * as TF from '@tensorflow/tfjs'
import type { Random } from '../../data/random'
import type { TrainingGate } from '../../jobs/context'
import type { TrainableDense } from '../trainable-dense'
import { fisherLossHead } from './fisher-head'
import {
  PARTS,
  type ProjectEvents,
  type Scaler,
  rowsOf,
  scaleInPlace,
  transformedRows,
  variationRowsOf,
} from './project-data'

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

/** The batch sizes of a run, from the training part's counts (events, not bytes). */
export interface BatchPlan {
  /** Nominal signal / background training events of the whole part. */
  readonly sigAll: number
  readonly bkgAll: number
  /** Signal / background rows per batch. */
  readonly nS: number
  readonly nB: number
  /** Batches per epoch. */
  readonly nBatches: number
  /** Per variation sample (nuisance a, sign ±): its training events and the events per batch. */
  readonly pools: readonly { a: number; sign: 1 | -1; all: number; picked: number }[]
}

/**
 * The plan for batches of `batchSize` rows (half signal, half background) given the part's
 * counts; `variationCount(a, sign)` is the training events of nuisance a's up (+1) / down (−1).
 */
export function batchPlan(
  meta: ProjectEvents,
  batchSize: number,
  sigAll: number,
  bkgAll: number,
  variationCount: (a: number, sign: 1 | -1) => number,
): BatchPlan {
  const half = Math.max(1, Math.floor(batchSize / 2))
  const nS = Math.min(half, sigAll)
  const nB = Math.min(half, bkgAll)
  const nBatches = Math.max(1, Math.floor(Math.max(sigAll, bkgAll) / half))
  // Variation samples: picked per batch at the rate of the nominal sample's role.
  const pools = meta.nuisances.flatMap((nu, a) =>
    nu.kind !== 'samples'
      ? []
      : ([1, -1] as const).map((sign) => {
          const all = variationCount(a, sign)
          const role = meta.samples[nu.sample].role === 'signal'
          const rate = role ? nS / Math.max(sigAll, 1) : nB / Math.max(bkgAll, 1)
          const picked = Math.min(all, Math.max(1, Math.round(all * rate)))
          return { a, sign, all, picked }
        }),
  )
  return { sigAll, bkgAll, nS, nB, nBatches, pools }
}

/** What the batches step: the network, its loss and the run's fixed settings. */
export interface BatchStepper {
  readonly tf: typeof TF
  readonly net: TrainableDense
  readonly sc: Scaler
  readonly bins: number
  readonly tau: number
  readonly constraints: readonly number[]
  readonly rng: Random
  readonly gate: TrainingGate
}

/**
 * One epoch over `windows` (each read when its turn comes): every window with training events
 * of both roles gives round(nBatches · its share of the part's events) batches (≥ 1). Returns
 * the mean batch loss, NaN when the gate stops it or no batch ran.
 */
export async function fisherEpoch(
  s: BatchStepper,
  plan: BatchPlan,
  windows: readonly (() => ProjectEvents | Promise<ProjectEvents>)[],
): Promise<number> {
  let sum = 0
  let done = 0
  for (const read of windows) {
    const ev = await read()
    const sig = rowsOf(ev, PARTS.train, 1)
    const bkg = rowsOf(ev, PARTS.train, 0)
    if (!sig.length || !bkg.length) continue
    const share = Math.max(
      1,
      Math.round(
        (plan.nBatches * (sig.length + bkg.length)) / Math.max(plan.sigAll + plan.bkgAll, 1),
      ),
    )
    const wS = Math.min(plan.nS, sig.length)
    const wB = Math.min(plan.nB, bkg.length)
    const fSig = plan.sigAll / wS
    const fBkg = plan.bkgAll / wB
    const here = plan.pools.map((p) => {
      const pool = variationRowsOf(ev, PARTS.train, p.a, p.sign)
      const picked = Math.min(pool.length, p.picked)
      return { pool, picked, factor: picked ? p.all / picked : 0 }
    })
    const factorOf = new Map(plan.pools.map((p, j) => [p.sign * (p.a + 1), here[j].factor]))
    const factor = (i: number) =>
      ev.variation[i] !== 0 ? (factorOf.get(ev.variation[i]) ?? 1) : ev.signal[i] ? fSig : fBkg
    for (let b = 0; b < share; b++) {
      if (!(await s.gate.beforeBatch())) return NaN
      const ps = s.rng.permutation(sig.length)
      const pb = s.rng.permutation(bkg.length)
      const rows = new Int32Array(wS + wB)
      for (let r = 0; r < wS; r++) rows[r] = sig[ps[r]]
      for (let r = 0; r < wB; r++) rows[wS + r] = bkg[pb[r]]
      const picked: number[] = []
      for (const p of here) {
        const perm = s.rng.permutation(p.pool.length)
        for (let r = 0; r < p.picked; r++) picked.push(p.pool[perm[r]])
      }
      const blk = lossBlock(ev, s.sc, rows, factor, picked)
      const head = fisherLossHead(s.tf, blk, s.bins, s.tau, s.constraints)
      const loss = s.net.step(blk.x, blk.rows, head)
      const value = loss.dataSync()[0]
      s.gate.afterBatch(value)
      sum += value
      done++
      loss.dispose()
    }
  }
  return done ? sum / done : NaN
}
