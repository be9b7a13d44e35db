/**
 * INFERNO's events on project samples (ml/inferno/project-data.ts), for the window's training
 * job: the chosen processes and the variation samples read by app/training-set.ts, held in
 * memory, or — when their events exceed the source's memory budget, the rule every training
 * streams by (ml/streaming.ts exceedsBudget) — streamed from the files partition by partition
 * (ml/inferno/streamed-data.ts) for the streamed trainers (ml/inferno/project-streamed.ts).
 */
import type { InfernoProjectConfig } from '../../../shared/contract/inferno'
import type { JobContext } from '../jobs/context'
import {
  extraExpressions,
  projectEvents,
  type ProjectEvents,
  variationSampleNames,
} from '../ml/inferno/project-data'
import { streamedProjectEvents, type StreamedProjectEvents } from '../ml/inferno/streamed-data'
import { bytesPerEvent, exceedsBudget } from '../ml/streaming'
import { type StreamedInfo, streamingContext } from './classifier-training'
import type { EventSource } from './source'
import { entriesOf, eventsOfSamples, openTrainingSamples, streamedChunks } from './training-set'

export type InfernoEvents =
  | { readonly kind: 'memory'; readonly ev: ProjectEvents }
  | {
      readonly kind: 'streamed'
      readonly sev: StreamedProjectEvents
      readonly streamed: StreamedInfo
      /** Training events a window holds (¾ of the budget). */
      readonly windowRows: number
      /** Closes the samples the chunks read (after the training). */
      release(): void
    }

/**
 * The events of `config` on `source`, streamed when the source has a memory budget and the
 * chosen samples' events (variation samples included, before cuts) exceed it. Throws what
 * projectEvents and the training set throw.
 */
export async function infernoEvents(
  source: EventSource,
  config: InfernoProjectConfig,
  ctx: JobContext,
): Promise<InfernoEvents> {
  const inputs = [...config.inputs, ...extraExpressions(config.nuisances)]
  // Up / down variation samples are read in the same region but are not processes.
  const extra = variationSampleNames(config.nuisances)
  const opened = await openTrainingSamples(source, { ...config, inputs, extra }, ctx)
  const { samples, cuts } = opened
  const processes = samples.length - extra.length
  const release = () => samples.forEach((s) => s.opened.release())
  try {
    const budget = source.memory
    if (
      budget !== undefined &&
      exceedsBudget(await entriesOf(samples), bytesPerEvent(inputs.length), budget)
    ) {
      const chunks = await streamedChunks(samples, cuts, budget, source)
      const streamed = { partitions: chunks.count, budget }
      const sev = await streamedProjectEvents(
        chunks,
        samples.slice(0, processes).map((s) => ({ name: s.opened.sample.name, role: s.role })),
        config,
        streamingContext(ctx, streamed),
      )
      const windowRows = Math.floor((3 * budget) / 4 / bytesPerEvent(inputs.length))
      return { kind: 'streamed', sev, streamed, windowRows, release }
    }
  } catch (e) {
    release()
    throw e
  }
  const read = await eventsOfSamples(source, opened, ctx)
  return {
    kind: 'memory',
    ev: projectEvents(read.slice(0, processes), config, read.slice(processes)),
  }
}
