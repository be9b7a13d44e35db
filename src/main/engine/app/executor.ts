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
  let acc: Part | undefined
  await runInOrder(
    ordered.length,
    (i, c) => pass.map(ordered[i], c),
    (_, part) => {
      acc = acc === undefined ? part : pass.merge(acc, part)
    },
    ctx,
    ordered.map((p) => p.range.stop - p.range.start),
  )
  return acc
}

/**
 * The one loop that runs pieces of a job one after the other in this process (a use case's
 * partitions, the inline executor's tasks): piece `i` runs under a context scaled to its share
 * of the job, [done, done + weights[i]] / total, so a piece that reports its own progress moves
 * the job's bar only within its share — as the pool and the cluster, which count finished pieces
 * by the same weights (default 1 each). `onResult(i, result)` is called in index order.
 */
export async function runInOrder<R>(
  count: number,
  run: (index: number, ctx: JobContext) => Promise<R>,
  onResult: (index: number, result: R) => void,
  ctx: JobContext,
  weights?: readonly number[],
): Promise<void> {
  const weight = (i: number) => weights?.[i] ?? 1
  let total = 0
  for (let i = 0; i < count; i++) total += weight(i)
  total ||= 1
  let done = 0
  for (let i = 0; i < count; i++) {
    ctx.throwIfCancelled()
    const result = await run(i, scaledContext(ctx, done / total, weight(i) / total))
    onResult(i, result)
    done += weight(i)
    ctx.progress(done / total)
  }
}

/**
 * `ctx` for a piece of the work that spans [from, from + width] of the whole: the piece reports
 * its own progress in [0, 1] (clamped, so a piece never moves the bar outside its share).
 */
export function scaledContext(
  ctx: JobContext,
  from: number,
  width: number,
  message?: string,
): JobContext {
  return {
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(from + width * Math.min(Math.max(f, 0), 1), message ?? m),
    metric: (name, step, value) => ctx.metric(name, step, value),
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
    gate: ctx.gate,
  }
}
