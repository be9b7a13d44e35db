/**
 * The fast path of the Parquet reader for what event ntuples mostly are: flat numeric columns
 * (DOUBLE, FLOAT, INT32, INT64; REQUIRED, or OPTIONAL as DuckDB, pandas and polars write them),
 * PLAIN-encoded in data pages v1 or v2. Pages are decompressed (snappy.ts, or the reader's
 * codecs) and their bytes copied straight into the column's typed array. hyparquet (pure JS)
 * turns every value of an OPTIONAL column into a boxed number in a JS array through its list
 * assembly — about 2/3 of a pass's time — before parquet.ts copies it into a typed array again.
 * Anything else (dictionary or other encodings, other codecs, booleans, lists) is `Unsupported`
 * and parquet.ts reads that column through hyparquet as before.
 */
import type { ColumnChunk, Compressors, SchemaElement } from 'hyparquet'
import type { ColumnType, NumericArray } from '../../../shared/column'
import { SNAPPY_REACH, snappyDecompress, snappyRange } from './snappy'

/** This column (or one of its pages) is not for the fast path: read it through hyparquet. */
export class Unsupported extends Error {}

/** Physical type → the column type whose array holds its bytes as they are. */
const SAME_BYTES: Record<string, ColumnType> = {
  DOUBLE: 'float64',
  FLOAT: 'float32',
  INT32: 'int32',
}
const WIDTH: Record<string, number> = { DOUBLE: 8, FLOAT: 4, INT32: 4, INT64: 8 }
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Throws Unsupported unless the fast path reads the chunks of a top-level leaf `element` as a
 * `type` column (parquet.ts's plan of the field).
 */
export function checkFlat(element: SchemaElement, type: ColumnType, chunks: ColumnChunk[]): void {
  const physical = element.type ?? ''
  if (!LITTLE_ENDIAN || !(physical in WIDTH) || element.repetition_type === 'REPEATED')
    throw new Unsupported()
  const ok =
    SAME_BYTES[physical] === type ||
    type === 'float64' ||
    (physical === 'INT64' && type === 'int64')
  if (!ok) throw new Unsupported()
  for (const c of chunks) {
    const m = c.meta_data
    if (!m || c.file_path) throw new Unsupported()
    if (m.encodings.some((e) => e !== 'PLAIN' && e !== 'RLE' && e !== 'BIT_PACKED'))
      throw new Unsupported()
    if (
      m.codec !== 'UNCOMPRESSED' &&
      m.codec !== 'SNAPPY' &&
      m.codec !== 'GZIP' &&
      m.codec !== 'BROTLI' &&
      m.codec !== 'ZSTD'
    )
      throw new Unsupported()
  }
}

/** Where the chunk's pages lie in the file: [start, end) in bytes. */
export function chunkBytes(c: ColumnChunk): [number, number] {
  const m = c.meta_data
  if (!m) throw new Unsupported()
  const dict = m.dictionary_page_offset === undefined ? undefined : Number(m.dictionary_page_offset)
  const data = Number(m.data_page_offset)
  const start = dict !== undefined && dict > 0 && dict < data ? dict : data
  return [start, start + Number(m.total_compressed_size)]
}

/**
 * Decodes rows [from, to) of a row group's column chunk (`bytes`: the chunk's pages, `rows` its
 * row count) into `out` at `at`: nulls are NaN (the plan makes nullable integers float64).
 * `bytes` may be only the start of the chunk (`whole` false): then false is returned when the
 * rows need more of it (decode again with the whole chunk); true when done.
 */
export function decodeFlatChunk(
  bytes: Uint8Array,
  rows: number,
  element: SchemaElement,
  codec: string,
  compressors: Compressors,
  from: number,
  to: number,
  out: NumericArray,
  at: number,
  whole = true,
): boolean {
  const physical = element.type as string
  const width = WIDTH[physical]
  const optional = element.repetition_type === 'OPTIONAL'
  const sameBytes = SAME_BYTES[physical] !== undefined && isArrayOf(out, SAME_BYTES[physical])
  let pos = 0
  let row = 0
  while (row < rows && row < to) {
    let h: PageHeader
    try {
      h = readPageHeader(bytes, pos, whole)
    } catch (e) {
      if (!whole) return false // the header may lie past the bytes read
      throw e
    }
    pos = h.end
    const body = bytes.subarray(pos, pos + h.compressed)
    pos += h.compressed
    if (h.type === PAGE_DICTIONARY || h.type === PAGE_INDEX) {
      if (h.type === PAGE_DICTIONARY) throw new Unsupported()
      continue
    }
    if (h.type !== PAGE_DATA && h.type !== PAGE_DATA_V2) throw new Unsupported()
    const n = h.values
    if (row + n <= from) {
      row += n
      continue
    }
    if (h.encoding !== ENC_PLAIN) throw new Unsupported()
    // Rows [lo, hi) of this page go to out[at + row + lo − from …].
    const lo = Math.max(0, from - row)
    const hi = Math.min(n, to - row)
    const dest = at + row + lo - from
    // A part of a snappy page: only its rows' bytes decoded (the page may be the whole chunk).
    const part =
      codec === 'SNAPPY' && (lo > 0 || hi < n)
        ? pagePart(h, body, optional, physical, lo, hi, sameBytes ? out : null, dest)
        : 'whole'
    if (part === 'short') {
      if (whole) throw new Error('Parquet page is shorter than its header says')
      return false
    }
    if (part !== 'whole') {
      if (part !== 'done') for (let i = 0; i < hi - lo; i++) out[dest + i] = Number(part[i])
      row += n
      continue
    }
    if (body.length < h.compressed) {
      if (whole) throw new Error('Parquet page is shorter than its header says')
      return false
    }
    if (codec === 'SNAPPY' && sameBytes && lo === 0 && hi === n) {
      const target = new Uint8Array(out.buffer, out.byteOffset + dest * width, n * width)
      if (wholePage(h, body, optional, target)) {
        row += n
        continue
      }
    }
    let defined: Uint8Array | null = null
    let values: Uint8Array
    let nonNull = n
    if (h.type === PAGE_DATA) {
      const page = decompress(body, h.uncompressed, codec, compressors)
      let off = 0
      if (optional) {
        if (h.defEncoding !== ENC_RLE) throw new Unsupported()
        const len = readUint32(page, 0)
        defined = definedFlags(page.subarray(4, 4 + len), n)
        off = 4 + len
      }
      values = page.subarray(off)
    } else {
      if (h.repLength) throw new Unsupported()
      const levels = body.subarray(0, h.defLength)
      if (optional) defined = definedFlags(levels, n)
      const rest = body.subarray(h.defLength)
      values =
        h.compressedV2 === false
          ? rest
          : decompress(rest, h.uncompressed - h.defLength, codec, compressors)
    }
    if (defined) {
      nonNull = 0
      for (let i = 0; i < n; i++) nonNull += defined[i]
      if (nonNull === n) defined = null
    }
    if (values.length < nonNull * width) throw new Error('Parquet page is shorter than its values')
    if (!defined && sameBytes) {
      const target = new Uint8Array(out.buffer, out.byteOffset + dest * width, (hi - lo) * width)
      target.set(values.subarray(lo * width, hi * width))
    } else {
      const typed = typedView(values.subarray(0, nonNull * width), physical)
      if (!defined) for (let i = lo; i < hi; i++) out[dest + i - lo] = Number(typed[i])
      else {
        let j = 0
        for (let i = 0; i < lo; i++) j += defined[i]
        for (let i = lo; i < hi; i++) out[dest + i - lo] = defined[i] ? Number(typed[j++]) : NaN
      }
    }
    row += n
  }
  if (row < Math.min(rows, to)) throw new Error('Parquet column chunk ends before its rows')
  return true
}

/**
 * Rows [lo, hi) of a snappy page without nulls, decoding only their bytes (and the 64 KiB
 * before, which back-references may reach): written into `out` at `dest` when given (its
 * elements hold the physical values' bytes as they are), else returned as the physical type's
 * values. 'whole': decode the whole page instead (it has nulls, or a back-reference reaches
 * further); 'short': `body` ends before the rows do.
 */
function pagePart(
  h: PageHeader,
  body: Uint8Array,
  optional: boolean,
  physical: string,
  lo: number,
  hi: number,
  out: NumericArray | null,
  dest: number,
): 'done' | 'whole' | 'short' | ArrayLike<number | bigint> {
  const width = WIDTH[physical]
  let stream = body
  let skip = 0 // bytes of the uncompressed stream before the values
  if (h.type === PAGE_DATA) {
    if (optional) {
      if (h.defEncoding !== ENC_RLE) throw new Unsupported()
      const len = windowOf(body, 0, 4)
      if (typeof len === 'string') return len
      const levels = windowOf(body, 4, 4 + readUint32(len, 0))
      if (typeof levels === 'string') return levels
      if (!allDefined(levels, h.values)) return 'whole'
      skip = 4 + levels.length
    }
  } else {
    if (h.repLength || h.compressedV2 === false) return 'whole'
    if (body.length < h.defLength) return 'short'
    if (optional && !allDefined(body.subarray(0, h.defLength), h.values)) return 'whole'
    stream = body.subarray(h.defLength)
  }
  const bytes = (hi - lo) * width
  const target = out
    ? new Uint8Array(out.buffer, out.byteOffset + dest * width, bytes)
    : new Uint8Array(bytes)
  const r = snappyRange(stream, skip + lo * width, skip + hi * width, target, windowBuffer(bytes))
  if (r === 'far') return 'whole'
  if (r === 'short') return r
  return out ? 'done' : typedView(target, physical)
}

/**
 * A whole snappy page without nulls decompressed straight into `target` (its values' bytes),
 * its level header aside: one copy of the values fewer than decompressing the page and then
 * copying its values out. False when the page has nulls or other than `target.length` bytes
 * of values (the general path decodes it, or says what is wrong).
 */
function wholePage(
  h: PageHeader,
  body: Uint8Array,
  optional: boolean,
  target: Uint8Array,
): boolean {
  if (h.type === PAGE_DATA) {
    let skip = 0
    if (optional) {
      if (h.defEncoding !== ENC_RLE) return false
      const len = windowOf(body, 0, 4)
      if (typeof len === 'string') return false
      const levels = windowOf(body, 4, 4 + readUint32(len, 0))
      if (typeof levels === 'string' || !allDefined(levels, h.values)) return false
      skip = 4 + levels.length
    }
    if (h.uncompressed - skip !== target.length) return false
    snappyDecompress(body, target, new Uint8Array(skip))
    return true
  }
  if (h.repLength || h.compressedV2 === false || body.length < h.defLength) return false
  if (optional && !allDefined(body.subarray(0, h.defLength), h.values)) return false
  if (h.uncompressed - h.defLength !== target.length) return false
  snappyDecompress(body.subarray(h.defLength), target)
  return true
}

/** Bytes [from, to) of a snappy stream in a new buffer, or why not (see snappyRange). */
function windowOf(stream: Uint8Array, from: number, to: number): Uint8Array | 'whole' | 'short' {
  const out = new Uint8Array(to - from)
  const r = snappyRange(stream, from, to, out, windowBuffer(to - from))
  return r === 'done' ? out : r === 'far' ? 'whole' : r
}

let window = new Uint8Array(0)

/** The thread's buffer for snappyRange's decoded window of `bytes` bytes (and its reach). */
function windowBuffer(bytes: number): Uint8Array {
  const size = bytes + SNAPPY_REACH
  if (window.length < size) window = new Uint8Array(Math.max(size, 2 * window.length))
  return window
}
function isArrayOf(a: NumericArray, t: ColumnType): boolean {
  return (
    (t === 'float64' && a instanceof Float64Array) ||
    (t === 'float32' && a instanceof Float32Array) ||
    (t === 'int32' && a instanceof Int32Array)
  )
}

/** The values' bytes as the physical type's array (copied once when not aligned). */
function typedView(bytes: Uint8Array, physical: string): ArrayLike<number | bigint> {
  const width = WIDTH[physical]
  const aligned = bytes.byteOffset % width === 0 ? bytes : bytes.slice()
  const n = aligned.length / width
  switch (physical) {
    case 'DOUBLE':
      return new Float64Array(aligned.buffer, aligned.byteOffset, n)
    case 'FLOAT':
      return new Float32Array(aligned.buffer, aligned.byteOffset, n)
    case 'INT32':
      return new Int32Array(aligned.buffer, aligned.byteOffset, n)
    default:
      return new BigInt64Array(aligned.buffer, aligned.byteOffset, n)
  }
}

let pageBuffer = new Uint8Array(0)

function decompress(
  body: Uint8Array,
  size: number,
  codec: string,
  compressors: Compressors,
): Uint8Array {
  if (codec === 'UNCOMPRESSED') return body
  if (codec === 'SNAPPY') {
    // One buffer for every page of this thread: a page is copied out before the next is read,
    // and fresh multi-megabyte buffers per page cost more in GC than the decoding itself.
    if (pageBuffer.length < size) pageBuffer = new Uint8Array(Math.max(size, 2 * pageBuffer.length))
    const out = pageBuffer.subarray(0, size)
    snappyDecompress(body, out)
    return out
  }
  const fn = compressors[codec as keyof Compressors]
  if (!fn) throw new Unsupported()
  const out = fn(body, size)
  if (out.length !== size)
    throw new Error(`${codec} page gave ${out.length} bytes, expected ${size}`)
  return out
}

/**
 * Definition levels of an OPTIONAL leaf (bit width 1, RLE/bit-packed hybrid) → 1 per defined
 * value; null when all are defined (one RLE run of 1s, the common case: nothing allocated).
 */
function definedFlags(levels: Uint8Array, n: number): Uint8Array | null {
  if (allDefined(levels, n)) return null
  const out = new Uint8Array(n)
  let pos = 0
  let i = 0
  while (i < n) {
    if (pos >= levels.length) throw new Error('Parquet definition levels end early')
    let header = 0
    for (let shift = 1; ; shift *= 128) {
      const c = levels[pos++]
      header += (c & 0x7f) * shift
      if (c < 0x80) break
    }
    if (header & 1) {
      // Bit-packed: (header >> 1) groups of 8 one-bit values.
      const count = Math.floor(header / 2) * 8
      for (let k = 0; k < count && i < n; k++, i++) out[i] = (levels[pos + (k >> 3)] >> (k & 7)) & 1
      pos += count / 8
    } else {
      const count = Math.floor(header / 2)
      const v = levels[pos++] & 1
      const stop = Math.min(n, i + count)
      if (v) out.fill(1, i, stop)
      i = stop
    }
  }
  return out
}

/** Do the levels start with one RLE run of n or more 1s (no nulls: nothing to allocate)? */
function allDefined(levels: Uint8Array, n: number): boolean {
  let header = 0
  let pos = 0
  for (let shift = 1; pos < levels.length; shift *= 128) {
    const c = levels[pos++]
    header += (c & 0x7f) * shift
    if (c < 0x80) return header % 2 === 0 && header / 2 >= n && levels[pos] === 1
  }
  return false
}

function readUint32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 2 ** 24
}

