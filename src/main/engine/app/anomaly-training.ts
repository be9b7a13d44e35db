/**
 * Anomaly training (autoencoders and VAEs), written once for the window and the command line:
 * the background and signal rows of app/training-set.ts, trained in memory, or — when the
 * options ask for it or the background exceeds their memory budget — streamed from the sample
 * files in chunks sized by one rule (training-set.ts streamPartitions) and then scored in
 * memory on every signal event and a validation background subsample within the budget.
 */
import type { AnomalyConfig } from '../../../shared/contract/anomaly'
import type { JobContext } from '../jobs/context'
import { anomalyTrainingData, type AnomalyData } from '../ml/autoencoder/data'
import { streamedEvaluationData, trainStreamed } from '../ml/autoencoder/streamed'
import { bytesPerEvent, streamingBudget } from '../ml/streaming'
import { trainAnomaly, type AnomalyTraining } from '../ml/autoencoder/train'
import { PART, type TrainingData } from '../ml/dataset'
import type { SelectedEvents } from '../ml/build-dataset'
import type { EventSource } from './source'
import {
  entriesOf,
  openTrainingSamples,
  streamedChunks,
  streamedRows,
  trainingEvents,
  type TrainingSample,
} from './training-set'
import type { ResolvedCut } from '../select/regions'

/** The anomaly data set of `config` read in memory (what a stored model is re-scored on). */
export async function anomalyDataOf(
  source: EventSource,
  config: AnomalyConfig,
  ctx: JobContext,
): Promise<AnomalyData> {
  return anomalyTrainingData(await trainingEvents(source, config, ctx), config)
}

/** How a streamed training went (null: trained in memory). */
export interface StreamedInfo {
  readonly chunks: number
  /** The memory budget, bytes. */
  readonly budget: number
  /** Validation background events scored, of `validation`. */
  readonly scored: number
  readonly validation: number
  /** Per sample of the data set: total selected weight over the validation weight (display). */
  readonly yieldScale: readonly number[]
}

export interface AnomalyRun {
  /** The events scored: all of them in memory; signal and a background subsample streamed. */
  readonly data: TrainingData
  /** The model and its summary (its own warnings are in `warnings`, not here). */
  readonly trained: AnomalyTraining
  /** The data set's warnings, then the trainer's. */
  readonly warnings: string[]
  /** Per input, the mean over the background training events (what replaces a missing value). */
  readonly means: readonly number[]
  readonly streamed: StreamedInfo | null
}

/** Trains `config` on `source`'s samples. Throws naming the sample, input or cut that is wrong. */
export async function runAnomalyTraining(
  source: EventSource,
  config: AnomalyConfig,
  ctx: JobContext,
): Promise<AnomalyRun> {
  const streamed = await trainStreamedRun(source, config, ctx)
  if (streamed) return streamed
  const { data, warnings } = await anomalyDataOf(source, config, ctx)
  const trained = await trainAnomaly(data, config, ctx)
  return {
    data,
    trained: { ...trained, warnings: [] },
    warnings: [...warnings, ...trained.warnings],
    means: trainingMeans(data),
    streamed: null,
  }
}

/** The streamed run, or null when the background fits the budget (train in memory). */
async function trainStreamedRun(
  source: EventSource,
  config: AnomalyConfig,
  ctx: JobContext,
): Promise<AnomalyRun | null> {
  const { stream, memoryBudgetMB } = config.options
  if (!stream && memoryBudgetMB === null) return null
  const { samples, cuts } = await openTrainingSamples(source, config, ctx)
  try {
    return await streamedOver(samples, cuts, config, ctx)
  } finally {
    for (const s of samples) s.opened.release()
  }
}

async function streamedOver(
  samples: readonly TrainingSample[],
  cuts: readonly ResolvedCut[],
  config: AnomalyConfig,
  ctx: JobContext,
): Promise<AnomalyRun | null> {
  const d = config.inputs.length
  const background = samples.filter((s) => s.role === 'background')
  const budget = streamingBudget(config.options, await entriesOf(background), d)
  if (budget === null) return null
  ctx.progress(0, 'streaming the background from the sample files')
  const chunks = await streamedChunks(background, cuts, budget)
  const trained = await trainStreamed(chunks, config, budget, ctx)
  const signals: SelectedEvents[] = []
  for (const s of samples.filter((v) => v.role === 'signal'))
    signals.push(await streamedRows(s, cuts, budget, ctx))
  const { data, yieldScale } = await streamedEvaluationData(
    trained.source,
    chunks.samples,
    signals,
    config,
    trained.events.validation,
    Math.floor(budget / 4 / bytesPerEvent(d)),
  )
  let scored = 0
  for (let i = 0; i < data.n; i++) scored += data.y[i] ? 0 : 1
  return {
    data,
    trained: { ...trained, warnings: [] },
    warnings: trained.warnings,
    means: trained.source.means,
    streamed: {
      chunks: trained.source.chunks.count,
      budget,
      scored,
      validation: trained.events.validation,
      yieldScale,
    },
  }
}

/**
 * Per input, the mean over the background training events: missing values were replaced by
 * the mean of the defined ones (data.ts), which leaves that mean unchanged, so this is it.
 */
function trainingMeans(data: TrainingData): number[] {
  const sum = new Float64Array(data.d)
  let n = 0
  for (let i = 0; i < data.n; i++)
    if (data.part[i] === PART.train) {
      n++
      for (let j = 0; j < data.d; j++) sum[j] += data.x[i * data.d + j]
    }
  return Array.from(sum, (v) => (n ? v / n : 0))
}
