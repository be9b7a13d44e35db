/**
 * Classifier training, written once for the window (services/train.ts), the command line
 * (`hepwb train`) and the tuning trials (tune-trial.ts): the training set of app/training-set.ts
 * held in memory (assembleTrainingData), or — when the samples' events exceed the source's
 * memory budget by the one rule every trainer streams by (ml/streaming.ts exceedsBudget, with
 * the bytes per event the method would hold) — trained out of core, by method:
 *  - a network: streamed from the sample files partition by partition (ml/streamed-set.ts): the
 *    same events in the same split, the preprocessing in streamed passes, batches drawn window
 *    by window, the evaluation summed chunk by chunk;
 *  - Fisher and rectangular cuts (grid, random, genetic): map/merge passes over the partitions
 *    on the source's executor (app/classifier-passes-training.ts; the genetic search one pass
 *    per generation, as each chooses from the sums of the last).
 * Nothing out of core holds all selected rows.
 */
import type { TrainConfig, TrainResult } from '../../../shared/contract/train'
import type { JobContext } from '../jobs/context'
import { assembleTrainingData, type AssembledData } from '../ml/build-dataset'
import { PART } from '../ml/dataset'
import { streamedTrainingSet, type StreamedSet } from '../ml/streamed-set'
import {
  budgetBytes,
  bytesPerEvent,
  DEFAULT_BUDGET_MB,
  exceedsBudget,
  rowBytesPerEvent,
} from '../ml/streaming'
import {
  trainClassifier,
  trainStreamedClassifier,
  type TrainedClassifier,
} from '../ml/train-classifier'
import type { ResolvedCut } from '../select/regions'
import { trainByPasses, trainsByPasses } from './classifier-passes-training'
import type { EventSource } from './source'
import {
  entriesOf,
  eventsOfSamples,
  openTrainingSamples,
  streamedChunks,
  trainingEvents,
  type TrainingSample,
} from './training-set'

/** How an out-of-core training read its events (what `hepwb train --json` says). */
export interface StreamedInfo {
  /** Partitions (chunks) of all samples. */
  readonly partitions: number
  /** Map/merge passes over them (Fisher, cuts); absent for the streamed network. */
  readonly passes?: number
  /** The memory budget, bytes. */
  readonly budget: number
}

/**
 * A classifier's training set: all rows in memory, chunks streamed from the files (a network),
 * or the opened samples that passes read partition by partition (Fisher, grid/random cuts).
 */
export type ClassifierSet =
  | { readonly kind: 'memory'; readonly assembled: AssembledData }
  | {
      readonly kind: 'streamed'
      readonly set: StreamedSet
      readonly streamed: StreamedInfo
      /** Closes the samples the chunks read (after the training). */
      release(): void
    }
  | {
      readonly kind: 'passes'
      readonly source: EventSource
      readonly samples: readonly TrainingSample[]
      readonly cuts: readonly ResolvedCut[]
      readonly budget: number
      release(): void
    }

/** Events per class in each part of the split. */
export interface PartEvents {
  readonly train: { signal: number; background: number }
  readonly validation: { signal: number; background: number }
  readonly test: { signal: number; background: number }
}

/**
 * Bytes one selected event costs `config`'s training in memory, what decides whether it trains
 * out of core: a network's window rows and tensors (bytesPerEvent), an assembled row otherwise
 * (rowBytesPerEvent).
 */
export function heldBytesPerEvent(config: TrainConfig): number {
  const d = config.inputs.length
  return config.kind === 'mlp' ? bytesPerEvent(d) : rowBytesPerEvent(d)
}

/**
 * The training set of `config` on `source`: out of core when the method can train so and the
 * chosen samples' events (before cuts) exceed the source's memory budget — or `options.stream`
 * asks (then under the source's budget or DEFAULT_BUDGET_MB) — in memory otherwise. Throws
 * naming the sample, input or cut that is wrong, or a TrainingDataError.
 */
export async function classifierSet(
  source: EventSource,
  config: TrainConfig,
  ctx: JobContext,
  options: { stream?: boolean } = {},
): Promise<ClassifierSet> {
  const perEvent = heldBytesPerEvent(config)
  if (source.memory === undefined && !options.stream)
    return {
      kind: 'memory',
      assembled: assembleTrainingData(await trainingEvents(source, config, ctx), config),
    }
  const opened = await openTrainingSamples(source, config, ctx)
  const { samples, cuts } = opened
  const release = () => samples.forEach((s) => s.opened.release())
  try {
    const budget = source.memory ?? budgetBytes(DEFAULT_BUDGET_MB)
    if (options.stream || exceedsBudget(await entriesOf(samples), perEvent, budget)) {
      if (config.kind === 'mlp')
        return await streamedSet(source, samples, cuts, config, budget, ctx, release)
      return { kind: 'passes', source, samples, cuts, budget, release }
    }
  } catch (e) {
    release()
    throw e
  }
  // In memory: the samples opened for the decision are read (and released) as they are.
  return {
    kind: 'memory',
    assembled: assembleTrainingData(await eventsOfSamples(source, opened, ctx), config),
  }
}

