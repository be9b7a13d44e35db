/**
 * Partitions: a sample's events cut into numbered pieces (file × entry range) that a use case
 * maps over one at a time and merges in index order (DESIGN.md §10). The plan depends only on
 * the files (their entries and natural cuts), never on who reads them, so the project and a
 * spec opened from it cut a sample the same way and give the same sums.
 */
import type { EntryRange } from '../io/schema'
import { entryBounds, locateRanges } from '../io/source'

/** One piece of one sample's events. */
export interface Partition {
  /** Position in the sample's partition list: partials are merged in this order. */
  readonly index: number
  /** Position of the sample in the source's samples(). */
  readonly sample: number
  readonly file: string
  /** Position of the file in the sample's chain. */
  readonly fileIndex: number
  /** Entries [start, stop) of the file (may be empty); a CSV file's with their bytes. */
  readonly range: EntryRange
  /** Entry of the whole chain where the file starts (chain entry = offset + file entry). */
  readonly offset: number
}

/** How to cut a sample. */
export interface PartitionOptions {
  /**
   * At most this many entries per partition (default PARTITION_ENTRIES); cuts fall on basket
   * or row-group starts where the file has them within reach, else anywhere.
   */
  readonly maxEntries?: number
  /**
   * Cuts a file of `entries` entries with natural cuts `bounds` (entryBounds) into consecutive
   * ranges covering [0, entries) — any ranges, empty ones and ones that split a basket
   * included. Overrides maxEntries (tests and executors that choose their own pieces).
   */
  readonly split?: (entries: number, bounds: readonly number[]) => readonly EntryRange[]
}

/**
 * Default partition size: 2^20 events keep a partition's columns at a few MB each, while files
 * the tests and the window usually see (up to a million events) stay one partition per file.
 */
export const PARTITION_ENTRIES = 1 << 20

/** One file of a sample's chain as the planner sees it. */
export interface ChainFile {
  readonly path: string
  /** Table (tree, dataset) inside the file, '' for CSV and Parquet. */
  readonly table: string
  readonly entries: number
}

/**
 * The partitions of sample `sample` whose files are `files` (chain order), numbered from 0.
 * A file with no entries gives one empty partition. Natural cuts are asked of a file only when
 * it must be cut (more entries than maxEntries, or a `split` that wants them).
 */
export async function planPartitions(
  sample: number,
  files: readonly ChainFile[],
  options: PartitionOptions = {},
): Promise<Partition[]> {
  const max = options.maxEntries ?? PARTITION_ENTRIES
  if (!(max >= 1)) throw new RangeError(`maxEntries must be ≥ 1, got ${max}`)
  const out: Partition[] = []
  let offset = 0
  for (const [fileIndex, f] of files.entries()) {
    let ranges: readonly EntryRange[]
    if (options.split) {
      ranges = options.split(f.entries, await entryBounds(f.path, f.table))
      checkCover(ranges, f.entries, f.path)
    } else if (f.entries > max) {
      ranges = splitRange(f.entries, await entryBounds(f.path, f.table), max)
    } else ranges = [{ start: 0, stop: f.entries }]
    // A CSV file cut in pieces: each piece's bytes, so a pass reads one piece, not the file.
    ranges = await locateRanges(f.path, ranges)
    for (const range of ranges)
      out.push({ index: out.length, sample, file: f.path, fileIndex, range, offset })
    offset += f.entries
  }
  return out
}

/**
 * [0, entries) in consecutive ranges of at most `max` entries, each ending on the last natural
 * cut within reach (a basket or row-group start), or at `max` when none is.
 */
export function splitRange(entries: number, bounds: readonly number[], max: number): EntryRange[] {
  const cuts = [...bounds].filter((b) => b > 0 && b < entries).sort((a, b) => a - b)
  const out: EntryRange[] = []
  let start = 0
  let k = 0
  while (start < entries) {
    const limit = Math.min(entries, start + max)
    let stop = limit
    while (k < cuts.length && cuts[k] <= start) k++
    let j = k
    while (j < cuts.length && cuts[j] <= limit) j++
    if (limit < entries && j > k) stop = cuts[j - 1]
    out.push({ start, stop })
    start = stop
  }
  return out.length ? out : [{ start: 0, stop: 0 }]
}

/** Throws unless `ranges` are consecutive and cover [0, entries) exactly. */
function checkCover(ranges: readonly EntryRange[], entries: number, file: string): void {
  let at = 0
  for (const r of ranges) {
    if (r.start !== at || r.stop < r.start)
      throw new RangeError(
        `partitions of ${file} must be consecutive from 0; got [${r.start}, ${r.stop}) at ${at}`,
      )
    at = r.stop
  }
  if (at !== entries)
    throw new RangeError(`partitions of ${file} cover ${at} of its ${entries} entries`)
}
