/**
 * Snappy decompression (the raw block format Parquet pages use). Literals and non-overlapping
 * back-references are copied with TypedArray.set / copyWithin (memcpy), not byte by byte: a
 * page of float64 values is almost all literals, so this runs at memory speed, several times
 * hyparquet's byte loop.
 */

/**
 * Decompresses `input` into `output`: the block's first `head.length` bytes go to `head`, the
 * rest to `output` (so a Parquet page's values land straight in their column's array while its
 * level header goes aside). `head.length + output.length` must be the uncompressed size
 * (Parquet page headers give it). Throws for corrupt input or a length mismatch.
 */
export function snappyDecompress(
  input: Uint8Array,
  output: Uint8Array,
  head: Uint8Array = EMPTY,
): void {
  const end = input.length
  const h = head.length
  const size = h + output.length
  let pos = 0
  // Preamble: the uncompressed length as a varint (checked against head + output).
  let declared = 0
  for (let shift = 1; ; shift *= 128) {
    if (pos >= end) throw new Error('snappy: truncated length header')
    const c = input[pos++]
    declared += (c & 0x7f) * shift
    if (c < 0x80) break
  }
  if (declared !== size) {
    throw new Error(`snappy: block holds ${declared} bytes, expected ${size}`)
  }
  // Position `out` of the block, in head or output (only the block's first bytes are in head).
  let out = 0
  while (pos < end) {
    const c = input[pos++]
    const tag = c & 3
    if (tag === 0) {
      let len = (c >>> 2) + 1
      if (len > 60) {
        const bytes = len - 60
        if (pos + bytes > end) throw new Error('snappy: truncated literal length')
        len = 0
        for (let k = 0; k < bytes; k++) len += input[pos + k] * 2 ** (8 * k)
        len += 1
        pos += bytes
      }
      if (pos + len > end || out + len > size) throw new Error('snappy: literal overruns')
      let k = 0
      for (; k < len && out + k < h; k++) head[out + k] = input[pos + k]
      const o = out + k - h
      // Short runs by hand: a subarray costs more than copying a few bytes.
      if (len - k < 32) for (; k < len; k++) output[out + k - h] = input[pos + k]
      else output.set(input.subarray(pos + k, pos + len), o)
      pos += len
      out += len
      continue
    }
    let len: number
    let offset: number
    if (tag === 1) {
      if (pos >= end) throw new Error('snappy: truncated copy')
      len = ((c >>> 2) & 7) + 4
      offset = ((c >>> 5) << 8) | input[pos++]
    } else if (tag === 2) {
      if (pos + 2 > end) throw new Error('snappy: truncated copy')
      len = (c >>> 2) + 1
      offset = input[pos] | (input[pos + 1] << 8)
      pos += 2
    } else {
      if (pos + 4 > end) throw new Error('snappy: truncated copy')
      len = (c >>> 2) + 1
      offset =
        (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) + input[pos + 3] * 2 ** 24
      pos += 4
    }
    if (offset === 0 || offset > out) throw new Error(`snappy: bad copy offset ${offset}`)
    if (out + len > size) throw new Error('snappy: copy overruns')
    const from = out - offset
    if (from >= h) {
      const d = out - h
      const f = from - h
      if (offset >= len && len >= 32) output.copyWithin(d, f, f + len)
      // Short or overlapping (a run): byte by byte, each byte may be one just written.
      else for (let k = 0; k < len; k++) output[d + k] = output[f + k]
    } else {
      // Reaching into the head (the block's first few bytes): byte by byte across the two.
      for (let k = 0; k < len; k++) {
        const b = from + k < h ? head[from + k] : output[from + k - h]
        if (out + k < h) head[out + k] = b
        else output[out + k - h] = b
      }
    }
    out += len
  }
  if (out !== size) throw new Error(`snappy: ${out} bytes, expected ${size}`)
}

const EMPTY = new Uint8Array(0)

/**
 * How far back (bytes) snappyRange decodes before its range: snappy's block size, the reach of
 * the back-references compressors write.
 */
