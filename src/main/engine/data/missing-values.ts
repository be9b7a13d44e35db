/**
 * A sample's missing-value marker (the Kaggle H→ττ set writes −999 where a quantity is
 * undefined): when a column of the sample is read, every value equal to the marker becomes NaN.
 * This is the one place it happens, so statistics, histograms, correlations, cuts and training
 * all see the same thing — NaN, which each of them already treats as "no value".
 */
import type { Column, NumericArray } from '../../../shared/column'

/** A column with its marked values turned into NaN, and how many there were. */
export interface MarkedColumn {
  readonly column: Column
  /** Values (elements, for a jagged column) equal to the marker. */
  readonly missing: number
}

/**
 * Replaces the values equal to `marker` by NaN (null marker: the column as is). The column given
 * is never changed: a copy is made when there is something to replace, and an integer column
 * becomes float64 then (integers cannot hold NaN); its `type` stays the file's.
 */
export function markMissing(column: Column, marker: number | null): MarkedColumn {
  if (marker === null || Number.isNaN(marker)) return { column, missing: 0 }
  const v = column.values
  // A float32 column holds the marker rounded to float32 (−999.9 is −999.9000244…).
  const m = v instanceof Float32Array ? Math.fround(marker) : marker
  let missing = 0
  for (let i = 0; i < v.length; i++) if (v[i] === m) missing++
  if (!missing) return { column, missing }
  const out: NumericArray =
    v instanceof Float32Array || v instanceof Float64Array ? v.slice() : Float64Array.from(v)
  for (let i = 0; i < out.length; i++) if (out[i] === m) out[i] = NaN
  return { column: { ...column, values: out }, missing }
}
