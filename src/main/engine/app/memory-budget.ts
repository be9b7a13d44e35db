/**
 * The memory budget of a pass over events (issue 13, item 1): partitions are sized so that
 * those in flight at once — one being mapped per thread, and the results and reads queued
 * ahead of them — fit the budget whatever the number of events, so resident memory stays flat
 * as samples grow. The budget is a project setting (`compute.memory`) or `--memory` on the CLI,
 * by default a quarter of the machine's memory.
 */
import { availableParallelism, totalmem } from 'node:os'
import { PARTITION_ENTRIES, type PartitionOptions } from './partition'

/** The default budget (bytes): a quarter of the machine's memory. */
export function defaultMemoryBudget(): number {
  return Math.floor(totalmem() / 4)
}

/**
 * Bytes one event of a partition costs while mapped, per file column read: the decoded value
 * (8 bytes; more elements for lists, hence ×4), the weight, the cut masks and the derived
 * values computed from it.
 */
const BYTES_PER_COLUMN_EVENT = 8 * 4
/** Per event whatever the columns: the weight (float64), masks and stage bytes, a margin. */
const BYTES_PER_EVENT = 32
/**
 * The smallest partition a budget can ask for (only absurd budgets reach it: 1 MB of budget
 * already gives thousands of entries).
 */
export const MIN_PARTITION_ENTRIES = 16

/** Partitions that may be in memory at once: per thread one mapped and two queued, plus one. */
export function partitionsInFlight(threads = availableParallelism()): number {
  return 3 * Math.max(1, threads) + 1
}

/**
 * Entries per partition under `budget` bytes when `columns` file columns are read: between
 * MIN_PARTITION_ENTRIES and PARTITION_ENTRIES (the plan of a source without a budget).
 */
export function budgetEntries(budget: number, columns: number): number {
  const perEvent = BYTES_PER_EVENT + BYTES_PER_COLUMN_EVENT * Math.max(1, columns)
  const n = Math.floor(budget / partitionsInFlight() / perEvent)
  return Math.min(PARTITION_ENTRIES, Math.max(MIN_PARTITION_ENTRIES, n))
}

/** The partition plan of a pass reading `columns` columns under `budget` (none: the source's). */
export function budgetPlan(
  budget: number | undefined,
  columns: number,
): PartitionOptions | undefined {
  return budget === undefined ? undefined : { maxEntries: budgetEntries(budget, columns) }
}
