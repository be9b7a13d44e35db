/**
 * Some events of a batch as a batch of their own, copied: once most events of a batch have
 * failed a region's cuts, the remaining cuts run over the survivors only instead of over every
 * event (after a few cuts typically 10–30 % are left, so the later cuts cost that much).
 */
import type { Column, NumericArray } from '../../../shared/column'
import type { ColumnProvider } from './provider'

/** Positions i (ascending) where stage[i] === k, of which there are `count`. */
export function positionsAt(stage: Uint8Array, k: number, count: number): Int32Array {
  // Every candidate position is written and the cursor moves only past matches (branch-free:
  // pass/fail patterns are unpredictable), so `out` has room for 4 writes past the last match.
  const out = new Int32Array(count + 4)
  let j = 0
  let from = 0
  if (stage.byteOffset % 4 === 0) {
    // Four stages per 32-bit word; a word without a byte equal to k is skipped at once (the
    // classic zero-byte test on word XOR k; its rare false positives are checked byte by byte).
    const words = stage.length >> 2
    const s32 = new Uint32Array(stage.buffer, stage.byteOffset, words)
    const kk = Math.imul(k, 0x01010101)
    for (let w = 0; w < words; w++) {
      const x = s32[w] ^ kk
      if (((x - 0x01010101) & ~x & 0x80808080) === 0) continue
      const i = w << 2
      out[j] = i
      j += +(stage[i] === k)
      out[j] = i + 1
      j += +(stage[i + 1] === k)
      out[j] = i + 2
      j += +(stage[i + 2] === k)
      out[j] = i + 3
      j += +(stage[i + 3] === k)
    }
    from = words << 2
  }
  for (let i = from; i < stage.length; i++) {
    out[j] = i
    j += +(stage[i] === k)
  }
  if (j !== count) throw new RangeError(`expected ${count} events at stage ${k}, found ${j}`)
  return out.subarray(0, count)
}

/**
 * The events `index` (ascending positions in `data`) as a provider; each column is gathered
 * when first asked for.
 */
export function gatherProvider(data: ColumnProvider, index: Int32Array): ColumnProvider {
  const gathered = new Map<string, Column>()
  return {
    entries: index.length,
    symbols: data.symbols,
    column(name) {
      let c = gathered.get(name)
      if (!c) {
        c = gatherColumn(data.column(name), index)
        gathered.set(name, c)
      }
      return c
    },
  }
}

/** Events `index` of a column, in that order. */
export function gatherColumn(c: Column, index: Int32Array): Column {
  const m = index.length
  if (c.kind === 'flat')
    return { kind: 'flat', type: c.type, values: gatherValues(c.values, index) }
  const offsets = new Int32Array(m + 1)
  for (let j = 0; j < m; j++) {
    const e = index[j]
    offsets[j + 1] = offsets[j] + c.offsets[e + 1] - c.offsets[e]
  }
  const values = sameType(c.values, offsets[m])
  // A plain loop, not set(subarray): lists are short, and a view per event costs more.
  for (let j = 0; j < m; j++) {
    const e = index[j]
    let w = offsets[j]
    for (let x = c.offsets[e]; x < c.offsets[e + 1]; x++) values[w++] = c.values[x]
  }
  return { kind: 'jagged', type: c.type, offsets, values }
}

/**
 * values[index[j]] for every j, in an array of the same element type. One loop per common
 * element type: a loop that meets a single array type is compiled for it (several times
 * faster than one loop shared by Float32Array, Float64Array and Int32Array columns).
 */
function gatherValues(values: NumericArray, index: Int32Array): NumericArray {
  const m = index.length
  if (values instanceof Float32Array) {
    const out = new Float32Array(m)
    for (let j = 0; j < m; j++) out[j] = values[index[j]]
    return out
  }
  if (values instanceof Float64Array) {
    const out = new Float64Array(m)
    for (let j = 0; j < m; j++) out[j] = values[index[j]]
    return out
  }
  if (values instanceof Int32Array) {
    const out = new Int32Array(m)
    for (let j = 0; j < m; j++) out[j] = values[index[j]]
    return out
  }
  const out = sameType(values, m)
  for (let j = 0; j < m; j++) out[j] = values[index[j]]
  return out
}

/**
 * A new array of the same element type: the compiled loops then keep seeing the element types
 * they were optimised for (V8 re-optimises a loop that meets a new array type).
 */
function sameType(like: NumericArray, length: number): NumericArray {
  const Ctor = like.constructor as new (length: number) => NumericArray
  return new Ctor(length)
}
