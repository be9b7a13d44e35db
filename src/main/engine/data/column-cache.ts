/**
 * Decoded columns on disk beside a project (DESIGN.md §3: event data stay in the user's files,
 * decoded columns are cached beside the project, never inside the SQLite file). A column is
 * keyed by the content hash of its source file + table + column name, so rewriting a source file
 * changes its hash and its old columns are simply never asked for again (`prune` deletes them).
 *
 * Layout: DIR/hashes.json (path → size, mtime, hash, to skip re-hashing unchanged files) and
 * DIR/<hash[0..2]>/<hash>/<table>/<column>.col, one file per column:
 *   "HWBCOL01" | u32 LE header length | header JSON {kind, type, values, offsets} | pad to 8 |
 *   offsets (Int32, little-endian) | pad to 8 | values (the typed array's bytes, little-endian)
 * Files are written to a temporary name and renamed, so a crash never leaves half a column.
 */
import { closeSync, openSync } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JobContext } from '../jobs/context'
import type { Column, ColumnType, NumericArray } from '../../../shared/column'
import { allocValues } from '../io/column-ops'
import { readAtSync } from '../io/read-at'
import { HashMemo, type HashRecord } from './file-hash'

export interface CacheKey {
  /** Content hash of the source file (`ColumnCache.fileHash`). */
  readonly hash: string
  readonly table: string
  readonly column: string
}

interface Header {
  kind: 'flat' | 'jagged'
  type: ColumnType
  values: number
  offsets: number
}

/** A cache file's header and where its offsets and values start. */
interface Layout {
  readonly h: Header
  readonly offStart: number
  readonly valStart: number
}

/** Layouts kept per cache (a project reads a few columns of a few files at a time). */
const MAX_LAYOUTS = 1024

const MAGIC = Buffer.from('HWBCOL01', 'latin1')
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const pad8 = (n: number): number => (n + 7) & ~7

/** File-name-safe form of a table or column name ("one/two/tree" → "one%2Ftwo%2Ftree"). */
function safe(name: string): string {
  return encodeURIComponent(name).replace(/\./g, '%2E') || '%00'
}

export class ColumnCache {
  private memo: HashMemo | undefined
  /** Where the offsets and values of the cache files read lately start, by path. */
  private readonly layouts = new Map<string, Layout>()

  constructor(readonly dir: string) {
    if (!LITTLE_ENDIAN) throw new Error('the column cache stores little-endian arrays')
  }

  private get hashesPath(): string {
    return join(this.dir, 'hashes.json')
  }

  private pathOf(k: CacheKey): string {
    return join(this.dir, k.hash.slice(0, 2), k.hash, safe(k.table), `${safe(k.column)}.col`)
  }

  private async loadMemo(): Promise<HashMemo> {
    if (this.memo) return this.memo
    let records: [string, HashRecord][] = []
    try {
      const parsed = JSON.parse(await readFile(this.hashesPath, 'utf8')) as unknown
      if (parsed && typeof parsed === 'object') {
        records = Object.entries(parsed as Record<string, HashRecord>).filter(
          ([, r]) => typeof r?.hash === 'string' && typeof r.size === 'number',
        )
      }
    } catch {
      // No or unreadable index: start empty, files get hashed again.
    }
    this.memo = new HashMemo(records)
    return this.memo
  }

  /** Content hash of a source file; re-reads the file only when its size or mtime changed. */
  async fileHash(path: string, ctx?: JobContext): Promise<string> {
    const memo = await this.loadMemo()
    const before = memo.records().find(([p]) => p === path)?.[1].hash
    const hash = await memo.hash(path, ctx)
    if (hash !== before) {
      await mkdir(this.dir, { recursive: true })
      await atomicWrite(this.hashesPath, JSON.stringify(Object.fromEntries(memo.records())))
    }
    return hash
  }

  /** The cached column, or undefined (missing or unreadable entries are misses). */
  async get(k: CacheKey): Promise<Column | undefined> {
    let buf: Buffer
    try {
      buf = await readFile(this.pathOf(k))
    } catch {
      return undefined
    }
    const col = decodeColumn(buf)
    if (!col) {
      this.layouts.delete(this.pathOf(k))
      await rm(this.pathOf(k), { force: true })
    }
    return col
  }

  /**
   * Entries [start, stop) of a cached column, read from the file at their offsets (a flat
   * column's values; a jagged column's offsets, then the values they span): a partition of a
   * column that need not fit in memory. Undefined for a missing or unreadable entry.
   */
  async getRange(
    k: CacheKey,
    start: number,
    stop: number,
    /** Where the values go (an array from io/array-pool.ts); default a new one. */
    alloc: (type: ColumnType, n: number) => NumericArray = allocValues,
  ): Promise<Column | undefined> {
    // Synchronous inside (io/read-at.ts): a partition's read is a copy out of the page cache
    // (≈ 4 ns per 8-byte value), made in the thread that loops over the values next — the
    // bench's one pass on 2 threads went from 80–85 to 106–108 M events/s against awaited
    // reads (bench/scale-pass.ts cache, 10^8 events). A file's layout is kept: a cache file's
    // name is its content's hash, so it never changes under its name.
    const path = this.pathOf(k)
    let fd: number
    try {
      fd = openSync(path, 'r')
    } catch {
      return undefined
    }
    try {
      /** Reads `into.length` bytes at `pos` straight into `into` (no staging copy). */
      const readInto = (pos: number, into: Uint8Array): Uint8Array => {
        readAtSync(fd, into, pos)
        return into
      }
      const layout = this.layouts.get(path) ?? readLayout(readInto)
      if (!layout) return undefined
      if (this.layouts.size >= MAX_LAYOUTS) this.layouts.clear()
      this.layouts.set(path, layout)
      const { h, offStart, valStart } = layout
      const entries = h.kind === 'flat' ? h.values : h.offsets - 1
      if (!(start >= 0 && start <= stop && stop <= entries)) return undefined
      const size = allocValues(h.type, 0).BYTES_PER_ELEMENT
      const values = (lo: number, hi: number) => {
        const v = alloc(h.type, hi - lo)
        readInto(valStart + lo * size, bytesOf(v))
        return v
      }
      if (h.kind === 'flat') return { kind: 'flat', type: h.type, values: values(start, stop) }
      const offsets = new Int32Array(stop - start + 1)
      readInto(offStart + 4 * start, bytesOf(offsets))
      const first = offsets[0]
      const v = values(first, offsets[offsets.length - 1])
      for (let i = 0; i < offsets.length; i++) offsets[i] -= first
      return { kind: 'jagged', type: h.type, offsets, values: v }
    } catch {
      return undefined
    } finally {
      closeSync(fd)
    }
  }

