/**
 * Parquet files → one table, through hyparquet (pure JS). Flat numeric and boolean columns
 * become flat columns; a list of numbers (`list<float>`, what awkward/coffea write for NanoAOD
 * collections) becomes a jagged column. Strings, structs, maps, nested lists and INT96 are listed
 * as skipped. Only the requested columns' pages are read and decompressed. Codecs: SNAPPY
 * (hyparquet), GZIP and BROTLI (Node zlib), ZSTD (zstd WebAssembly, loaded on first use).
 */
import { open, type FileHandle } from 'node:fs/promises'
import { COLUMN_TYPES } from '../../../shared/column-type'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type {
  AsyncBuffer,
  ColumnChunk,
  ColumnData,
  Compressors,
  FileMetaData,
  SchemaTree,
  SchemaElement,
} from 'hyparquet'
import type { Column, ColumnType } from '../../../shared/column'
import {
  allocValues,
  concatColumns,
  emptyColumn,
  jaggedFromCounts,
  sliceColumn,
} from './column-ops'
import { clampRange, type EntryRange, type SkippedColumn, type TableInfo } from './schema'
import type { JobContext } from '../jobs/context'
import { stemOf } from './csv'
import { InputError, asInputError, libraryReason } from './errors'
import { loadZstd } from './wasm'
import { checkFlat, chunkBytes, decodeFlatChunk, Unsupported } from './parquet-flat'
import { READ_BUFFERS_KEPT_MS, type AllocValues } from './array-pool'
import { readAtSync } from './read-at'

type Hyparquet = typeof import('hyparquet')
let hyparquet: Promise<Hyparquet> | undefined
const loadHyparquet = (): Promise<Hyparquet> => (hyparquet ??= import('hyparquet'))

async function compressors(meta: FileMetaData): Promise<Compressors> {
  const codecs = new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)))
  const out: Compressors = {
    GZIP: (input) => new Uint8Array(gunzipSync(input)),
    BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
  }
  if (codecs.has('ZSTD')) {
    const z = await loadZstd()
    out.ZSTD = (input) => z.decompress(input)
  }
  return out
}

const MAGIC = 'PAR1'

/** AsyncBuffer over our own file handle: short reads (truncated files) are reported as such. */
function fileBuffer(fh: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? size
      if (start < 0 || stop > size || stop < start) {
        throw new Error(`needs bytes ${start}..${stop} but the file has ${size} (truncated?)`)
      }
      const buf = new Uint8Array(stop - start)
      const { bytesRead } = await fh.read(buf, 0, buf.length, start)
      if (bytesRead !== buf.length) throw new Error(`short read at byte ${start} (truncated?)`)
      return buf.buffer
    },
  }
}

interface OpenParquet {
  readonly hp: Hyparquet
  readonly file: AsyncBuffer
  readonly meta: FileMetaData
  /** Bytes [start, end) into a buffer of the caller's, reused from call to call (see readFlat). */
  readonly readInto: (
    scratch: { bytes: Uint8Array },
    start: number,
    end: number,
  ) => Promise<Uint8Array>
  /**
   * Bytes [start, end) of the column chunk at [start, chunkEnd), through the chunks this thread
   * keeps (keptChunks): valid until the caller's next await.
   */
  readonly readChunk: (
    scratch: { bytes: Uint8Array },
    start: number,
    end: number,
    chunkEnd: number,
  ) => Promise<Uint8Array>
}

/**
 * Footers this thread has read, by path, with the version of the file they belong to (device,
 * inode, size, modification and change times): a pass reads a file partition by partition, and
 * parsing the footer for each — every row group's metadata — cost more than decoding a
 * partition once files have about a hundred row groups. A file changed since is read anew.
 */
const footers = new Map<string, { readonly version: string; readonly meta: FileMetaData }>()
const FOOTERS_KEPT = 16

/** The start of a column chunk as far as this thread has read it. */
interface KeptChunk {
  /** The file's version and the chunk's offset. */
  key: string
  /** Room for the whole chunk; bytes [0, have) are read. */
  bytes: Uint8Array
  have: number
  /** Reads into it in progress: it is not given to another chunk meanwhile. */
  busy: number
}

/**
 * Column chunks this thread read lately, least recent first. A snappy page must be decoded
 * from its start, and DuckDB writes one page per column chunk, so partitions that cut a row
 * group in k pieces would read its start k times; here the next piece reads only what the
 * previous did not. At most KEPT_BYTES of chunks no longer than KEPT_CHUNK_MAX each, and
 * none after READ_BUFFERS_KEPT_MS without reads (a pool's threads outlive the pass).
 */
