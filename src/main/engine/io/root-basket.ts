/**
 * The baskets of one branch: where they are (on disk, or inside the TTree object for the last
 * one), reading and inflating them, and decoding their bytes into columns according to the
 * branch's plan.
 */
import type { Column } from '../../../shared/column'
import { jaggedFromCounts, regularJagged } from './column-ops'
import { InputError, libraryReason } from './errors'
import type { JsBasket, OpenRoot } from './root-file'
import type { BranchPlan } from './root-plan'
import {
  decodeBigEndian,
  inflateRootBlocks,
  parseBasketHeader,
  readInt32BE,
  storedSize,
  type BasketHeader,
} from './root-decode'
import { loadZstd } from './wasm'

/** One basket's uncompressed payload: data bytes and, when stored, entry start offsets. */
export interface BasketPayload {
  readonly bytes: Uint8Array
  /** Bytes of entry data at the start of `bytes` (the rest holds the offset table). */
  readonly dataLength: number
  readonly entries: number
  /** Entry starts relative to `bytes`, length entries + 1 (last = dataLength). */
  readonly offsets?: Int32Array
}

/** A basket not read yet: its entries [first, stop) and how to load it. */
export interface BasketRef {
  readonly first: number
  readonly stop: number
  load(): Promise<BasketPayload>
  /** Compressed size (0 for the basket kept inside the TTree object); for progress. */
  readonly bytesOnDisk: number
}

/** The baskets of a branch of tree `table` (with `entries` entries), in entry order. */
export function basketRefs(
  r: OpenRoot,
  path: string,
  table: string,
  p: BranchPlan,
  entries: number,
): BasketRef[] {
  const b = p.branch
  const refs: BasketRef[] = []
  const where = { file: path, table, branch: p.name }
  for (let k = 0; k < b.fWriteBasket; k++) {
    const first = b.fBasketEntry[k]
    const stop =
      k + 1 < b.fMaxBaskets && b.fBasketEntry[k + 1] > first ? b.fBasketEntry[k + 1] : entries
    const seek = b.fBasketSeek[k]
    const nbytes = b.fBasketBytes[k]
    refs.push({
      first,
      stop,
      bytesOnDisk: nbytes,
      load: () => loadDiskBasket(r, where, k, seek, nbytes, b.fEntryOffsetLen > 0),
    })
  }
  // The last basket can live inside the TTree object itself (written with the tree).
  for (const [k, bk] of (b.fBaskets?.arr ?? []).entries()) {
    if (!bk || k < b.fWriteBasket || !bk.fNevBuf || !bk.fBufferRef?.arr) continue
    const first = b.fBasketEntry[k]
    const view = bk.fBufferRef.arr
    refs.push({
      first,
      stop: first + bk.fNevBuf,
      bytesOnDisk: 0,
      load: async () =>
        payload(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), bk, false),
    })
  }
  return refs
}

async function loadDiskBasket(
  r: OpenRoot,
  where: { file: string; table: string; branch: string },
  k: number,
  seek: number,
  nbytes: number,
  hasOffsets: boolean,
): Promise<BasketPayload> {
  const blob = await r.file.readBuffer([seek, nbytes]).catch((e: unknown) => {
    throw new InputError(where, `cannot read basket ${k}: ${libraryReason(e)}`, { cause: e })
  })
  const raw = new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength)
  let h: BasketHeader
  try {
    h = parseBasketHeader(raw)
  } catch (e) {
    throw new InputError(where, `basket ${k} header is damaged: ${libraryReason(e)}`, { cause: e })
  }
  if (h.nbytes !== nbytes) {
    throw new InputError(where, `basket ${k} header is damaged (sizes do not match)`)
  }
  let bytes: Uint8Array
  if (h.keylen + h.objlen === h.nbytes) {
    bytes = raw.subarray(h.keylen, h.keylen + h.objlen)
  } else {
    const inflated = await inflate(r, blob, raw.subarray(h.keylen), h.objlen).catch(() => undefined)
    if (!inflated) {
      throw new InputError(where, `basket ${k} cannot be decompressed (damaged or unknown codec)`)
    }
    bytes = inflated
  }
  const basket = {
    fKeylen: h.keylen,
    fLast: h.last,
    fNevBuf: h.nevbuf,
  }
  return payload(bytes, basket, hasOffsets)
}

/**
 * zlib natively and ZSTD with our guarded decoder (see wasm.ts: jsroot's own loading of it would
 * install process-wide crash handlers); LZMA, LZ4 and old-style zlib through jsroot.
 */
async function inflate(
  r: OpenRoot,
  blob: DataView,
  compressed: Uint8Array,
  size: number,
): Promise<Uint8Array | undefined> {
  const zs = compressed[0] === 0x5a && compressed[1] === 0x53
  const zstd = zs ? await loadZstd() : undefined
  const native = inflateRootBlocks(compressed, size, zstd && ((f) => zstd.decompress(f)))
  if (native) return native
  const out = await r.io.R__unzip(blob, size, true, blob.byteLength - compressed.length)
  return out ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : undefined
}

