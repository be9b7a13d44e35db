/**
 * A sample's events as a lazy columnar table: the chain of its files (same table in each) seen
 * as one table. Opening lists columns and entries only; a column is decoded the first time it is
 * asked for, then kept in memory (and, with a ColumnCache, on disk beside the project), so
 * exploring 3 variables of a 1000-branch NanoAOD sample costs 3 branches.
 */
import { findTable, openSource, readColumns } from '../io/source'
import { InputError } from '../io/errors'
import { silentContext, type JobContext } from '../jobs/context'
import { columnBytes, type Column } from '../../../shared/column'
import type { Lease } from '../io/array-pool'
import type { ColumnCache } from './column-cache'
import { concatColumns, sliceColumn } from '../io/column-ops'
import type { EntryRange } from '../io/schema'
import { markMissing } from './missing-values'
import type { ColumnInfo, SkippedColumn } from '../io/schema'

/** Files of a sample and the table to read in each ('' for CSV/Parquet: the file itself). */
export interface SampleFiles {
  readonly files: readonly string[]
  readonly table: string
  /**
   * The value that means "missing" in every column (Kaggle's −999): read as NaN. Absent or
   * null: none.
   */
  readonly missing?: number | null
}

interface FileEntry {
  readonly path: string
  readonly entries: number
}

export class EventTable {
  private readonly loaded = new Map<string, Column>()
  private readonly pending = new Map<string, Promise<Column>>()
  private readonly byName: Map<string, ColumnInfo>
  /** Per decoded column, how many values equalled the missing-value marker. */
  private readonly missingCounts = new Map<string, number>()

  private constructor(
    private readonly files: readonly FileEntry[],
    readonly table: string,
    /** Columns present, with the same type, in every file of the chain. */
    readonly columns: readonly ColumnInfo[],
    /** Columns some file lacks or types differently, and why. */
    readonly skipped: readonly SkippedColumn[],
    private readonly cache?: ColumnCache,
    /** The value read as NaN in every column (null: none). */
    readonly missing: number | null = null,
  ) {
    this.byName = new Map(columns.map((c) => [c.name, c]))
  }

  /** Lists the table in every file (no column is decoded). Throws InputError for bad files. */
  static async open(
    sample: SampleFiles,
    options: { cache?: ColumnCache; ctx?: JobContext } = {},
  ): Promise<EventTable> {
    const ctx = options.ctx ?? silentContext()
    if (!sample.files.length) throw new Error('a sample needs at least one file')
    const files: FileEntry[] = []
    let common: Map<string, ColumnInfo> | undefined
    const skipped = new Map<string, string>()
    for (const path of sample.files) {
      ctx.throwIfCancelled()
      const t = findTable(await openSource(path, ctx), sample.table)
      files.push({ path, entries: t.entries })
      for (const s of t.skipped ?? []) skipped.set(s.name, s.reason)
      const here = new Map(t.columns.map((c) => [c.name, c]))
      if (!common) {
        common = here
        continue
      }
      for (const [name, c] of common) {
        const h = here.get(name)
        if (!h) skipped.set(name, `missing in ${path}`)
        else if (h.type !== c.type || h.jagged !== c.jagged) {
          skipped.set(
            name,
            `${c.type}${c.jagged ? '[]' : ''} in one file, ${h.type}${h.jagged ? '[]' : ''} in ${path}`,
          )
        } else continue
        common.delete(name)
      }
      for (const name of here.keys()) {
        if (!common.has(name) && !skipped.has(name))
          skipped.set(name, `missing in ${sample.files[0]}`)
      }
    }
    return new EventTable(
      files,
      sample.table,
      [...(common ?? new Map<string, ColumnInfo>()).values()],
      [...skipped].map(([name, reason]) => ({ name, reason })),
      options.cache,
      sample.missing ?? null,
    )
  }

  /** Total entries over the chain. */
  get entries(): number {
    return this.files.reduce((s, f) => s + f.entries, 0)
  }

