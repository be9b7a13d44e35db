import {
  concatTyped,
  type Column,
  type ColumnType,
  type JaggedColumn,
  type NumericArray,
} from '../../../shared/column'

/**
 * Allocates the typed array that holds `n` values of `type` (64-bit integers widen to float64,
 * bool is one byte 0/1), as documented in shared/column.ts.
 */
export function allocValues(type: ColumnType, n: number): NumericArray {
  switch (type) {
    case 'float64':
    case 'int64':
    case 'uint64':
      return new Float64Array(n)
    case 'float32':
      return new Float32Array(n)
    case 'int32':
      return new Int32Array(n)
    case 'uint32':
      return new Uint32Array(n)
    case 'int16':
      return new Int16Array(n)
    case 'uint16':
      return new Uint16Array(n)
    case 'int8':
      return new Int8Array(n)
    case 'uint8':
    case 'bool':
      return new Uint8Array(n)
  }
}

/** Empty column of a type (0 entries). */
export function emptyColumn(type: ColumnType, jagged: boolean): Column {
  const values = allocValues(type, 0)
  return jagged
    ? { kind: 'jagged', type, offsets: new Int32Array(1), values }
    : { kind: 'flat', type, values }
}

/** Jagged column whose every event holds `width` values (a fixed-size array branch). */
export function regularJagged(type: ColumnType, values: NumericArray, width: number): JaggedColumn {
  const n = width > 0 ? Math.floor(values.length / width) : 0
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i <= n; i++) offsets[i] = i * width
  return { kind: 'jagged', type, offsets, values }
}

/** Jagged column from per-event counts (entries) and the concatenated values. */
export function jaggedFromCounts(
  type: ColumnType,
  counts: ArrayLike<number>,
  values: NumericArray,
): JaggedColumn {
  const offsets = new Int32Array(counts.length + 1)
  for (let i = 0; i < counts.length; i++) offsets[i + 1] = offsets[i] + counts[i]
  return { kind: 'jagged', type, offsets, values }
}

/**
 * Concatenates columns of one kind and type end to end (the files of a sample, the baskets of a
 * branch, the row groups of a Parquet file). One column is returned as is, without copying.
 */
export function concatColumns(parts: readonly Column[]): Column {
  if (parts.length === 0) throw new Error('concatColumns: nothing to concatenate')
  if (parts.length === 1) return parts[0]
  const first = parts[0]
  let nValues = 0
  for (const p of parts) {
    if (p.kind !== first.kind || p.type !== first.type) {
      throw new Error(`cannot concatenate ${first.kind} ${first.type} with ${p.kind} ${p.type}`)
    }
    nValues += p.values.length
  }
  const values = concatTyped(
    parts.map((p) => p.values),
    () => allocValues(first.type, nValues),
  )
  if (first.kind === 'flat') return { kind: 'flat', type: first.type, values }
  let nEntries = 0
  for (const p of parts) nEntries += (p as JaggedColumn).offsets.length - 1
  const offsets = new Int32Array(nEntries + 1)
  let e = 0
  let base = 0
  for (const p of parts) {
    const o = (p as JaggedColumn).offsets
    for (let i = 1; i < o.length; i++) offsets[++e] = base + o[i]
    base += o[o.length - 1]
  }
  return { kind: 'jagged', type: first.type, offsets, values }
}

/** Entries [start, stop) of a column (views where possible, offsets rebased for jagged). */
export function sliceColumn(c: Column, start: number, stop: number): Column {
  if (c.kind === 'flat')
    return { kind: 'flat', type: c.type, values: c.values.subarray(start, stop) }
  const lo = c.offsets[start]
  const hi = c.offsets[stop]
  const offsets = new Int32Array(stop - start + 1)
  for (let i = 0; i < offsets.length; i++) offsets[i] = c.offsets[start + i] - lo
  return { kind: 'jagged', type: c.type, offsets, values: c.values.subarray(lo, hi) }
}

/**
 * Growable float64 buffer for readers that do not know the final length (CSV rows, per-event
 * lists); doubles its capacity, so appending n values costs O(n).
 */
export class Float64Builder {
  private buf: Float64Array
  length = 0

  constructor(capacity = 1024) {
    this.buf = new Float64Array(Math.max(16, capacity))
  }

  push(x: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2)
      next.set(this.buf)
      this.buf = next
    }
    this.buf[this.length++] = x
  }

  /** The values pushed so far, trimmed (copies). */
  finish(): Float64Array {
    return this.buf.slice(0, this.length)
  }
}
