/**
 * Loops over jagged data (a list per event: `offsets` with entries + 1 items, event i owning
 * values[offsets[i] .. offsets[i+1])): broadcasting per-event values to elements, comparing
 * layouts, reductions, indexing and masking.
 */
import type { ReductionName } from '../../../shared/expr'
import type { NumericArray } from '../../../shared/column'
import type { Operand } from './vec'

/**
 * The first event whose list lengths differ, or -1 when the layouts are the same (jagged
 * operands must come from the same collection to combine elementwise).
 */
export function firstLayoutDifference(a: Int32Array, b: Int32Array): number {
  if (a === b) return -1
  const n = Math.min(a.length, b.length) - 1
  for (let i = 0; i < n; i++) if (a[i + 1] - a[i] !== b[i + 1] - b[i]) return i
  return a.length === b.length ? -1 : n
}

/**
 * Repeats each event's value once per element of that event (per event → per element); out
 * has offsets[entries] elements.
 */
export function expand<T extends Float64Array | Uint8Array>(
  values: NumericArray,
  offsets: Int32Array,
  out: T,
): T {
  const entries = offsets.length - 1
  // A plain loop, not fill(): lists are short, and a call per event costs more than they do.
  for (let i = 0; i < entries; i++) {
    const x = values[i]
    for (let j = offsets[i]; j < offsets[i + 1]; j++) out[j] = x
  }
  return out
}

/** One number per event from each event's list (out: entries long; bytes suit Any/All). */
export function reduce<T extends Float64Array | Uint8Array>(
  name: ReductionName,
  offsets: Int32Array,
  v: NumericArray,
  out: T,
): T {
  const entries = offsets.length - 1
  for (let i = 0; i < entries; i++) {
    const lo = offsets[i]
    const hi = offsets[i + 1]
    out[i] = reduceOne(name, v, lo, hi)
  }
  return out
}

function reduceOne(name: ReductionName, v: NumericArray, lo: number, hi: number): number {
  switch (name) {
    case 'Length':
      return hi - lo
    case 'Sum': {
      let s = 0
      for (let j = lo; j < hi; j++) s += v[j]
      return s
    }
    case 'Mean': {
      let s = 0
      for (let j = lo; j < hi; j++) s += v[j]
      return hi > lo ? s / (hi - lo) : NaN
    }
    case 'Count': {
      let c = 0
      for (let j = lo; j < hi; j++) {
        const x = v[j]
        if (x !== 0 && x === x) c++
      }
      return c
    }
    case 'Any':
      for (let j = lo; j < hi; j++) {
        const x = v[j]
        if (x !== 0 && x === x) return 1
      }
      return 0
    case 'All':
      for (let j = lo; j < hi; j++) {
        const x = v[j]
        if (!(x !== 0 && x === x)) return 0
      }
      return 1
    case 'Max': {
      // Math.max semantics: NaN if any element is NaN.
      let m = hi > lo ? -Infinity : NaN
      for (let j = lo; j < hi; j++) m = Math.max(m, v[j])
      return m
    }
    case 'Min': {
      let m = hi > lo ? Infinity : NaN
      for (let j = lo; j < hi; j++) m = Math.min(m, v[j])
      return m
    }
  }
}

/**
 * Element `index` of each event's list; NaN when the index is not an integer in
 * [0, length) — so `Jet_pt[0]` is NaN for an event without jets.
 */
export function element(
  offsets: Int32Array,
  v: NumericArray,
  index: Operand,
  out: Float64Array,
): Float64Array {
  const entries = offsets.length - 1
  for (let i = 0; i < entries; i++) {
    const k = typeof index === 'number' ? index : index[i]
    const lo = offsets[i]
    out[i] = Number.isInteger(k) && k >= 0 && k < offsets[i + 1] - lo ? v[lo + k] : NaN
  }
  return out
}

/**
 * Keeps the elements whose mask byte is 1 (the mask has the same layout as the values), writing
 * the new layout into outOffsets (entries + 1) and the kept values into `alloc(count)`.
 */
export function keep<T extends Float64Array | Uint8Array>(
  offsets: Int32Array,
  v: NumericArray,
  mask: Uint8Array,
  outOffsets: Int32Array,
  alloc: (count: number) => T,
): { offsets: Int32Array; values: T } {
  const entries = offsets.length - 1
  let m = 0
  for (let j = 0; j < mask.length; j++) m += mask[j]
  const out = alloc(m)
  outOffsets[0] = 0
  let w = 0
  for (let i = 0; i < entries; i++) {
    for (let j = offsets[i]; j < offsets[i + 1]; j++) if (mask[j]) out[w++] = v[j]
    outOffsets[i + 1] = w
  }
  return { offsets: outOffsets, values: out }
}