export const SNAPPY_REACH = 1 << 16

/** What snappyRange did. */
export type RangeOutcome =
  /** `output` holds the range. */
  | 'done'
  /** The input ended before the range did (a prefix of the block was given): give more. */
  | 'short'
  /** A back-reference into the range reaches before what was decoded: decompress it all. */
  | 'far'

/**
 * Bytes [from, to) of the uncompressed block `input` (or a prefix of it) into `output`
 * (length to − from), decoding only from `from` − 64 KiB on: the tags before are skipped by
 * their headers, so a partition's rows of a large page cost their own bytes, not the page's.
 * `scratch` holds the decoded window (at least to − max(0, from − 65536) bytes). Throws for
 * corrupt input or a range past the block's length.
 */
export function snappyRange(
  input: Uint8Array,
  from: number,
  to: number,
  output: Uint8Array,
  scratch: Uint8Array,
): RangeOutcome {
  const end = input.length
  let pos = 0
  let declared = 0
  for (let shift = 1; ; shift *= 128) {
    if (pos >= end) return 'short'
    const c = input[pos++]
    declared += (c & 0x7f) * shift
    if (c < 0x80) break
  }
  if (!(0 <= from && from <= to && to <= declared && output.length === to - from))
    throw new Error(`snappy: range ${from}..${to} of a ${declared}-byte block`)
  const start = Math.max(0, from - SNAPPY_REACH)
  if (scratch.length < to - start) throw new RangeError('snappy: scratch too short for the range')
  // Decoded bytes at positions [start, out); those below `unknown` may be wrong (copied from
  // before `start`), which is fine as long as none of them lands in [from, to).
  let unknown = start
  let out = 0
  while (out < to) {
    if (pos >= end) return 'short'
    const c = input[pos++]
    const tag = c & 3
    if (tag === 0) {
      let len = (c >>> 2) + 1
      if (len > 60) {
        const bytes = len - 60
        if (pos + bytes > end) return 'short'
        len = 0
        for (let k = 0; k < bytes; k++) len += input[pos + k] * 2 ** (8 * k)
        len += 1
        pos += bytes
      }
      if (out + len > declared) throw new Error('snappy: literal overruns')
      // The part of [out, out + len) inside [start, to).
      const lo = Math.max(out, start)
      const hi = Math.min(out + len, to)
      if (lo < hi) {
        if (pos + (hi - out) > end) return 'short'
        scratch.set(input.subarray(pos + lo - out, pos + hi - out), lo - start)
      }
      pos += len
      out += len
      continue
    }
    let len: number
    let offset: number
    if (tag === 1) {
      if (pos >= end) return 'short'
      len = ((c >>> 2) & 7) + 4
      offset = ((c >>> 5) << 8) | input[pos++]
    } else if (tag === 2) {
      if (pos + 2 > end) return 'short'
      len = (c >>> 2) + 1
      offset = input[pos] | (input[pos + 1] << 8)
      pos += 2
    } else {
      if (pos + 4 > end) return 'short'
      len = (c >>> 2) + 1
      offset =
        (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) + input[pos + 3] * 2 ** 24
      pos += 4
    }
    if (offset === 0 || offset > out) throw new Error(`snappy: bad copy offset ${offset}`)
    if (out + len > declared) throw new Error('snappy: copy overruns')
    const hi = Math.min(out + len, to)
    if (hi > start) {
      const lo = Math.max(out, start)
      if (lo - offset < start) {
        // Its source lies before the window: these bytes are not known.
        unknown = hi
      } else {
        if (lo - offset < unknown) unknown = hi
        const d = lo - start
        const s = d - offset
        const n = hi - lo
        if (offset >= n && n >= 32) scratch.copyWithin(d, s, s + n)
        else for (let k = 0; k < n; k++) scratch[d + k] = scratch[s + k]
      }
    }
    out += len
  }
  if (unknown > from) return 'far'
  output.set(scratch.subarray(from - start, to - start))
  return 'done'
}