const keptChunks: KeptChunk[] = []
const KEPT_BYTES = 64 * 2 ** 20
const KEPT_CHUNK_MAX = 16 * 2 ** 20

/** Room for `size` bytes, not zeroed (every byte is read over before use). */
function unzeroed(size: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(size)
  return new Uint8Array(b.buffer, b.byteOffset, b.length)
}

/** Room for a chunk of `size` bytes: whole MiB, so that chunks of a file reuse each other's. */
function roomFor(size: number): number {
  return Math.ceil(size / 2 ** 20) * 2 ** 20
}

/** Set while chunks are kept: lets them go after READ_BUFFERS_KEPT_MS without reads (forgetChunks). */
let keptIdle: ReturnType<typeof setTimeout> | undefined

/** Lets the kept chunks (and the read buffers) go, unless a read is filling one. */
function forgetChunks(): void {
  keptIdle = undefined
  if (keptChunks.some((k) => k.busy)) return touchChunks()
  keptChunks.length = 0
  chunkBuffers.length = 0
}

/** Keeps the chunks READ_BUFFERS_KEPT_MS longer. */
function touchChunks(): void {
  if (keptIdle) keptIdle.refresh()
  else {
    keptIdle = setTimeout(forgetChunks, READ_BUFFERS_KEPT_MS)
    keptIdle.unref?.()
  }
}

/** The kept chunk `key` of `size` bytes, made the most recent; a new (or reused) one if none. */
function keptChunk(key: string, size: number): KeptChunk {
  touchChunks()
  const at = keptChunks.findIndex((k) => k.key === key)
  let chunk: KeptChunk | undefined
  if (at >= 0) [chunk] = keptChunks.splice(at, 1)
  else {
    let total = size
    for (const k of keptChunks) total += k.bytes.length
    // Over the limit: the least recent idle chunk gives way (its room, when large enough).
    const idle = total > KEPT_BYTES ? keptChunks.findIndex((k) => k.busy === 0) : -1
    if (idle >= 0) {
      ;[chunk] = keptChunks.splice(idle, 1)
      chunk.key = key
      chunk.have = 0
      if (chunk.bytes.length < size) chunk.bytes = unzeroed(roomFor(size))
    } else chunk = { key, bytes: unzeroed(roomFor(size)), have: 0, busy: 0 }
  }
  keptChunks.push(chunk)
  return chunk
}

/** Checks the magic bytes and parses the footer. */
async function readFooter(
  path: string,
  fh: FileHandle,
  size: number,
  hp: Hyparquet,
  file: AsyncBuffer,
): Promise<FileMetaData> {
  if (size === 0) throw new InputError({ file: path }, 'empty file (0 bytes), not Parquet')
  const head = Buffer.alloc(4)
  const tail = Buffer.alloc(4)
  await fh.read(head, 0, 4, 0)
  await fh.read(tail, 0, 4, Math.max(0, size - 4))
  if (head.toString('latin1') !== MAGIC) {
    throw new InputError({ file: path }, "not a Parquet file (does not start with 'PAR1')")
  }
  if (size < 12 || tail.toString('latin1') !== MAGIC) {
    throw new InputError({ file: path }, 'Parquet file is truncated (no footer)')
  }
  try {
    return await hp.parquetMetadataAsync(file)
  } catch (e) {
    throw new InputError({ file: path }, `cannot read Parquet metadata: ${libraryReason(e)}`, {
      cause: e,
    })
  }
}