  async put(k: CacheKey, c: Column): Promise<void> {
    const file = this.pathOf(k)
    this.layouts.delete(file)
    await mkdir(join(file, '..'), { recursive: true })
    await atomicWrite(file, encodeColumn(c))
  }

  /** Deletes the columns of every file hash not in `keep`; returns the bytes freed. */
  async prune(keep: ReadonlySet<string>): Promise<number> {
    this.layouts.clear()
    let freed = 0
    for (const prefix of await readdir(this.dir).catch(() => [] as string[])) {
      if (prefix.length !== 2) continue
      for (const hash of await readdir(join(this.dir, prefix)).catch(() => [] as string[])) {
        if (keep.has(hash)) continue
        const dir = join(this.dir, prefix, hash)
        freed += await dirBytes(dir)
        await rm(dir, { recursive: true, force: true })
      }
    }
    return freed
  }

  /** Bytes the cache occupies on disk. */
  sizeBytes(): Promise<number> {
    return dirBytes(this.dir)
  }
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name)
    total += e.isDirectory() ? await dirBytes(p) : (await stat(p).catch(() => ({ size: 0 }))).size
  }
  return total
}

async function atomicWrite(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`
  await writeFile(tmp, data)
  await rename(tmp, file)
}

/** The header of an open cache file, or null when it is not one. */
function readLayout(readInto: (pos: number, into: Uint8Array) => Uint8Array): Layout | null {
  const head = readInto(0, new Uint8Array(12))
  if (!MAGIC.equals(head.subarray(0, 8))) return null
  const jsonLen = new DataView(head.buffer).getUint32(8, true)
  const h = JSON.parse(
    Buffer.from(readInto(12, new Uint8Array(jsonLen))).toString('utf8'),
  ) as Header
  const offStart = pad8(12 + jsonLen)
  return { h, offStart, valStart: pad8(offStart + 4 * h.offsets) }
}

function bytesOf(a: NumericArray | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
}

/** Serialises a column (see the layout above). */
export function encodeColumn(c: Column): Uint8Array {
  const offsets = c.kind === 'jagged' ? c.offsets : new Int32Array(0)
  const header: Header = {
    kind: c.kind,
    type: c.type,
    values: c.values.length,
    offsets: offsets.length,
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const offStart = pad8(12 + json.length)
  const valStart = pad8(offStart + offsets.byteLength)
  const out = new Uint8Array(valStart + c.values.byteLength)
  out.set(MAGIC, 0)
  new DataView(out.buffer).setUint32(8, json.length, true)
  out.set(json, 12)
  out.set(bytesOf(offsets), offStart)
  out.set(bytesOf(c.values), valStart)
  return out
}

/** Parses a serialised column; undefined when the bytes are not a complete, valid column. */
/**
 * `n` elements of `like`'s type at byte `at` of `buf`: a view of the buffer where it is aligned
 * for them (the file is laid out so, and readFile's buffer is the caller's alone: no copy of a
 * whole column), else a copy into a fresh aligned array.
 */
function viewOrCopy<T extends NumericArray>(
  buf: Uint8Array,
  at: number,
  like: T,
  n: number,
): T | undefined {
  const Ctor = like.constructor as new (b: ArrayBufferLike | number, o?: number, l?: number) => T
  const width = like.BYTES_PER_ELEMENT
  if (at + n * width > buf.length) return undefined
  if ((buf.byteOffset + at) % width === 0) return new Ctor(buf.buffer, buf.byteOffset + at, n)
  const out = new Ctor(n)
  bytesOf(out).set(buf.subarray(at, at + n * width))
  return out
}

export function decodeColumn(buf: Uint8Array): Column | undefined {
  try {
    if (buf.length < 12 || !MAGIC.equals(buf.subarray(0, 8))) return undefined
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    const jsonLen = dv.getUint32(8, true)
    const h = JSON.parse(Buffer.from(buf.subarray(12, 12 + jsonLen)).toString('utf8')) as Header
    const offStart = pad8(12 + jsonLen)
    const valStart = pad8(offStart + 4 * h.offsets)
    const values = viewOrCopy(buf, valStart, allocValues(h.type, 0), h.values)
    if (!values || valStart + values.byteLength !== buf.length) return undefined
    if (h.kind === 'flat') return { kind: 'flat', type: h.type, values }
    const offsets = viewOrCopy(buf, offStart, new Int32Array(0), h.offsets)
    if (!offsets) return undefined
    return { kind: 'jagged', type: h.type, offsets, values }
  } catch {
    return undefined
  }
}
