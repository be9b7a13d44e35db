/**
 * Megaset training from the sample files (when to stream and how the budget is shared:
 * ml/streaming.ts) and the events then scored in memory: every signal event and a seeded subsample of the
 * validation background that fits the budget, weighted up to each sample's yield.
 */
import type { AnomalyConfig } from '../../../../shared/contract/anomaly'
import type { JobContext } from '../../jobs/context'
import type { SelectedEvents } from '../build-dataset'
import { PART, type TrainingData } from '../dataset'
import { eventDraw, type SelectedChunks } from '../streaming'
import { type FileChunks, fileChunks } from './file-chunks'
import { megasetFeed } from './megaset'
import { type AnomalyTraining, trainOnFeed } from './train'
import { watchSetFromChunks } from './watch'

/**
 * Trains `config` on the background `chunks` (each sized under `budget` bytes) streamed from
 * their files: a first pass for the split, missing values and weights, streaming passes for
 * the preprocessing (every training event), then windows of each epoch's permutation within
 * three quarters of the budget. The same model as in memory.
 */
export async function trainStreamed(
  chunks: SelectedChunks,
  config: AnomalyConfig,
  budget: number,
  ctx: JobContext,
): Promise<AnomalyTraining & { source: FileChunks }> {
  const source = await fileChunks(chunks, config, ctx)
  const feed = await megasetFeed(source.chunks, {
    budgetBytes: Math.floor((3 * budget) / 4),
    batchSize: config.options.batchSize,
    streamFit: true,
    seed: config.options.seed,
  })
  // Watched (ctx.snapshot): the first validation events of each background sample.
  const watch = ctx.snapshot
    ? await watchSetFromChunks(source.chunks, chunks.samples, (k) => chunks.sampleOf(k))
    : undefined
  const trained = await trainOnFeed(feed, config, ctx, watch)
  return {
    ...trained,
    warnings: [...source.warnings, ...trained.warnings],
    source,
  }
}

/**
 * The events scored after streamed training, as a TrainingData: the signal samples' events
 * (missing values as in training: the background training means, or dropped) and at most
 * `maxBackground` validation background events (a seeded subsample), each background event's
 * physical weight scaled by its sample's validation weight over the kept events' (1 without
 * subsampling: the ROC is then the one in memory). `yieldScale`, per sample of the data set:
 * its total selected weight over the validation weight, for the display's yields.
 * `background`: the names of the streamed samples.
 */
export async function streamedEvaluationData(
  source: FileChunks,
  background: readonly string[],
  signals: readonly SelectedEvents[],
  config: Pick<AnomalyConfig, 'inputs' | 'missing' | 'weights' | 'split'>,
  validationCount: number,
  maxBackground: number,
): Promise<{ data: TrainingData; yieldScale: number[] }> {
  const d = config.inputs.length
  const keep = Math.min(1, maxBackground / Math.max(1, validationCount))
  const sentinels = new Set(config.missing.values)
  const missing = (v: number) => !Number.isFinite(v) || sentinels.has(v)
  const x: number[] = []
  const w: number[] = []
  const weight: number[] = []
  const sample: number[] = []
  const y: number[] = []
  signals.forEach((s, si) => {
    for (let i = 0; i < s.weight.length; i++) {
      const values = s.columns.map((c) => c[i])
      if (config.missing.policy === 'drop' && values.some(missing)) continue
      values.forEach((v, j) => x.push(missing(v) ? source.means[j] : v))
      const raw = s.weight[i]
      w.push(config.weights.negative === 'ignore' && raw < 0 ? 0 : raw)
      weight.push(raw)
      sample.push(si)
      y.push(1)
    }
  })
  const total = new Float64Array(background.length)
  const validation = new Float64Array(background.length)
  const kept = new Float64Array(background.length)
  const first = sample.length
  let g = 0
  for (let k = 0; k < source.chunks.count; k++) {
    const c = await source.chunks.read(k)
    const s = c.sample ?? 0
    for (let i = 0; i < c.n; i++) {
      if (c.part[i] !== PART.train && c.part[i] !== PART.validation) continue
      const phys = c.weight ? c.weight[i] : c.w[i]
      total[s] += phys
      if (c.part[i] !== PART.validation) continue
      validation[s] += phys
      if (keep < 1 && eventDraw((config.split.seed ^ 0x5bd1e995) >>> 0, g++) >= keep) continue
      kept[s] += phys
      for (let j = 0; j < d; j++) x.push(c.x[i * d + j])
      w.push(c.w[i])
      weight.push(phys)
      sample.push(signals.length + s)
      y.push(0)
    }
  }
  for (let r = first; r < sample.length; r++) {
    const s = sample[r] - signals.length
    if (keep < 1) weight[r] *= kept[s] !== 0 ? validation[s] / kept[s] : 0
  }
  const n = sample.length
  const data: TrainingData = {
    inputs: [...config.inputs],
    n,
    d,
    x: Float64Array.from(x),
    y: Uint8Array.from(y),
    w: Float64Array.from(w),
    weight: Float64Array.from(weight),
    part: Uint8Array.from(y, (v) => (v ? PART.test : PART.validation)),
    sample: Uint16Array.from(sample),
    samples: [
      ...signals.map((s) => ({ name: s.name, role: 'signal' as const })),
      ...background.map((name) => ({ name, role: 'background' as const })),
    ],
  }
  const yieldScale = [
    ...signals.map(() => 1),
    ...Array.from(total, (t, s) => (validation[s] !== 0 ? t / validation[s] : 0)),
  ]
  return { data, yieldScale }
}
