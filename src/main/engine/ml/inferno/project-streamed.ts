/**
 * INFERNO and its cross-entropy baseline on project samples streamed from chunks (issue 13),
 * as project-model.ts trains them in memory: the same standardisation (summed in memory's
 * order), network, loss and validation — only the batches are drawn window by window.
 *
 * INFERNO's loss needs no more than a batch per step: the Fisher information comes from the
 * batch's soft histograms H = W·softmax(logits/τ), its rows weighted to the part's full yields.
 * So each epoch takes the chunks in a seeded order stratified by source (every window holds
 * every process and variation sample in proportion), and each window gives its share of the
 * epoch's batches, drawn from its own events with the in-memory batch sizes; a picked event
 * stands for (the part's events of its kind) / (picked in the batch), as in memory. The
 * validation loss is exact: H is a sum over events, summed chunk by chunk, and the loss taken
 * from the sum. The templates of the evaluation are sums too (streamedTemplates).
 */
import type * as TF from '@tensorflow/tfjs'
import { Random } from '../../data/random'
import { gateOf, silentContext, type JobContext, type TrainingGate } from '../../jobs/context'
import { stratifiedOrder, windowsOf } from '../streaming'
import { bceEpoch } from './bce-epoch'
import { fisherOfHistograms, softHistograms } from './fisher-head'
import { gatedEpochs } from './gated-epochs'
import { buildTrunk } from './network'
import {
  PARTS,
  type ProjectEvents,
  type Scaler,
  rowsOf,
  scaleInPlace,
  scalerSums,
  transformedRows,
  variationRowsOf,
} from './project-data'
import { type ProjectTemplates, projectTemplates } from './project-evaluate'
import { batchPlan, fisherEpoch, lossBlock } from './project-batch'
import {
  type ProjectNetwork,
  type ProjectTrainOptions,
  infernoStepper,
  weightedBceSum,
} from './project-model'
import { SNAPSHOT_EVENTS, snapshotMetrics } from './soft-snapshot'
import { concatEvents, type StreamedProjectEvents } from './streamed-data'

const range = (n: number) => Array.from({ length: n }, (_, k) => k)

/** Chunks with events in `part`. */
const chunksWith = (sev: StreamedProjectEvents, part: number) =>
  range(sev.count).filter((k) => sev.rows(k, part) > 0)

/** fitScaler's standardisation over the nominal training events, streamed. */
export async function streamedScaler(sev: StreamedProjectEvents, ctx: JobContext): Promise<Scaler> {
  const sums = scalerSums(sev.meta.dim)
  await sev.each(chunksWith(sev, PARTS.train), (_, ev) => sums.add(ev), ctx)
  return sums.scaler()
}

/** The windows of one epoch: training chunks, stratified by source, cut at `windowRows`. */
function epochWindows(sev: StreamedProjectEvents, rng: Random, windowRows: number): number[][] {
  const train = chunksWith(sev, PARTS.train)
  const order = stratifiedOrder(train.length, (i) => sev.sourceOf(train[i]), rng)
  return windowsOf(
    order.map((i) => train[i]),
    (k) => sev.rows(k, PARTS.train),
    windowRows,
  )
}

/** The events of chunks `ks` as one ProjectEvents. */
async function windowEvents(
  sev: StreamedProjectEvents,
  ks: readonly number[],
): Promise<ProjectEvents> {
  const parts: ProjectEvents[] = []
  // Reads finish once begun: a cancel is seen at the gate's next batch.
  await sev.each(ks, (_, ev) => parts.push(ev), silentContext())
  return concatEvents(sev.meta, parts)
}

/**
 * trainProjectInferno on streamed events, holding at most about `windowRows` training events
 * at once (see the file comment).
 */
export async function trainProjectInfernoStreamed(
  tf: typeof TF,
  sev: StreamedProjectEvents,
  o: ProjectTrainOptions,
  ctx: JobContext,
  windowRows: number,
  gate: TrainingGate = gateOf(ctx),
): Promise<ProjectNetwork> {
  const meta = sev.meta
  const sc = await streamedScaler(sev, ctx)
  const stepper = infernoStepper(tf, meta, sc, o, gate)
  const { net, constraints: cons, rng } = stepper
  const plan = batchPlan(
    meta,
    o.batchSize,
    sev.counts[PARTS.train].signal,
    sev.counts[PARTS.train].background,
    (a, sign) => sev.variationCount(sign * (a + 1), PARTS.train),
  )
  const q = 2 + meta.nuisances.length
  const validation = chunksWith(sev, PARTS.validation)
  const snap = await snapshotRows(sev, sc)
  const history = await gatedEpochs(net, gate, ctx, o.epochs, o.patience, {
    async validate() {
      // The validation block's soft histograms, summed chunk by chunk.
      const h = new Float64Array(q * o.bins)
      await sev.each(
        validation,
        (_, ev) => {
          const blk = lossBlock(
            ev,
            sc,
            rowsOf(ev, PARTS.validation),
            () => 1,
            variationRowsOf(ev, PARTS.validation),
          )
          if (blk.rows) softHistograms(net.predict(blk.x, blk.rows), o.bins, blk, o.tauEval, h)
        },
        silentContext(),
      )
      return fisherOfHistograms(h, o.bins, q, cons).loss
    },
    extraMetrics: () => snapshotMetrics(net, snap, o.bins, o.tau),
    trainEpoch: () =>
      fisherEpoch(
        stepper,
        plan,
        epochWindows(sev, rng, Math.max(1, windowRows)).map((win) => () => windowEvents(sev, win)),
      ),
  })
  return { net, scaler: sc, history }
}