  /** Entries of each file, in chain order. */
  get fileEntries(): readonly number[] {
    return this.files.map((f) => f.entries)
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  isLoaded(name: string): boolean {
    return this.loaded.has(name)
  }

  /**
   * How many values of a column equalled the missing-value marker (and read as NaN); undefined
   * until the column has been decoded once.
   */
  missingCount(name: string): number | undefined {
    return this.missingCounts.get(name)
  }

  /** A column over the whole chain, decoded on first use. */
  async column(name: string, ctx: JobContext = silentContext()): Promise<Column> {
    return (await this.load([name], ctx)).get(name) as Column
  }

  /** Several columns; those not yet in memory are read together, file by file. */
  async load(
    names: readonly string[],
    ctx: JobContext = silentContext(),
  ): Promise<Map<string, Column>> {
    for (const n of names) {
      if (!this.byName.has(n)) {
        const s = this.skipped.find((x) => x.name === n)
        throw new InputError(
          { file: this.files[0].path, table: this.table, column: n },
          s ? `not available in this sample: ${s.reason}` : 'no such column in this sample',
        )
      }
    }
    const missing = names.filter((n) => !this.loaded.has(n) && !this.pending.has(n))
    if (missing.length) {
      const job = this.decode(missing, ctx)
      for (const n of missing) {
        const p = job.then((m) => m.get(n) as Column)
        this.pending.set(n, p)
        p.then(
          (c) => this.loaded.set(n, c),
          () => undefined,
        ).finally(() => this.pending.delete(n))
      }
    }
    const out = new Map<string, Column>()
    for (const n of names) out.set(n, this.loaded.get(n) ?? ((await this.pending.get(n)) as Column))
    return out
  }

  /**
   * Columns `names` of entries `range` of file `fileIndex` only, nothing kept: from memory when
   * the whole column is decoded already, else from the decoded-column cache (only the range's
   * bytes), else from the file (only the range). Out-of-core passes read partitions this way.
   */
  async loadRange(
    names: readonly string[],
    fileIndex: number,
    range: EntryRange,
    ctx: JobContext = silentContext(),
    /** Where the partition's arrays come from, reused between partitions (io/array-pool.ts). */
    lease?: Lease | null,
  ): Promise<Map<string, Column>> {
    const f = this.files[fileIndex]
    const offset = this.files.slice(0, fileIndex).reduce((s, x) => s + x.entries, 0)
    const out = new Map<string, Column>()
    const toRead: string[] = []
    const hash = this.cache ? await this.cache.fileHash(f.path, ctx) : ''
    for (const n of names) {
      const whole = this.loaded.get(n)
      if (whole) {
        out.set(n, sliceColumn(whole, offset + range.start, offset + range.stop))
        continue
      }
      const c = await this.cache?.getRange(
        { hash, table: this.table, column: n },
        range.start,
        range.stop,
        lease?.alloc,
      )
      if (c) out.set(n, markMissing(c, this.missing).column)
      else toRead.push(n)
    }
    if (toRead.length)
      for (const [n, c] of await readColumns(f.path, this.table, toRead, ctx, range, lease?.alloc))
        out.set(n, markMissing(c, this.missing).column)
    return out
  }

  private async decode(names: readonly string[], ctx: JobContext): Promise<Map<string, Column>> {
    const parts = new Map<string, Column[]>(names.map((n) => [n, []]))
    for (const f of this.files) {
      ctx.throwIfCancelled()
      const hash = this.cache ? await this.cache.fileHash(f.path, ctx) : ''
      const toRead: string[] = []
      const got = new Map<string, Column>()
      for (const n of names) {
        const c = this.cache
          ? await this.cache.get({ hash, table: this.table, column: n })
          : undefined
        if (c) got.set(n, c)
        else toRead.push(n)
      }
      if (toRead.length) {
        const read = await readColumns(f.path, this.table, toRead, ctx)
        for (const [n, c] of read) {
          got.set(n, c)
          await this.cache?.put({ hash, table: this.table, column: n }, c)
        }
      }
      for (const n of names) parts.get(n)?.push(got.get(n) as Column)
    }
    // The cache holds the files' values; the marker is applied on every read, so changing it
    // needs no new decoding.
    return new Map(
      names.map((n) => {
        const { column, missing } = markMissing(
          concatColumns(parts.get(n) as Column[]),
          this.missing,
        )
        this.missingCounts.set(n, missing)
        return [n, column]
      }),
    )
  }

  /** Bytes held by decoded columns in memory. */
  memoryBytes(): number {
    let total = 0
    for (const c of this.loaded.values()) total += columnBytes(c)
    return total
  }

  /** Frees a column (or all) from memory; it is decoded again (or read from cache) on next use. */
  release(name?: string): void {
    if (name === undefined) this.loaded.clear()
    else this.loaded.delete(name)
  }
}
