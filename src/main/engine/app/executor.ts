/**
 * Running a use case's map over a sample's partitions and merging the partials (DESIGN.md §10).
 * The inline executor: one partition after the other in this process. Partials are merged in
 * partition-index order, so an executor that runs them elsewhere or out of order (a worker
 * pool, a cluster) gives the same answer to the last bit by merging in the same order.
 */
import type { JobContext } from '../jobs/context'
import type { Partition } from './partition'

/** A pass over events: a partial per partition, and how two partials combine. */
export interface PartitionPass<Part> {
  /** The partial result of one partition (pure: the same partition gives the same partial). */
  map(partition: Partition, ctx: JobContext): Promise<Part>
  /** `a` then `b` (a covers lower partition indices); may reuse `a`'s storage. */
  merge(a: Part, b: Part): Part
}

/**
 * Maps every partition and merges the partials in index order; undefined for no partitions.
 * `ctx`'s progress runs from 0 to 1 over the partitions (weighted by entries).
 */
export async function mapMerge<Part>(
  partitions: readonly Partition[],
  pass: PartitionPass<Part>,
  ctx: JobContext,
): Promise<Part | undefined> {
  const ordered = [...partitions].sort((a, b) => a.index - b.index)
  const total = ordered.reduce((s, p) => s + (p.range.stop - p.range.start), 0) || 1
  let done = 0
  let acc: Part | undefined
  for (const p of ordered) {
    ctx.throwIfCancelled()
    const size = p.range.stop - p.range.start
    const part = await pass.map(p, scaledContext(ctx, done / total, size / total))
    acc = acc === undefined ? part : pass.merge(acc, part)
    done += size
    ctx.progress(done / total)
  }
  return acc
}

/**
 * `ctx` for a piece of the work that spans [from, from + width] of the whole: the piece reports
 * its own progress in [0, 1].
 */
export function scaledContext(
  ctx: JobContext,
  from: number,
  width: number,
  message?: string,
): JobContext {
  return {
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(from + width * f, message ?? m),
    metric: (name, step, value) => ctx.metric(name, step, value),
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
    gate: ctx.gate,
  }
}
