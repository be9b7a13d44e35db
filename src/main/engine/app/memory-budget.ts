/**
 * The memory budget of a pass over events (issue 13, item 1): partitions are sized so that
 * those in flight at once — one being mapped per thread, and the results and reads queued
 * ahead of them — fit the budget whatever the number of events, so resident memory stays flat
 * as samples grow. The budget is a project setting (`compute.memory`) or `--memory` on the CLI,
 * by default a quarter of the machine's memory.
 */
import { availableParallelism, totalmem } from 'node:os'
import type { SymbolTable } from '../../../shared/expr/checker'
import { PARTITION_ENTRIES, type PartitionOptions } from './partition'

/** The default budget (bytes): a quarter of the machine's memory. */
export function defaultMemoryBudget(): number {
  return Math.floor(totalmem() / 4)
}

/**
 * Bytes one event of a partition costs while mapped, per file column read, when nothing is known
 * of the column: the decoded value (8 bytes; more elements for lists, hence ×4), the file's
 * bytes of it, the derived values computed from it.
 */
const BYTES_PER_COLUMN_EVENT = 8 * 4
/**
 * Per event of a column known to hold one value per event: the decoded value (at most 8 bytes,
 * float64) and the file's bytes of it held while it is decoded (a Parquet column chunk, a ROOT
 * basket: at most the 8 bytes again for numbers that do not compress).
 */
const BYTES_PER_FLAT_COLUMN_EVENT = 8 * 2
/** Per event whatever the columns: the weight (float64), masks and stage bytes, a margin. */
const BYTES_PER_EVENT = 32
/**
 * The smallest partition a budget can ask for (only absurd budgets reach it: 1 MB of budget
 * already gives thousands of entries).
 */
export const MIN_PARTITION_ENTRIES = 16

/**
 * Partitions whose columns may be in memory at once: one being mapped per thread, plus one on
 * the engine's thread (a sample of one partition is mapped there; merging). Tasks queued ahead
 * of a thread are payloads only, and the partials they give back are summaries (counts, sums,
 * bins) of the kinds sized here (training rows, which are not, plan their own chunks).
 */
export function partitionsInFlight(threads = availableParallelism()): number {
  return Math.max(1, threads) + 1
}

/**
 * What a pass reads of one file column, for sizing: one value per event (`flat`), or lists or
 * not known (`lists`, the conservative cost).
 */
export type ColumnShape = 'flat' | 'lists'

/** The shapes of file columns `columns` in a sample's symbol table (not found: lists). */
export function columnShapes(symbols: SymbolTable, columns: readonly string[]): ColumnShape[] {
  return columns.map((c) => (symbols.get(c)?.jagged === false ? 'flat' : 'lists'))
}

/**
 * Entries per partition under `budget` bytes when `columns` file columns are read (a count:
 * each of unknown shape; or their shapes): between MIN_PARTITION_ENTRIES and PARTITION_ENTRIES
 * (the plan of a source without a budget). The partition planner then cuts at row-group or
 * basket starts within that reach (partition.ts splitRange): a whole row group of 2^20 events
 * and six float64 columns (128 bytes per event) fits 512 MiB on two threads, and is one
 * partition, so no two threads decode the start of the same column chunk.
 */
export function budgetEntries(budget: number, columns: number | readonly ColumnShape[]): number {
  const shapes: readonly ColumnShape[] =
    typeof columns === 'number' ? Array<ColumnShape>(Math.max(1, columns)).fill('lists') : columns
  let perEvent = BYTES_PER_EVENT
  for (const s of shapes)
    perEvent += s === 'flat' ? BYTES_PER_FLAT_COLUMN_EVENT : BYTES_PER_COLUMN_EVENT
  if (!shapes.length) perEvent += BYTES_PER_COLUMN_EVENT
  const n = Math.floor(budget / partitionsInFlight() / perEvent)
  return Math.min(PARTITION_ENTRIES, Math.max(MIN_PARTITION_ENTRIES, n))
}

/** The partition plan of a pass reading `columns` columns under `budget` (none: the source's). */
export function budgetPlan(
  budget: number | undefined,
  columns: number | readonly ColumnShape[],
): PartitionOptions | undefined {
  return budget === undefined ? undefined : { maxEntries: budgetEntries(budget, columns) }
}