async function withParquet<T>(path: string, fn: (p: OpenParquet) => Promise<T>): Promise<T> {
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch (e) {
    throw new InputError({ file: path }, `cannot open: ${libraryReason(e)}`, { cause: e })
  }
  try {
    const stat = await fh.stat()
    const { size } = stat
    const hp = await loadHyparquet()
    const file = fileBuffer(fh, size)
    const version = `${stat.dev}:${stat.ino}:${size}:${stat.mtimeMs}:${stat.ctimeMs}`
    let meta = footers.get(path)?.version === version ? footers.get(path)?.meta : undefined
    if (!meta) {
      meta = await readFooter(path, fh, size, hp, file)
      footers.delete(path)
      footers.set(path, { version, meta })
      for (const old of footers.keys()) {
        if (footers.size <= FOOTERS_KEPT) break
        footers.delete(old)
      }
    } else {
      // Kept in order of use: the least recently read goes first.
      footers.delete(path)
      footers.set(path, { version, meta })
    }
    // Synchronous: a column chunk's read is a copy out of the page cache, and made in the
    // thread that decodes it next it needs no round trip through libuv's pool and leaves the
    // bytes in this core's cache (as data/column-cache.ts readRange).
    const readAt = async (buf: Uint8Array, start: number) => readAtSync(fh.fd, buf, start)
    const check = (start: number, end: number) => {
      if (start < 0 || end > size || end < start)
        throw new Error(`needs bytes ${start}..${end} but the file has ${size} (truncated?)`)
    }
    const readInto = async (scratch: { bytes: Uint8Array }, start: number, end: number) => {
      check(start, end)
      if (scratch.bytes.length < end - start) scratch.bytes = unzeroed(end - start)
      const buf = scratch.bytes.subarray(0, end - start)
      await readAt(buf, start)
      return buf
    }
    const readChunk = async (
      scratch: { bytes: Uint8Array },
      start: number,
      end: number,
      chunkEnd: number,
    ) => {
      check(start, chunkEnd)
      if (end > chunkEnd) throw new Error(`bytes ${start}..${end} overrun their column chunk`)
      if (chunkEnd - start > KEPT_CHUNK_MAX) return readInto(scratch, start, end)
      const chunk = keptChunk(`${version}:${start}`, chunkEnd - start)
      if (chunk.have < end - start) {
        chunk.busy++
        try {
          await readAt(chunk.bytes.subarray(chunk.have, end - start), start + chunk.have)
        } finally {
          chunk.busy--
        }
        chunk.have = Math.max(chunk.have, end - start)
      }
      return chunk.bytes.subarray(0, end - start)
    }
    return await asInputError({ file: path }, 'damaged Parquet file', () =>
      fn({ hp, file, meta, readInto, readChunk }),
    )
  } finally {
    await fh.close()
  }
}

/** How a top-level schema field maps to a column. */
type FieldPlan =
  { name: string; type: ColumnType; jagged: boolean } | { name: string; skip: string }

function leafType(e: SchemaElement): ColumnType | string {
  const lt = e.logical_type
  const intType = (bits: number, signed: boolean): ColumnType =>
    `${signed ? '' : 'u'}int${bits}` as ColumnType
  switch (e.type) {
    case 'BOOLEAN':
      return 'bool'
    case 'FLOAT':
      return 'float32'
    case 'DOUBLE':
      return 'float64'
    case 'INT32':
    case 'INT64': {
      const full = e.type === 'INT32' ? 32 : 64
      if (lt?.type === 'INTEGER') return intType(lt.bitWidth, lt.isSigned)
      if (
        lt ||
        (e.converted_type &&
          !e.converted_type.startsWith('INT_') &&
          !e.converted_type.startsWith('UINT_'))
      ) {
        return `${e.type} with ${lt?.type ?? e.converted_type} annotation is not supported`
      }
      const m = /^(U?)INT_(8|16|32|64)$/.exec(e.converted_type ?? '')
      return m ? intType(Number(m[2]), m[1] === '') : intType(full, true)
    }
    default:
      return `type ${e.type ?? 'group'} is not supported (not a number or boolean)`
  }
}

/** Optional integer columns become float64 so that nulls can be NaN instead of a fake 0. */
function nullable(e: SchemaElement, t: ColumnType): ColumnType {
  return e.repetition_type === 'OPTIONAL' && t !== 'float32' && t !== 'float64' ? 'float64' : t
}

function planField(f: SchemaTree): FieldPlan {
  const e = f.element
  const name = e.name
  if (!f.children.length) {
    const t = leafType(e)
    if (!isColumnType(t)) return { name, skip: t }
    if (e.repetition_type === 'REPEATED') return { name, type: t, jagged: true }
    return { name, type: nullable(e, t), jagged: false }
  }
  // LIST: <name> (LIST) → repeated group → one element leaf.
  const isList = e.converted_type === 'LIST' || e.logical_type?.type === 'LIST'
  const rep = f.children[0]
  const item = rep?.children.length === 1 ? rep.children[0] : rep
  if (isList && f.children.length === 1 && item && !item.children.length) {
    const t = leafType(item.element)
    if (!isColumnType(t)) return { name, skip: `list of ${t}` }
    return { name, type: nullable(item.element, t), jagged: true }
  }
  return {
    name,
    skip: isList ? 'nested list is not supported' : 'struct/map columns are not supported',
  }
}