/** The live soft histograms' events: the first validation events of each role (as memory). */
async function snapshotRows(sev: StreamedProjectEvents, sc: Scaler) {
  const d = sev.meta.dim
  const held = ([1, 0] as const).map(() => ({ x: [] as number[], w: [] as number[] }))
  await sev.each(
    chunksWith(sev, PARTS.validation),
    (_, ev) => {
      for (const [j, role] of ([1, 0] as const).entries()) {
        const h = held[j]
        for (const i of rowsOf(ev, PARTS.validation, role)) {
          if (h.w.length >= SNAPSHOT_EVENTS) break
          for (let c = 0; c < d; c++) h.x.push(ev.x[i * d + c])
          h.w.push(ev.weight[i])
        }
      }
    },
    silentContext(),
  )
  return held.map((h) => ({
    x: scaleInPlace(Float32Array.from(h.x), sc),
    n: h.w.length,
    w: h.w,
  }))
}

/** trainProjectBce on streamed events, a window of about `windowRows` events at a time. */
export async function trainProjectBceStreamed(
  tf: typeof TF,
  sev: StreamedProjectEvents,
  o: ProjectTrainOptions,
  ctx: JobContext,
  windowRows: number,
  gate: TrainingGate = gateOf(ctx),
): Promise<ProjectNetwork> {
  const meta = sev.meta
  const d = meta.dim
  const sc = await streamedScaler(sev, ctx)
  const net = buildTrunk(tf, o.hidden, 1, o.seed, o, d)
  const rng = new Random(o.seed * 1_000_003 + 17)
  // Per part: nominal events and Σ|w| per class (memory's class-balanced weights).
  const sums = [0, 1, 2].map(() => ({ n: 0, ws: 0, wb: 0 }))
  await sev.each(
    range(sev.count),
    (_, ev) => {
      for (let i = 0; i < ev.part.length; i++) {
        if (ev.variation[i] !== 0) continue
        const s = sums[ev.part[i]]
        s.n++
        if (ev.signal[i]) s.ws += Math.abs(ev.weight[i])
        else s.wb += Math.abs(ev.weight[i])
      }
    },
    ctx,
  )
  const prep = (ev: ProjectEvents, part: number) => {
    const rows = rowsOf(ev, part)
    const { n, ws, wb } = sums[part]
    const x = scaleInPlace(transformedRows(ev, rows, null, 0), sc)
    const y = new Float32Array(rows.length)
    const w = new Float32Array(rows.length)
    rows.forEach((i, r) => {
      y[r] = ev.signal[i]
      w[r] = (Math.abs(ev.weight[i]) * n) / 2 / (ev.signal[i] ? ws : wb)
    })
    return { x, y, w, n: rows.length, d }
  }
  const batch = Math.min(128, sums[PARTS.train].n)
  const validation = chunksWith(sev, PARTS.validation)
  const history = await gatedEpochs(net, gate, ctx, o.bceEpochs, o.patience, {
    async validate() {
      let s = 0
      let n = 0
      await sev.each(
        validation,
        (_, ev) => {
          const v = prep(ev, PARTS.validation)
          if (!v.n) return
          s = weightedBceSum(net.predict(v.x, v.n), v.y, v.w, s)
          n += v.n
        },
        silentContext(),
      )
      return s / Math.max(n, 1)
    },
    trainEpoch: async () => {
      let sum = 0
      let batches = 0
      for (const win of epochWindows(sev, rng, Math.max(batch, windowRows))) {
        const rows = prep(await windowEvents(sev, win), PARTS.train)
        const full = Math.floor(rows.n / batch)
        if (!full) continue
        const loss = await bceEpoch(tf, net, rows, rng.permutation(rows.n), batch, gate)
        if (Number.isNaN(loss)) return NaN
        sum += loss * full
        batches += full
      }
      return batches ? sum / batches : NaN
    },
  })
  return { net, scaler: sc, history }
}

/** projectTemplates of the streamed test events: each chunk's templates, summed. */
export async function streamedTemplates(
  sev: StreamedProjectEvents,
  net: ProjectNetwork,
  kind: 'inferno' | 'bce',
  bins: number,
  ctx: JobContext,
): Promise<ProjectTemplates> {
  let sum: ProjectTemplates | null = null
  // Which samples each nuisance acts on: over all test events, as in memory.
  const acts = sev.meta.nuisances.map(() => new Uint8Array(sev.meta.samples.length))
  await sev.each(
    chunksWith(sev, PARTS.test),
    (_, ev) => {
      for (const i of rowsOf(ev, PARTS.test))
        ev.nuisances.forEach((nu, a) => nu.affects[i] && (acts[a][ev.sample[i]] = 1))
      const t = projectTemplates(ev, net, kind, bins, true)
      if (!sum) {
        sum = t
        return
      }
      const s: ProjectTemplates = sum
      const add = (a: Float64Array, b: Float64Array) => {
        for (let j = 0; j < a.length; j++) a[j] += b[j]
      }
      t.nominal.forEach((h, k) => add(s.nominal[k], h))
      for (const side of ['up', 'down'] as const)
        t[side].forEach((row, a) => row.forEach((h, k) => add(s[side][a][k]!, h!)))
    },
    ctx,
  )
  const t: ProjectTemplates = sum ?? projectTemplates(sev.meta, net, kind, bins, true)
  const mask = (side: (Float64Array | null)[][]) =>
    side.map((row, a) => row.map((h, k) => (acts[a][k] ? h : null)))
  return { ...t, up: mask(t.up), down: mask(t.down) }
}
