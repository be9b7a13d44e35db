/**
 * ROOT basket bytes → typed arrays. ROOT stores numbers big-endian; we copy a basket's data
 * region once into an aligned buffer and swap bytes in place with Node's native
 * Buffer.swap16/32/64, several times faster than a DataView loop per value.
 */
import { inflateSync } from 'node:zlib'
import type { ColumnType, NumericArray } from '../../../shared/column'
import { allocValues } from './column-ops'

/** Bytes per stored value of each column type (64-bit integers are 8 bytes on disk). */
export function storedSize(type: ColumnType): number {
  switch (type) {
    case 'float64':
    case 'int64':
    case 'uint64':
      return 8
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4
    case 'int16':
    case 'uint16':
      return 2
    case 'int8':
    case 'uint8':
    case 'bool':
      return 1
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Decodes `count` big-endian values of `type` from `bytes` starting at `offset`.
 * Returns a new typed array (int64/uint64 widened to float64, exact up to 2^53).
 */
export function decodeBigEndian(
  bytes: Uint8Array,
  offset: number,
  count: number,
  type: ColumnType,
): NumericArray {
  const size = storedSize(type)
  const nBytes = count * size
  if (offset < 0 || offset + nBytes > bytes.length) {
    throw new RangeError(
      `need ${nBytes} bytes at offset ${offset}, basket holds ${bytes.length - offset}`,
    )
  }
  // Aligned private copy: typed-array views need alignment and we swap in place, with Node's
  // native Buffer.swap16/32/64 (several times faster than a JavaScript loop).
  const raw = new Uint8Array(nBytes)
  raw.set(bytes.subarray(offset, offset + nBytes))
  if (size === 1) {
    if (type === 'int8') return new Int8Array(raw.buffer)
    if (type === 'bool') {
      for (let i = 0; i < count; i++) raw[i] = raw[i] !== 0 ? 1 : 0
    }
    return raw
  }
  if (LITTLE_ENDIAN) {
    const buf = Buffer.from(raw.buffer, 0, nBytes)
    if (size === 2) buf.swap16()
    else if (size === 4) buf.swap32()
    else buf.swap64()
  }
  switch (type) {
    case 'int16':
      return new Int16Array(raw.buffer)
    case 'uint16':
      return new Uint16Array(raw.buffer)
    case 'int32':
      return new Int32Array(raw.buffer)
    case 'uint32':
      return new Uint32Array(raw.buffer)
    case 'float32':
      return new Float32Array(raw.buffer)
    case 'float64':
      return new Float64Array(raw.buffer)
  }
  // 64-bit integers: native order now, widened to float64 from their two 32-bit halves.
  const u32 = new Uint32Array(raw.buffer)
  const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0]
  const out = allocValues(type, count) as Float64Array
  const signed = type === 'int64'
  for (let i = 0; i < count; i++) {
    const h = u32[2 * i + hi]
    out[i] = (signed ? h | 0 : h) * 4294967296 + u32[2 * i + lo]
  }
  return out
}

/** Big-endian signed 32-bit integer at `offset`. */
export function readInt32BE(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]
  )
}

/** The fields of a TKey + TBasket header we need to locate and inflate a basket's payload. */
export interface BasketHeader {
  /** Bytes on disk (key + compressed payload). */
  readonly nbytes: number
  /** Uncompressed payload bytes (data + entry-offset table). */
  readonly objlen: number
  /** Key length: the payload starts here, and stored entry offsets count from the key start. */
  readonly keylen: number
  readonly nevbuf: number
  /** End of the entry data, counted from the key start. */
  readonly last: number
}

/**
 * Parses the TKey and TBasket streamer header at the start of a basket as written by ROOT
 * (TKey::Streamer, TBasket::Streamer): we read it ourselves because only these five numbers
 * matter and jsroot's generic streamer also tries to read in-memory basket buffers.
 */
export function parseBasketHeader(bytes: Uint8Array): BasketHeader {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let o = 0
  const nbytes = dv.getInt32(o)
  const version = dv.getInt16(o + 4)
  const objlen = dv.getInt32(o + 6)
  const keylen = dv.getInt16(o + 14)
  o = 18 + (version > 1000 ? 16 : 8) // after fCycle, fSeekKey, fSeekPdir
  for (let s = 0; s < 3; s++) {
    // fClassName, fName, fTitle: TString = 1-byte length, or 255 then a 4-byte length
    const n = dv.getUint8(o)
    o += n === 255 ? 5 + dv.getInt32(o + 1) : 1 + n
  }
  o += 2 // TBasket class version
  o += 4 // fBufferSize
  const nevbufsize = dv.getInt32(o)
  o += 4
  if (nevbufsize < 0) o += 1 // fIOBits
  const nevbuf = dv.getInt32(o)
  const last = dv.getInt32(o + 4)
  if (nbytes <= 0 || objlen < 0 || keylen <= 0 || nevbuf < 0 || last < keylen) {
    throw new RangeError('basket header fields are out of range')
  }
  return { nbytes, objlen, keylen, nevbuf, last }
}

/** Decompresses one complete zstd frame. */
export type ZstdDecompress = (frame: Uint8Array) => Uint8Array

/**
 * Inflates a ROOT compressed payload made of zlib ("ZL", with Node's native zlib, several times
 * faster than jsroot's JavaScript inflater) and zstd ("ZS") blocks. Each block is a 9-byte
 * header (algorithm, method, 3-byte LE compressed size, 3-byte LE uncompressed size) and the
 * compressed stream. Returns undefined when a block uses another codec (LZMA, LZ4, old "CS"),
 * or a zstd block comes without `zstd`, so the caller can hand the payload to jsroot; throws if
 * a block is damaged.
 */
export function inflateRootBlocks(
  src: Uint8Array,
  expected: number,
  zstd?: ZstdDecompress,
): Uint8Array | undefined {
  const out = new Uint8Array(expected)
  let at = 0
  let filled = 0
  while (filled < expected) {
    if (at + 9 > src.length) throw new RangeError('compressed block header beyond the basket')
    const zlib = src[at] === 0x5a && src[at + 1] === 0x4c && src[at + 2] === 8 // "ZL", deflate
    const zs = src[at] === 0x5a && src[at + 1] === 0x53 && src[at + 2] === 1 // "ZS"
    if (!zlib && !(zs && zstd)) return undefined
    const csize = src[at + 3] | (src[at + 4] << 8) | (src[at + 5] << 16)
    const usize = src[at + 6] | (src[at + 7] << 8) | (src[at + 8] << 16)
    if (at + 9 + csize > src.length || filled + usize > expected) {
      throw new RangeError('compressed block sizes do not fit the basket')
    }
    const stream = src.subarray(at + 9, at + 9 + csize)
    const block = zlib ? inflateSync(stream) : (zstd as ZstdDecompress)(stream)
    if (block.length !== usize) throw new RangeError('block inflated to the wrong size')
    out.set(block, filled)
    filled += usize
    at += 9 + csize
  }
  return out
}