const PAGE_DATA = 0
const PAGE_INDEX = 1
const PAGE_DICTIONARY = 2
const PAGE_DATA_V2 = 3
const ENC_PLAIN = 0
const ENC_RLE = 3

/** What the fast path needs of a Thrift PageHeader. */
interface PageHeader {
  type: number
  uncompressed: number
  compressed: number
  values: number
  encoding: number
  defEncoding: number
  defLength: number
  repLength: number
  compressedV2?: boolean
  /** Where the page's body starts. */
  end: number
}

/**
 * Parses a PageHeader (Thrift compact protocol) at `pos`; with `whole` false `b` may end
 * inside the page's body.
 */
function readPageHeader(b: Uint8Array, pos: number, whole: boolean): PageHeader {
  const r = new CompactReader(b, pos)
  const h: PageHeader = {
    type: -1,
    uncompressed: 0,
    compressed: 0,
    values: 0,
    encoding: -1,
    defEncoding: -1,
    defLength: 0,
    repLength: 0,
    end: 0,
  }
  r.struct((id, type) => {
    if (id === 1) h.type = r.int()
    else if (id === 2) h.uncompressed = r.int()
    else if (id === 3) h.compressed = r.int()
    else if (id === 5 || id === 8) {
      const v2 = id === 8
      r.struct((f, t) => {
        if (f === 1) h.values = r.int()
        else if (v2 && f === 4) h.encoding = r.int()
        else if (!v2 && f === 2) h.encoding = r.int()
        else if (!v2 && f === 3) h.defEncoding = r.int()
        else if (v2 && f === 5) h.defLength = r.int()
        else if (v2 && f === 6) h.repLength = r.int()
        else if (v2 && f === 7) h.compressedV2 = t === 1
        else r.skip(t)
      })
    } else r.skip(type)
  })
  h.end = r.pos
  if (
    h.type < 0 ||
    h.compressed < 0 ||
    h.uncompressed < 0 ||
    (whole && h.end + h.compressed > b.length)
  )
    throw new Error('damaged Parquet page header')
  return h
}

