/**
 * Training on more events than fit (issue 13), for every trained method: when to stream (the
 * events exceed the memory budget, or the user asks), how the budget is shared — a quarter for
 * the chunk being read (its file columns and selected rows), three quarters for the trainer's
 * window — and the chunks a streaming trainer reads one at a time. The autoencoders
 * (autoencoder/streamed.ts) and the network classifier (streamed-set.ts, mlp.ts
 * trainMlpStreamed) read the same chunks cut by the same rule; the application layer cuts them
 * (app/training-set.ts).
 */
import type { Random } from '../data/random'
import type { JobContext } from '../jobs/context'
import type { SelectedEvents } from './build-dataset'

/** The budget used when streaming is asked for without one (MB). */
export const DEFAULT_BUDGET_MB = 256

/** Bytes of a budget in MB. */
export const budgetBytes = (mb: number): number => mb * 1024 * 1024

/**
 * Bytes one event of d inputs costs in a window: raw float64 inputs and targets, float32
 * preprocessed inputs and targets and their tensors, weights.
 */
export const bytesPerEvent = (d: number): number => 32 * d + 16

/**
 * A uniform number in [0, 1) from (seed, index) — two rounds of the splitmix32 / murmur3
 * finaliser: a per-event draw that needs no running stream, so events read in chunks draw what
 * they would draw read at once (the autoencoders' split, subsamples of streamed events).
 */
export function eventDraw(seed: number, index: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b9) ^ (index >>> 0)) >>> 0
  z = (z + Math.imul(Math.floor(index / 4294967296) + 1, 0x7f4a7c15)) >>> 0
  for (let round = 0; round < 2; round++) {
    z = (z + 0x9e3779b9) >>> 0
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    z = (z ^ (z >>> 16)) >>> 0
  }
  return z / 4294967296
}

/**
 * Bytes one selected event of d inputs costs a training that assembles its set in memory
 * (Fisher, rectangular cuts): its selected values (8 per input and the weight), the assembled
 * row (8 per input, missing marks, weights, class, part, sample) and the evaluation's copies
 * (scores, an input column).
 */
export const rowBytesPerEvent = (d: number): number => 17 * d + 48

/**
 * Whether `entries` events costing `perEvent` bytes each in memory (bytesPerEvent,
 * rowBytesPerEvent: what the method holds) exceed `budget` bytes: the one rule to stream.
 */
export function exceedsBudget(entries: number, perEvent: number, budget: number): boolean {
  return entries * perEvent > budget
}

/**
 * The budget to stream under (bytes), or null to train in memory: streaming when asked
 * (`stream`), or when `entries` events of d inputs exceed the budget.
 */
export function streamingBudget(
  options: { memoryBudgetMB: number | null; stream: boolean },
  entries: number,
  d: number,
): number | null {
  if (options.stream) return budgetBytes(options.memoryBudgetMB ?? DEFAULT_BUDGET_MB)
  if (options.memoryBudgetMB === null) return null
  const budget = budgetBytes(options.memoryBudgetMB)
  return exceedsBudget(entries, bytesPerEvent(d), budget) ? budget : null
}

/**
 * File entries per chunk under `budget` bytes: a quarter of it for the chunk, 8 bytes per entry
 * for each of the `columns` file columns the chunk's read decodes, each of the d inputs and the
 * weight. The only place a chunk is sized (app/training-set.ts streamPartitions calls it for
 * the window and the command line alike, with the sample's real column count).
 */
export function chunkEntries(budget: number, columns: number, d: number): number {
  return Math.max(1, Math.floor(budget / 4 / (8 * (columns + d + 1))))
}

/**
 * Selected rows in chunks a streaming trainer reads one at a time: each chunk one piece of one
 * sample's chain (cuts applied, inputs evaluated), chunks of a sample in chain order and
 * samples in order. The application layer cuts them under the memory budget
 * (app/training-set.ts streamedChunks).
 */
export interface SelectedChunks {
  /** Names of the samples, in order. */
  readonly samples: readonly string[]
  readonly count: number
  /** Position in `samples` of chunk k's sample. */
  sampleOf(k: number): number
  /** The selected rows of chunk k (read again on every call). */
  select(k: number, ctx: JobContext): Promise<SelectedEvents>
  /**
   * Reads chunks `ks` (any order) and hands each one's rows to `visit` in the order of `ks`;
   * a source with an executor reads them in parallel there. Absent: select() one at a time.
   */
  each?(
    ks: readonly number[],
    visit: (k: number, rows: SelectedEvents) => void,
    ctx: JobContext,
  ): Promise<void>
}

/** Reads chunks `ks` of `chunks` in turn (through `each` when the source has it). */
export async function eachChunk(
  chunks: SelectedChunks,
  ks: readonly number[],
  visit: (k: number, rows: SelectedEvents) => void,
  ctx: JobContext,
): Promise<void> {
  if (chunks.each) return chunks.each(ks, visit, ctx)
  for (const k of ks) {
    ctx.throwIfCancelled()
    visit(k, await chunks.select(k, ctx))
  }
}

/**
 * One epoch's order of `count` chunks, stratified by sample: each sample's chunks in a seeded
 * random order, spread evenly through the epoch (chunk i of a sample with m chunks at the
 * position (i + u) / m, u uniform), so that any run of consecutive chunks — a window — holds
 * every sample in proportion: a classifier's batches then carry signal and background, and
 * INFERNO's every process, even though each chunk holds one sample.
 */
export function stratifiedOrder(
  count: number,
  sampleOf: (k: number) => number,
  rng: Random,
): number[] {
  const bySample = new Map<number, number[]>()
  for (let k = 0; k < count; k++) {
    const s = sampleOf(k)
    const list = bySample.get(s)
    if (list) list.push(k)
    else bySample.set(s, [k])
  }
  const keyed: { k: number; key: number }[] = []
  for (const s of [...bySample.keys()].sort((a, b) => a - b)) {
    const list = bySample.get(s)!
    const perm = rng.permutation(list.length)
    for (let i = 0; i < list.length; i++)
      keyed.push({ k: list[perm[i]], key: (i + rng.uniform()) / list.length })
  }
  // Ties (equal keys) fall back to the chunk index: the order is a function of the seed only.
  keyed.sort((a, b) => a.key - b.key || a.k - b.k)
  return keyed.map((e) => e.k)
}

/**
 * `order` cut into runs whose `rows(k)` add up to at most `most` (a run holds at least one
 * chunk, whatever its size): the windows of one epoch.
 */
export function windowsOf(
  order: readonly number[],
  rows: (k: number) => number,
  most: number,
): number[][] {
  const out: number[][] = []
  let run: number[] = []
  let held = 0
  for (const k of order) {
    const r = rows(k)
    if (run.length && held + r > most) {
      out.push(run)
      run = []
      held = 0
    }
    run.push(k)
    held += r
  }
  if (run.length) out.push(run)
  return out
}
