/**
 * Vec: the value of one expression node for every event of a batch, as the compiled closures
 * pass it around. A constant stays one number (broadcast by the loops, never materialised);
 * booleans are Uint8Array 0/1 with `bool` set, so logical operators and masks use them as is.
 * A Vec is never written to during the evaluation that made it, so Vecs may share arrays with
 * each other and with input columns; arrays from scratch buffers are overwritten by the next
 * evaluation of the same compiled tree (results handed out are copied first).
 */
import type { NumericArray } from '../../../shared/column'

export interface ConstVec {
  readonly kind: 'const'
  readonly value: number
}

export interface FlatVec {
  readonly kind: 'flat'
  /** One value per event. */
  readonly values: NumericArray
  /** Values are exactly 0/1 in a Uint8Array. */
  readonly bool: boolean
}

export interface JaggedVec {
  readonly kind: 'jagged'
  /** entries + 1 offsets, offsets[0] = 0, offsets[entries] = values.length. */
  readonly offsets: Int32Array
  readonly values: NumericArray
  readonly bool: boolean
}

export type Vec = ConstVec | FlatVec | JaggedVec

/** A loop operand: an array with one value per loop index, or a number broadcast to all. */
export type Operand = NumericArray | number

export function constVec(value: number): ConstVec {
  return { kind: 'const', value }
}

/** Wraps loop output as flat (offsets null) or jagged. */
export function vecOf(values: NumericArray, offsets: Int32Array | null, bool = false): Vec {
  return offsets ? { kind: 'jagged', offsets, values, bool } : { kind: 'flat', values, bool }
}

/** The 0/1 array of a boolean Vec, or undefined if the Vec is not known to be 0/1. */
export function boolValues(v: Vec): Uint8Array | undefined {
  return v.kind !== 'const' && v.bool && v.values instanceof Uint8Array ? v.values : undefined
}