/** Just enough of the Thrift compact protocol to read page headers and skip what they add. */
class CompactReader {
  constructor(
    private readonly b: Uint8Array,
    public pos: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.b.length) throw new Error('damaged Parquet page header')
    return this.b[this.pos++]
  }

  varint(): number {
    let v = 0
    for (let shift = 1; ; shift *= 128) {
      const c = this.byte()
      v += (c & 0x7f) * shift
      if (c < 0x80) return v
    }
  }

  /** A zigzag i16/i32/i64 (as a number). */
  int(): number {
    const v = this.varint()
    return v % 2 ? -(v + 1) / 2 : v / 2
  }

  /** Reads a struct's fields, calling `field(id, type)` for each, which must consume it. */
  struct(field: (id: number, type: number) => void): void {
    let last = 0
    for (;;) {
      const head = this.byte()
      if (head === 0) return
      const type = head & 0x0f
      const delta = head >> 4
      const id = delta ? last + delta : this.int()
      last = id
      field(id, type)
    }
  }

  skip(type: number): void {
    switch (type) {
      case 1:
      case 2:
        return // booleans live in the type nibble
      case 3:
        this.pos++
        return
      case 4:
      case 5:
      case 6:
        this.varint()
        return
      case 7:
        this.pos += 8
        return
      case 8: {
        // Not `this.pos += this.varint()`: that adds to the position before the length's bytes.
        const length = this.varint()
        this.pos += length
        return
      }
      case 9:
      case 10: {
        const head = this.byte()
        const size = head >> 4 === 15 ? this.varint() : head >> 4
        const t = head & 0x0f
        for (let k = 0; k < size; k++) this.skipElement(t)
        return
      }
      case 11: {
        const size = this.varint()
        if (!size) return
        const kv = this.byte()
        for (let k = 0; k < size; k++) {
          this.skipElement(kv >> 4)
          this.skipElement(kv & 0x0f)
        }
        return
      }
      case 12:
        this.struct((_, t) => this.skip(t))
        return
      default:
        throw new Error('damaged Parquet page header')
    }
  }

  /** In lists and maps a boolean is a whole byte. */
  private skipElement(type: number): void {
    if (type === 1 || type === 2) this.pos++
    else this.skip(type)
  }
}