/** Splits an uncompressed basket into its data region and entry-offset table. */
function payload(
  bytes: Uint8Array,
  bk: Pick<JsBasket, 'fKeylen' | 'fLast' | 'fNevBuf' | 'fEntryOffset'>,
  offsetsInPayload: boolean,
): BasketPayload {
  const dataLength = bk.fLast - bk.fKeylen
  const entries = bk.fNevBuf
  let raw: ArrayLike<number> | undefined = bk.fEntryOffset
  if (offsetsInPayload && dataLength + 4 <= bytes.length) {
    const n = readInt32BE(bytes, dataLength)
    if (n >= entries && dataLength + 4 + 4 * n <= bytes.length) {
      const o = new Int32Array(n)
      for (let i = 0; i < n; i++) o[i] = readInt32BE(bytes, dataLength + 4 + 4 * i)
      raw = o
    }
  }
  if (!raw || raw.length < entries) return { bytes, dataLength, entries }
  const offsets = new Int32Array(entries + 1)
  for (let i = 0; i < entries; i++) offsets[i] = raw[i] - bk.fKeylen
  offsets[entries] = dataLength
  return { bytes, dataLength, entries, offsets }
}

/** Decodes one basket of a branch into a column of `bk.entries` entries. */
export function decodeBasket(
  p: BranchPlan,
  bk: BasketPayload,
  counts: ArrayLike<number> | undefined,
): Column {
  const size = storedSize(p.type)
  if (p.field) return decodeField(p, p.field, bk, size)
  if (!p.jagged || (p.layout === 'plain' && !p.counter)) {
    const n = bk.entries * p.width
    const values = decodeBigEndian(bk.bytes, 0, n, p.type)
    return p.jagged
      ? regularJagged(p.type, values, p.width)
      : { kind: 'flat', type: p.type, values }
  }
  if (p.layout === 'plain') {
    if (bk.offsets) {
      const c = new Int32Array(bk.entries)
      for (let i = 0; i < bk.entries; i++) {
        const bytes = bk.offsets[i + 1] - bk.offsets[i]
        if (bytes < 0 || bytes % size) throw new Error(`entry ${i} holds ${bytes} bytes`)
        c[i] = bytes / size
      }
      counts = c
    }
    if (!counts) throw new Error('no entry offsets and no counter values')
    let total = 0
    for (let i = 0; i < counts.length; i++) total += counts[i]
    return jaggedFromCounts(p.type, counts, decodeBigEndian(bk.bytes, 0, total, p.type))
  }
  if (!bk.offsets) throw new Error('basket has no entry offsets')
  return decodeWithHeaders(p, bk, size)
}

/** One leaf of a leaf list: its bytes gathered from every fixed-size entry, then decoded. */
function decodeField(
  p: BranchPlan,
  f: { offset: number; entrySize: number },
  bk: BasketPayload,
  size: number,
): Column {
  const len = p.width * size
  if (bk.entries * f.entrySize > bk.dataLength) {
    throw new Error(`${bk.entries} entries of ${f.entrySize} bytes do not fit the basket`)
  }
  const gathered = new Uint8Array(bk.entries * len)
  for (let e = 0; e < bk.entries; e++) {
    const at = e * f.entrySize + f.offset
    gathered.set(bk.bytes.subarray(at, at + len), e * len)
  }
  const values = decodeBigEndian(gathered, 0, bk.entries * p.width, p.type)
  return p.jagged ? regularJagged(p.type, values, p.width) : { kind: 'flat', type: p.type, values }
}

/** Entries with a per-entry header (STL vector, pointer array marker): gather, then decode. */
function decodeWithHeaders(p: BranchPlan, bk: BasketPayload, size: number): Column {
  const offsets = bk.offsets as Int32Array
  const counts = new Int32Array(bk.entries)
  const starts = new Int32Array(bk.entries)
  let total = 0
  for (let i = 0; i < bk.entries; i++) {
    let at = offsets[i]
    const end = offsets[i + 1]
    let n: number
    if (p.layout === 'marker') {
      at += end > at ? 1 : 0
      n = (end - at) / size
    } else {
      if (end - at < 6) throw new Error(`entry ${i} is too short for a vector header`)
      if (readInt32BE(bk.bytes, at) & 0x40000000) at += 4 // byte count
      at += 2 // class version
      n = readInt32BE(bk.bytes, at)
      at += 4
    }
    if (!Number.isInteger(n) || n < 0 || at + n * size > end) {
      throw new Error(`entry ${i} has an inconsistent length (${n} values)`)
    }
    counts[i] = n
    starts[i] = at
    total += n
  }
  const gathered = new Uint8Array(total * size)
  let w = 0
  for (let i = 0; i < bk.entries; i++) {
    const len = counts[i] * size
    gathered.set(bk.bytes.subarray(starts[i], starts[i] + len), w)
    w += len
  }
  return jaggedFromCounts(p.type, counts, decodeBigEndian(gathered, 0, total, p.type))
}
