import type { ColumnType } from '../../../shared/column'

/** File formats the readers understand. */
export type SourceFormat = 'root' | 'csv' | 'hdf5' | 'parquet'

/** One readable column of a table, as listed by `inspect`. */
export interface ColumnInfo {
  readonly name: string
  /** Element type as stored in the file. */
  readonly type: ColumnType
  /** True when an event holds a variable (or fixed > 1) number of values. */
  readonly jagged: boolean
}

/** A column present in the file that the readers cannot turn into numbers, and why. */
export interface SkippedColumn {
  readonly name: string
  readonly reason: string
}

/** One table of a file: a TTree, an HDF5 group of datasets, a CSV or Parquet file. */
export interface TableInfo {
  /** Path inside the file ("one/two/tree"); the file name's stem for CSV and Parquet. */
  readonly name: string
  /** Number of events (rows). */
  readonly entries: number
  readonly columns: readonly ColumnInfo[]
  /** Present only when some columns could not be offered (strings, objects, ...). */
  readonly skipped?: readonly SkippedColumn[]
}

/** What `openSource` reports about a file. */
export interface SourceInfo {
  readonly file: string
  readonly format: SourceFormat
  readonly tables: readonly TableInfo[]
}

/** Half-open range of entries [start, stop). */
export interface EntryRange {
  readonly start: number
  readonly stop: number
  /**
   * Where the range lies in a text file (CSV), which has no index to find an entry by: a reader
   * given it reads only these bytes. Found by one scan of the file (csv-index.ts); absent, a
   * CSV range is found by reading the file from its top.
   */
  readonly bytes?: ByteSpan
}

/** Bytes [start, stop) of a text file holding whole rows; `line`: the 1-based line at start. */
export interface ByteSpan {
  readonly start: number
  readonly stop: number
  readonly line: number
}

/** Clamps an optional range to [0, entries). */
export function clampRange(entries: number, range?: EntryRange): EntryRange {
  if (!range) return { start: 0, stop: entries }
  const start = Math.max(0, Math.min(entries, Math.floor(range.start)))
  const stop = Math.max(start, Math.min(entries, Math.floor(range.stop)))
  return { start, stop }
}
