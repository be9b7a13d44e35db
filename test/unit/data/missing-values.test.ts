/**
 * markMissing: the one place a sample's missing-value marker becomes NaN. Float32 columns hold
 * the marker rounded to float32, integer columns widen to float64 (they cannot hold NaN), jagged
 * columns keep their offsets, and the column given is never changed (it may be the cache's).
 */
import { describe, expect, it } from 'vitest'
import { markMissing } from '../../../src/main/engine/data/missing-values'
import type { Column } from '../../../src/shared/column'

describe('markMissing', () => {
  it('turns the marker into NaN in a float64 column and counts it, leaving the input alone', () => {
    const values = Float64Array.from([1, -999, 3, -999])
    const c: Column = { kind: 'flat', type: 'float64', values }
    const r = markMissing(c, -999)
    expect(r.missing).toBe(2)
    expect(Array.from(r.column.values)).toEqual([1, NaN, 3, NaN])
    expect(Array.from(values)).toEqual([1, -999, 3, -999])
  })

  it('compares a float32 column with the marker rounded to float32', () => {
    const c: Column = { kind: 'flat', type: 'float32', values: Float32Array.from([-999.9, 2]) }
    const r = markMissing(c, -999.9)
    expect(r.missing).toBe(1)
    expect(r.column.values).toBeInstanceOf(Float32Array)
    expect(Number.isNaN(r.column.values[0])).toBe(true)
  })

  it('widens an integer column that holds the marker; keeps one that does not', () => {
    const c: Column = { kind: 'flat', type: 'int32', values: Int32Array.from([-1, 4, -1]) }
    const r = markMissing(c, -1)
    expect(r.column.values).toBeInstanceOf(Float64Array)
    expect(r.column.type).toBe('int32')
    expect(Array.from(r.column.values)).toEqual([NaN, 4, NaN])
    expect(markMissing(c, -999).column).toBe(c)
    expect(markMissing(c, null)).toEqual({ column: c, missing: 0 })
  })

  it('keeps the offsets of a jagged column', () => {
    const offsets = Int32Array.from([0, 2, 3])
    const c: Column = {
      kind: 'jagged',
      type: 'float64',
      offsets,
      values: Float64Array.from([5, -999, -999]),
    }
    const r = markMissing(c, -999)
    expect(r.missing).toBe(2)
    expect(r.column.kind === 'jagged' && r.column.offsets).toBe(offsets)
  })
})
