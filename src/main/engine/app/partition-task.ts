/**
 * A use case's per-partition map as a Task kind (DESIGN.md §10): the payload is the source's
 * description, the sample, the partition and the use case's request — all plain data — so a
 * worker thread or a `hepwb worker` rebuilds the source (app/source-description.ts), prepares
 * the request for the sample once (checked expressions, file columns) and maps the partition
 * with the very code the inline path runs. mapSample runs a sample's partitions on the source's
 * executor, or inline when it has none, and merges the partials in partition order either way.
 */
import type { JobContext } from '../jobs/context'
import { mapMerge } from './executor'
import { budgetPlan, columnShapes } from './memory-budget'
import type { Partition } from './partition'
import { describedPrepared, describedSample, type SourceDescription } from './source-description'
import type { EventSource, OpenedSample } from './source'
import { defineTask, type Task } from './task'

/** What a partition task carries. */
export interface PartitionPayload<Req> {
  readonly source: SourceDescription
  readonly sample: number
  /** The sample's name where the work was planned (checked on the other side). */
  readonly sampleName: string
  readonly partition: Partition
  readonly request: Req
}

/** What every prepared pass knows: the file columns it reads (partitions are sized by them). */
export interface PassPrep {
  readonly columns: readonly string[]
}

/** One use case's map over a partition, in the pieces both sides run. */
export interface PartitionKind<Req, Prep extends PassPrep, Part> {
  readonly kind: string
  /**
   * What every partition of `sample` needs for `request` (checked expressions, file columns,
   * a cut compiler), computed once per sample. Throws the source's error for a bad expression.
   */
  prepare(sample: OpenedSample, source: EventSource, request: Req): Prep
  /** The partial result of one partition (pure: a retried partition gives the same). */
  map(sample: OpenedSample, prep: Prep, partition: Partition, ctx: JobContext): Promise<Part>
}

/** Registers `kind` as a Task kind and returns it for mapSample. */
export function definePartitionTask<Req, Prep extends PassPrep, Part>(
  def: PartitionKind<Req, Prep, Part>,
): PartitionKind<Req, Prep, Part> {
  defineTask(def.kind, async (payload, ctx) => {
    const p = payload as PartitionPayload<Req>
    const { source, sample } = await describedSample(p.source, p.sample, p.sampleName, ctx)
    const prep = describedPrepared(
      p.source,
      `${def.kind}\0${p.sample}\0${JSON.stringify(p.request)}`,
      () => def.prepare(sample, source, p.request),
    )
    return def.map(sample, prep, p.partition, ctx)
  })
  return def
}

/**
 * Maps `kind` over `partitions` (default: all of `sample`'s, cut under the source's memory
 * budget when it has one) and merges the partials in
 * partition-index order: on `source.executor` through tasks when the source has an executor
 * and a description and the sample more than one partition, else here with the live sample
 * and `prep` (which must be what kind.prepare gives for `request`). Undefined for no partitions. Progress 0 → 1 by entries.
 */
export async function mapSample<Req, Prep extends PassPrep, Part>(
  source: EventSource,
  sample: OpenedSample,
  kind: PartitionKind<Req, Prep, Part>,
  request: Req,
  prep: Prep,
  merge: (a: Part, b: Part) => Part,
  ctx: JobContext,
  partitions?: readonly Partition[],
): Promise<Part | undefined> {
  const plan = budgetPlan(source.memory, columnShapes(sample.variables.symbols, prep.columns))
  const parts = [...(partitions ?? (await sample.partitions(plan)))].sort(
    (a, b) => a.index - b.index,
  )
  const { executor, description } = source
  // One partition has nothing to share out: it runs here, without a thread or a round trip.
  if (!executor || !description || parts.length < 2)
    return mapMerge(parts, { map: (p, c) => kind.map(sample, prep, p, c), merge }, ctx)
  const tasks: Task[] = parts.map((partition) => ({
    kind: kind.kind,
    payload: {
      source: description,
      sample: sample.index,
      sampleName: sample.sample.name,
      partition,
      request,
    } satisfies PartitionPayload<Req>,
  }))
  let acc: Part | undefined
  await executor.run(
    tasks,
    ctx,
    (_, result) => {
      acc = acc === undefined ? (result as Part) : merge(acc, result as Part)
    },
    parts.map((p) => Math.max(1, p.range.stop - p.range.start)),
  )
  return acc
}
