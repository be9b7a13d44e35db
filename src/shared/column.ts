/**
 * Columnar event data. A column holds one value per event (flat) or a variable number of
 * values per event (jagged: `offsets` has entries + 1 elements, event i owns
 * `values[offsets[i] .. offsets[i+1])`). Fixed-size arrays (`x[4]`) are jagged with regular
 * offsets. Values keep the file's numeric type where it fits a typed array; 64-bit integers are
 * widened to float64 (exact up to 2^53).
 */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array

import type { ColumnType } from './column-type'

/** Element type as stored in the source file (for `inspect`). */
export type { ColumnType }

export interface FlatColumn {
  readonly kind: 'flat'
  readonly type: ColumnType
  readonly values: NumericArray
}

export interface JaggedColumn {
  readonly kind: 'jagged'
  readonly type: ColumnType
  /** Length entries + 1, offsets[0] = 0, non-decreasing. */
  readonly offsets: Int32Array
  readonly values: NumericArray
}

export type Column = FlatColumn | JaggedColumn

/** Number of events a column describes. */
export function columnEntries(c: Column): number {
  return c.kind === 'flat' ? c.values.length : c.offsets.length - 1
}

/** Bytes held by a column's arrays (for the memory display). */
export function columnBytes(c: Column): number {
  return c.kind === 'flat' ? c.values.byteLength : c.values.byteLength + c.offsets.byteLength
}

/** A typed array of `parts` end to end, in the array `make(total length)` gives. */
export function concatTyped<T extends { readonly length: number; set(a: T, at: number): void }>(
  parts: readonly T[],
  make: (n: number) => T,
): T {
  const out = make(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