const KNOWN_TYPES = new Set<string>(COLUMN_TYPES)
function isColumnType(t: string): t is ColumnType {
  return KNOWN_TYPES.has(t)
}

function planSchema(hp: Hyparquet, meta: FileMetaData): FieldPlan[] {
  return hp.parquetSchema(meta).children.map(planField)
}

/** The table of a Parquet file: its row count and readable columns. */
export async function listParquetTables(path: string): Promise<TableInfo[]> {
  return withParquet(path, async ({ hp, meta }) => {
    const plans = planSchema(hp, meta)
    const skipped: SkippedColumn[] = plans.flatMap((p) =>
      'skip' in p ? [{ name: p.name, reason: p.skip }] : [],
    )
    return [
      {
        name: stemOf(path),
        entries: Number(meta.num_rows),
        columns: plans.flatMap((p) =>
          'skip' in p ? [] : [{ name: p.name, type: p.type, jagged: p.jagged }],
        ),
        ...(skipped.length ? { skipped } : {}),
      },
    ]
  })
}

/** One decoded chunk (rows rowStart..rowEnd of a row group) → a column. */
function chunkToColumn(data: ArrayLike<unknown>, type: ColumnType, jagged: boolean): Column {
  if (!jagged) {
    const values = allocValues(type, data.length)
    for (let i = 0; i < data.length; i++) values[i] = toNumber(data[i])
    return { kind: 'flat', type, values }
  }
  const counts = new Int32Array(data.length)
  let total = 0
  for (let i = 0; i < data.length; i++) {
    const row = data[i] as ArrayLike<unknown> | null | undefined
    counts[i] = row ? row.length : 0
    total += counts[i]
  }
  const values = allocValues(type, total)
  let w = 0
  for (let i = 0; i < data.length; i++) {
    const row = data[i] as ArrayLike<unknown> | null | undefined
    if (row) for (let j = 0; j < row.length; j++) values[w++] = toNumber(row[j])
  }
  return jaggedFromCounts(type, counts, values)
}

function toNumber(x: unknown): number {
  if (typeof x === 'number') return x
  if (typeof x === 'bigint') return Number(x)
  if (typeof x === 'boolean') return x ? 1 : 0
  return NaN // null in an optional column
}

/**
 * Buffers for a read's column chunks, kept between reads of this thread: a fresh one of
 * several MB per partition is external memory that makes V8 collect (see array-pool.ts).
 */
const chunkBuffers: { bytes: Uint8Array }[] = []

/**
 * Reads columns `names` (rows `range`, default all) of a Parquet file. `table` is accepted for
 * symmetry (the file's stem). Unsupported columns are an InputError naming the column and type.
 * `alloc` gives the arrays of flat columns read by the fast path (default: new ones).
 */
