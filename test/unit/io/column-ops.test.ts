/** Concatenating and slicing columns (the chain of a sample, entry ranges). */
import { describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { columnBytes, columnEntries } from '../../../src/shared/column'
import {
  concatColumns,
  emptyColumn,
  jaggedFromCounts,
  regularJagged,
  sliceColumn,
} from '../../../src/main/engine/io/column-ops'

const jag = (counts: number[], values: number[]): Column =>
  jaggedFromCounts('float32', counts, Float32Array.from(values))

describe('column operations', () => {
  it('concatenates jagged columns, rebasing offsets', () => {
    const c = concatColumns([jag([2, 0], [1, 2]), jag([1], [3]), emptyColumn('float32', true)])
    expect(c.kind === 'jagged' && [...c.offsets]).toEqual([0, 2, 2, 3])
    expect([...c.values]).toEqual([1, 2, 3])
    expect(columnEntries(c)).toBe(3)
    expect(columnBytes(c)).toBe(3 * 4 + 4 * 4)
  })

  it('concatenates flat columns and refuses mixed types', () => {
    const a: Column = { kind: 'flat', type: 'int32', values: Int32Array.from([1, 2]) }
    const b: Column = { kind: 'flat', type: 'int32', values: Int32Array.from([3]) }
    expect([...concatColumns([a, b]).values]).toEqual([1, 2, 3])
    expect(() => concatColumns([a, jag([1], [1])])).toThrow(/cannot concatenate/)
  })

  it('slices entries of flat and jagged columns', () => {
    const c = jag([2, 0, 1, 3], [1, 2, 3, 4, 5, 6])
    const s = sliceColumn(c, 1, 3)
    expect(s.kind === 'jagged' && [...s.offsets]).toEqual([0, 0, 1])
    expect([...s.values]).toEqual([3])
    const r = regularJagged('int32', Int32Array.from([1, 2, 3, 4, 5, 6]), 3)
    expect(r.kind === 'jagged' && [...r.offsets]).toEqual([0, 3, 6])
  })
})
