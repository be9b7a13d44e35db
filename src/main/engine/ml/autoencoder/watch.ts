/**
 * Watching an autoencoder or VAE learn (issue 14): a fixed set of events chosen once before
 * training (a sample of each process, validation part for the background the model trains on),
 * and the picture of the model on them at a step — one event per process as input vs
 * reconstruction per input, and the latent space coloured by process (the latent coordinates
 * themselves up to two dimensions, else the first two principal components of the background).
 */
import type { AnomalyWatch } from '../../../../shared/contract/anomaly-watch'
import { PART, type TrainingData } from '../dataset'
import { reconstructed } from './display'
import { applyInputTransform } from './input-transform'
import { fitLatentPca, projectLatent } from './latent'
import type { EventChunks } from './megaset'
import { type AnomalyModel, eventLosses, type StackRunner, targets } from './model'

/** The events watched during one training. */
export interface WatchSet {
  /** Raw inputs, row-major n × d. */
  readonly raw: Float64Array
  readonly n: number
  /** Index into `processes` of each row. */
  readonly process: Uint16Array
  readonly processes: readonly { name: string; role: 'signal' | 'background' }[]
  /** The row shown as input vs reconstruction, one per process (in process order). */
  readonly chosen: readonly number[]
}

/**
 * Up to `perProcess` events of each sample of `data`, spread evenly over its events: the
 * validation part of the background (the training part is what the model fits), every part of
 * a signal (never trained on). Samples without such events are left out.
 */
export function watchSet(data: TrainingData, perProcess = 150): WatchSet {
  const bySample: number[][] = data.samples.map(() => [])
  for (let i = 0; i < data.n; i++)
    if (data.y[i] === 1 || data.part[i] === PART.validation) bySample[data.sample[i]].push(i)
  const rows: number[] = []
  const process: number[] = []
  const processes: WatchSet['processes'][number][] = []
  const chosen: number[] = []
  bySample.forEach((all, s) => {
    if (!all.length) return
    const k = Math.min(perProcess, all.length)
    const p = processes.length
    processes.push({ name: data.samples[s].name, role: data.samples[s].role })
    chosen.push(rows.length)
    for (let r = 0; r < k; r++) {
      rows.push(all[Math.floor((r * all.length) / k)])
      process.push(p)
    }
  })
  const d = data.d
  const raw = new Float64Array(rows.length * d)
  rows.forEach((i, r) => raw.set(data.x.subarray(i * d, (i + 1) * d), r * d))
  return { raw, n: rows.length, process: Uint16Array.from(process), processes, chosen }
}

/**
 * The watched events of a training streamed from file chunks (background only: the signal
 * samples are read after training): the first `perProcess` validation events of each background
 * sample, reading only the chunks needed (`sampleOf(k)`: the sample of chunk k, a position in
 * `names`).
 */
export async function watchSetFromChunks(
  chunks: EventChunks,
  names: readonly string[],
  sampleOf: (k: number) => number,
  perProcess = 150,
): Promise<WatchSet> {
  const d = chunks.inputs.length
  const taken: number[][][] = names.map(() => [])
  for (let k = 0; k < chunks.count; k++) {
    const s = sampleOf(k)
    if (taken[s].length >= perProcess) continue
    const c = await chunks.read(k)
    for (let i = 0; i < c.n && taken[s].length < perProcess; i++)
      if (c.part[i] === PART.validation) taken[s].push(Array.from(c.x.subarray(i * d, (i + 1) * d)))
  }
  const raw: number[] = []
  const process: number[] = []
  const processes: WatchSet['processes'][number][] = []
  const chosen: number[] = []
  taken.forEach((rows, s) => {
    if (!rows.length) return
    chosen.push(process.length)
    for (const r of rows) {
      raw.push(...r)
      process.push(processes.length)
    }
    processes.push({ name: names[s], role: 'background' })
  })
  return {
    raw: Float64Array.from(raw),
    n: process.length,
    process: Uint16Array.from(process),
    processes,
    chosen,
  }
}

/**
 * The picture of `model` on the watched events, `run` being a runner of its current weights and
 * `prior` the VAE prior now (null: N(0, 1)).
 */
export function watchSnapshot(
  model: AnomalyModel,
  run: StackRunner,
  set: WatchSet,
  prior: { mean: ArrayLike<number>; logSigma: ArrayLike<number> } | null,
  at: { epoch: number; batch: number },
): AnomalyWatch {
  const { arch } = model
  const d = arch.inputs.length
  const L = arch.latent
  const losses = eventLosses(model, run, set.raw, set.n, prior)
  // Input vs reconstruction of the chosen events, in the space the loss compares.
  const k = set.chosen.length
  const chosenRaw = new Float64Array(k * d)
  const chosenLatent = new Float64Array(k * L)
  set.chosen.forEach((i, c) => {
    chosenRaw.set(set.raw.subarray(i * d, (i + 1) * d), c * d)
    chosenLatent.set(losses.latent.subarray(i * L, (i + 1) * L), c * L)
  })
  const target = targets(arch, chosenRaw, applyInputTransform(model.transform, chosenRaw, k), k)
  const rec = reconstructed(model, run, chosenLatent, k)
  const finite = (v: number) => (Number.isFinite(v) ? v : 0)
  const events = set.chosen.map((i, c) => ({
    process: set.processes[set.process[i]].name,
    role: set.processes[set.process[i]].role,
    input: Array.from(target.subarray(c * d, (c + 1) * d), finite),
    reconstruction: Array.from(rec.subarray(c * d, (c + 1) * d), finite),
    loss: Number.isFinite(losses.score[i]) ? losses.score[i] : null,
  }))
  return {
    epoch: at.epoch,
    batch: at.batch,
    inputs: [...arch.inputs],
    events,
    latent: latentView(set, losses.latent, L),
  }
}

/** The latent points per process: the coordinates themselves (L ≤ 2) or two PCA components. */
function latentView(set: WatchSet, latent: Float64Array, L: number): AnomalyWatch['latent'] {
  let xy: Float64Array
  let axes: 'latent' | 'pca' = 'latent'
  let explained: number[] = []
  if (L <= 2) {
    xy = new Float64Array(set.n * 2)
    for (let i = 0; i < set.n; i++) {
      xy[2 * i] = latent[i * L]
      xy[2 * i + 1] = L === 2 ? latent[i * L + 1] : 0
    }
  } else {
    // Fitted on the background (what the model learns), applied to every process. Each axis
    // points where its largest weight is positive, so it does not flip between snapshots.
    const bkg: number[] = []
    for (let i = 0; i < set.n; i++)
      if (set.processes[set.process[i]].role === 'background') bkg.push(i)
    const pca = fitLatentPca(latent, L, bkg.length >= 2 ? bkg : [...Array(set.n).keys()])
    for (const c of pca.components) {
      const big = c.reduce((b, v, j) => (Math.abs(v) > Math.abs(c[b]) ? j : b), 0)
      if (c[big] < 0) c.forEach((v, j) => (c[j] = -v))
    }
    xy = projectLatent(pca, latent, set.n)
    axes = 'pca'
    explained = pca.explained
  }
  const processes = set.processes.map((p) => ({
    name: p.name,
    role: p.role,
    points: [] as [number, number][],
  }))
  for (let i = 0; i < set.n; i++) {
    const x = xy[2 * i]
    const y = xy[2 * i + 1]
    if (Number.isFinite(x) && Number.isFinite(y)) processes[set.process[i]].points.push([x, y])
  }
  return { axes, explained, processes }
}