export async function readParquetColumns(
  path: string,
  names: readonly string[],
  ctx: JobContext,
  range?: EntryRange,
  alloc: AllocValues = allocValues,
): Promise<Map<string, Column>> {
  return withParquet(path, async (opened) => {
    const { hp, file, meta } = opened
    const plans = new Map(planSchema(hp, meta).map((p) => [p.name, p]))
    const wanted = names.map((n) => {
      const p = plans.get(n)
      if (!p) throw new InputError({ file: path, column: n }, 'no such column')
      if ('skip' in p) throw new InputError({ file: path, column: n }, `cannot be read: ${p.skip}`)
      return p
    })
    const entries = Number(meta.num_rows)
    const { start, stop } = clampRange(entries, range)
    const out = new Map<string, Column>()
    if (!wanted.length) return out
    const codecs = await compressors(meta)
    // Flat PLAIN columns straight into their typed arrays (parquet-flat.ts); the rest below.
    const fields = new Map(hp.parquetSchema(meta).children.map((f) => [f.element.name, f]))
    const slow: string[] = []
    // Taken for this read alone: reads of one thread may overlap (they await the file).
    const scratch = chunkBuffers.pop() ?? { bytes: new Uint8Array(0) }
    try {
      for (const p of wanted) {
        const field = fields.get(p.name)
        const col =
          field && !p.jagged
            ? await readFlat(path, opened, scratch, field, p.type, start, stop, codecs, alloc)
            : undefined
        if (col) out.set(p.name, col)
        else slow.push(p.name)
      }
    } finally {
      if (chunkBuffers.length < 2) chunkBuffers.push(scratch)
    }
    if (!slow.length) return new Map(names.map((n) => [n, out.get(n) as Column]))
    const chunks = new Map<string, ColumnData[]>(slow.map((n) => [n, []]))
    try {
      await hp.parquetRead({
        file,
        metadata: meta,
        columns: slow,
        rowStart: start,
        rowEnd: stop,
        compressors: codecs,
        onChunk: (c) => {
          ctx.throwIfCancelled()
          chunks.get(c.columnName)?.push(c)
        },
      })
    } catch (e) {
      if (e instanceof Error && e.name === 'CancelledError') throw e
      throw new InputError({ file: path }, `cannot read columns: ${libraryReason(e)}`, { cause: e })
    }
    for (const p of wanted) {
      if (out.has(p.name)) continue
      const parts = (chunks.get(p.name) ?? [])
        .filter((c) => c.rowEnd > start && c.rowStart < stop)
        .sort((a, b) => a.rowStart - b.rowStart)
        .map((c) => {
          const col = chunkToColumn(c.columnData as ArrayLike<unknown>, p.type, p.jagged)
          const lo = Math.max(start, c.rowStart) - c.rowStart
          const hi = Math.min(stop, c.rowEnd) - c.rowStart
          return lo === 0 && hi === c.rowEnd - c.rowStart ? col : sliceColumn(col, lo, hi)
        })
      out.set(p.name, parts.length ? concatColumns(parts) : emptyColumn(p.type, p.jagged))
    }
    // In the order asked for, whichever path read each column.
    return new Map(names.map((n) => [n, out.get(n) as Column]))
  })
}

/**
 * Rows [start, stop) of a flat column through parquet-flat.ts: only the row groups that hold
 * them are read. Undefined when the column is not for the fast path (hyparquet reads it).
 */
async function readFlat(
  path: string,
  { meta, readChunk }: OpenParquet,
  scratch: { bytes: Uint8Array },
  field: SchemaTree,
  type: ColumnType,
  start: number,
  stop: number,
  codecs: Compressors,
  alloc: AllocValues,
): Promise<Column | undefined> {
  if (field.children.length) return undefined
  const name = field.element.name
  const chunks = meta.row_groups.map((g) =>
    g.columns.find((k) => k.meta_data?.path_in_schema.join('.') === name),
  )
  try {
    if (chunks.some((c) => !c)) throw new Unsupported()
    checkFlat(field.element, type, chunks as ColumnChunk[])
    const values = alloc(type, stop - start)
    let first = 0
    for (const [g, group] of meta.row_groups.entries()) {
      const rows = Number(group.num_rows)
      const from = Math.max(start, first) - first
      const to = Math.min(stop, first + rows) - first
      if (from < to) {
        const chunk = chunks[g] as ColumnChunk
        const [lo, hi] = chunkBytes(chunk)
        const codec = chunk.meta_data?.codec ?? ''
        const decode = (bytes: Uint8Array, whole: boolean) =>
          decodeFlatChunk(
            bytes,
            rows,
            field.element,
            codec,
            codecs,
            from,
            to,
            values,
            first + from - start,
            whole,
          )
        // Rows that end before the chunk does need only its start (pages or, inside a snappy
        // page, bytes come in row order): read as far as their share of it and a margin, and
        // the rest of the chunk if that was not enough.
        const end = to < rows ? Math.ceil(lo + ((hi - lo) * to) / rows) + PREFIX_MARGIN : hi
        if (end >= hi || !decode(await readChunk(scratch, lo, end, hi), false))
          decode(await readChunk(scratch, lo, hi, hi), true)
      }
      first += rows
    }
    return { kind: 'flat', type, values }
  } catch (e) {
    if (e instanceof Unsupported) return undefined
    throw new InputError({ file: path, column: name }, `cannot read: ${libraryReason(e)}`, {
      cause: e,
    })
  }
}

/**
 * Bytes read past a row range's share of a column chunk: a page header, a snappy block's tags,
 * and compression that is not quite uniform.
 */
const PREFIX_MARGIN = 1 << 17

/** The first row of each row group of a Parquet file (ascending, from 0): its natural cuts. */
export async function readParquetBounds(path: string): Promise<number[]> {
  return withParquet(path, async ({ meta }) => {
    const starts: number[] = []
    let row = 0
    for (const g of meta.row_groups) {
      starts.push(row)
      row += Number(g.num_rows)
    }
    return starts
  })
}
