/**
 * Classifier training, written once for the window (services/train.ts), the command line
 * (`hepwb train`) and the tuning trials (tune-trial.ts): the training set of app/training-set.ts
 * held in memory (assembleTrainingData), or — for a network whose samples' events exceed the
 * source's memory budget, the rule the autoencoders stream by (ml/streaming.ts exceedsBudget) —
 * streamed from the sample files partition by partition (ml/streamed-set.ts): the same events
 * in the same split, the preprocessing in streamed passes, batches drawn window by window, the
 * evaluation summed chunk by chunk. Nothing then holds all selected rows.
 */
import type { TrainConfig } from '../../../shared/contract/train'
import type { JobContext } from '../jobs/context'
import { assembleTrainingData, type AssembledData } from '../ml/build-dataset'
import { PART } from '../ml/dataset'
import { streamedTrainingSet, type StreamedSet } from '../ml/streamed-set'
import { exceedsBudget } from '../ml/streaming'
import {
  trainClassifier,
  trainStreamedClassifier,
  type TrainedClassifier,
} from '../ml/train-classifier'
import type { EventSource } from './source'
import {
  entriesOf,
  eventsOfSamples,
  openTrainingSamples,
  streamedChunks,
  trainingEvents,
  type TrainingSample,
} from './training-set'

/** How a streamed training set was cut. */
export interface StreamedInfo {
  /** Partitions (chunks) of all samples. */
  readonly chunks: number
  /** The memory budget, bytes. */
  readonly budget: number
}

/** A classifier's training set: all rows in memory, or chunks streamed from the files. */
export type ClassifierSet =
  | { readonly kind: 'memory'; readonly assembled: AssembledData }
  | {
      readonly kind: 'streamed'
      readonly set: StreamedSet
      readonly streamed: StreamedInfo
      /** Closes the samples the chunks read (after the training). */
      release(): void
    }

/** Events per class in each part of the split. */
export interface PartEvents {
  readonly train: { signal: number; background: number }
  readonly validation: { signal: number; background: number }
  readonly test: { signal: number; background: number }
}

/**
 * The training set of `config` on `source`: streamed when `config` trains a network, the source
 * has a memory budget and the chosen samples' events (before cuts) exceed it, in memory
 * otherwise. Throws naming the sample, input or cut that is wrong, or a TrainingDataError.
 */
export async function classifierSet(
  source: EventSource,
  config: TrainConfig,
  ctx: JobContext,
): Promise<ClassifierSet> {
  if (config.kind !== 'mlp' || source.memory === undefined)
    return {
      kind: 'memory',
      assembled: assembleTrainingData(await trainingEvents(source, config, ctx), config),
    }
  const opened = await openTrainingSamples(source, config, ctx)
  const { samples, cuts } = opened
  const release = () => samples.forEach((s) => s.opened.release())
  try {
    const budget = source.memory
    if (exceedsBudget(await entriesOf(samples), config.inputs.length, budget))
      return await streamedSet(source, samples, cuts, config, budget, ctx, release)
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
  cuts: Parameters<typeof streamedChunks>[1],
  config: TrainConfig,
  budget: number,
  ctx: JobContext,
  release: () => void,
): Promise<ClassifierSet> {
  const chunks = await streamedChunks(samples, cuts, budget, source)
  const streamed = { chunks: chunks.count, budget }
  const set = await streamedTrainingSet(chunks, config, streamingContext(ctx, streamed))
  return { kind: 'streamed', set, streamed, release }
}

/** "streamed from N partitions under B MB": what the progress of a streamed training says. */
export function streamingNote(info: StreamedInfo): string {
  const mb = info.budget / (1024 * 1024)
  return `streamed from ${info.chunks} partitions under ${mb >= 10 ? mb.toFixed(0) : mb.toPrecision(2)} MB`
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
export function trainOnSet(
  config: TrainConfig,
  set: ClassifierSet,
  ctx: JobContext,
): Promise<TrainedClassifier> {
  if (set.kind === 'memory') return trainClassifier(config, set.assembled, ctx)
  const streamedCtx = streamingContext(ctx, set.streamed)
  streamedCtx.log(`training ${streamingNote(set.streamed)}`)
  return trainStreamedClassifier(config, set.set, set.streamed.budget, streamedCtx)
}

/** The events of each class in each part of `set`. */
export function partEvents(set: ClassifierSet): PartEvents {
  const of = (part: number) => {
    if (set.kind === 'streamed')
      return { signal: set.set.counts.signal[part], background: set.set.counts.background[part] }
    const { data } = set.assembled
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
  /** How the set was streamed; null: held in memory. */
  readonly streamed: StreamedInfo | null
}

/** The training set of `config` on `source` read, trained on and released: the whole use case. */
export async function runClassifierTraining(
  source: EventSource,
  config: TrainConfig,
  ctx: JobContext,
): Promise<ClassifierRun> {
  const set = await classifierSet(source, config, ctx)
  try {
    const trained = await trainOnSet(config, set, ctx)
    return {
      trained,
      events: partEvents(set),
      streamed: set.kind === 'streamed' ? set.streamed : null,
    }
  } finally {
    if (set.kind === 'streamed') set.release()
  }
}