async function streamedSet(
  source: EventSource,
  samples: readonly TrainingSample[],
  cuts: readonly ResolvedCut[],
  config: TrainConfig,
  budget: number,
  ctx: JobContext,
  release: () => void,
): Promise<ClassifierSet> {
  const chunks = await streamedChunks(samples, cuts, budget, source)
  const streamed = { partitions: chunks.count, budget }
  const set = await streamedTrainingSet(chunks, config, streamingContext(ctx, streamed))
  return { kind: 'streamed', set, streamed, release }
}

/** `info` as a train result and `hepwb train --json` say it. */
export function streamedJson(info: StreamedInfo): NonNullable<TrainResult['streamed']> {
  const { partitions, passes, budget } = info
  return { partitions, ...(passes === undefined ? {} : { passes }), budget_bytes: budget }
}

/** "streamed from N partitions under B MB": what the progress of a streamed training says. */
export function streamingNote(info: StreamedInfo): string {
  const mb = info.budget / (1024 * 1024)
  return `streamed from ${info.partitions} partitions under ${mb >= 10 ? mb.toFixed(0) : mb.toPrecision(2)} MB`
}

/** `ctx` whose progress messages say that the training streams. */
export function streamingContext(ctx: JobContext, info: StreamedInfo): JobContext {
  const note = streamingNote(info)
  return {
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(f, m ? `${m} — ${note}` : note),
    metric: (name, step, value) => ctx.metric(name, step, value),
    log: (m) => ctx.log(m),
    snapshot: ctx.snapshot ? (name, step, data) => ctx.snapshot!(name, step, data) : undefined,
    throwIfCancelled: () => ctx.throwIfCancelled(),
    gate: ctx.gate,
  }
}

/** Trains `config` on a training set of classifierSet (which it does not release). */
export async function trainOnSet(
  config: TrainConfig,
  set: ClassifierSet,
  ctx: JobContext,
): Promise<TrainedClassifier> {
  return (await runOnSet(config, set, ctx)).trained
}

/** `config` trained on `set` (not released): the model, the events per part, how it streamed. */
async function runOnSet(
  config: TrainConfig,
  set: ClassifierSet,
  ctx: JobContext,
): Promise<ClassifierRun> {
  switch (set.kind) {
    case 'memory':
      return {
        trained: await trainClassifier(config, set.assembled, ctx),
        events: memoryEvents(set.assembled),
        streamed: null,
      }
    case 'streamed': {
      const streamedCtx = streamingContext(ctx, set.streamed)
      streamedCtx.log(`training ${streamingNote(set.streamed)}`)
      const trained = await trainStreamedClassifier(
        config,
        set.set,
        set.streamed.budget,
        streamedCtx,
      )
      const of = (part: number) => ({
        signal: set.set.counts.signal[part],
        background: set.set.counts.background[part],
      })
      const events = { train: of(PART.train), validation: of(PART.validation), test: of(PART.test) }
      return { trained, events, streamed: set.streamed }
    }
    case 'passes': {
      if (!trainsByPasses(config)) throw new Error(`${config.kind} does not train by passes`)
      const run = await trainByPasses(set.source, set.samples, set.cuts, config, set.budget, ctx)
      // The job's log says it, as the streamed network's does (a tuning trial's too).
      if (run.streamed)
        ctx.log(`trained in ${run.streamed.passes ?? 1} passes, ${streamingNote(run.streamed)}`)
      return run
    }
  }
}

/** The events of each class in each part of an assembled training set. */
function memoryEvents({ data }: AssembledData): PartEvents {
  const of = (part: number) => {
    let signal = 0
    let background = 0
    for (let i = 0; i < data.n; i++)
      if (data.part[i] === part) {
        if (data.y[i]) signal++
        else background++
      }
    return { signal, background }
  }
  return { train: of(PART.train), validation: of(PART.validation), test: of(PART.test) }
}

/** The result of runClassifierTraining. */
export interface ClassifierRun {
  readonly trained: TrainedClassifier
  readonly events: PartEvents
  /** How the training ran out of core; null: in memory. */
  readonly streamed: StreamedInfo | null
}

/**
 * The training set of `config` on `source` read, trained on and released: the whole use case
 * (`options.stream` trains out of core whatever the events, for the methods that can).
 */
export async function runClassifierTraining(
  source: EventSource,
  config: TrainConfig,
  ctx: JobContext,
  options: { stream?: boolean } = {},
): Promise<ClassifierRun> {
  const set = await classifierSet(source, config, ctx, options)
  try {
    return await runOnSet(config, set, ctx)
  } finally {
    if (set.kind !== 'memory') set.release()
  }
}
