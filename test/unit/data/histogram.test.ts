/** Weighted histogram fill: bin edges, underflow/overflow, Σw², NaN, jagged columns. */
import { describe, expect, it } from 'vitest'
import {
  createHist,
  fillColumn,
  fillHist,
  histEdges,
} from '../../../src/main/engine/data/histogram'

describe('weighted 1-D histogram', () => {
  it('puts values in [lo, hi) bins, below lo in underflow, at and above hi in overflow', () => {
    const h = createHist(4, 0, 4)
    fillHist(h, Float64Array.from([-1, 0, 0.999, 1, 3.5, 4, 1e300, Infinity, -Infinity]))
    expect([...h.sumw]).toEqual([2, 2, 1, 0, 1, 3])
    expect(h.entries).toBe(9)
    expect([...histEdges(h)]).toEqual([0, 1, 2, 3, 4])
  })

  it('sums weights and squared weights, skipping NaN values and NaN weights', () => {
    const h = createHist(2, 0, 2)
    fillHist(h, Float32Array.from([0.5, 0.5, 1.5, NaN, 1.5]), [2, 3, 0.5, 1, NaN])
    expect([...h.sumw]).toEqual([0, 5, 0.5, 0])
    expect([...h.sumw2]).toEqual([0, 13, 0.25, 0])
    expect(h.entries).toBe(3)
    expect(h.nan).toBe(2)
  })

  it('adds to what is already filled, weighted or not, in any length (groups of 4 and tail)', () => {
    const h = createHist(3, 0, 3)
    fillHist(h, Float64Array.from([0.5, 1.5, 1.5]), [2, 2, 2])
    fillHist(h, Float64Array.from([0.5, 2.5, NaN, 1.5, 0.5, -1, 9]))
    expect([...h.sumw]).toEqual([1, 4, 5, 1, 1])
    expect([...h.sumw2]).toEqual([1, 6, 9, 1, 1])
    expect(h.entries).toBe(9)
    expect(h.nan).toBe(1)
    // Same sums whether values come in groups of four or one by one.
    const xs = Float64Array.from({ length: 1003 }, (_, i) => ((i * 37) % 101) / 33 - 0.2)
    const ws = Float64Array.from({ length: 1003 }, (_, i) => (i % 7) / 3)
    const all = createHist(3, 0, 3)
    fillHist(all, xs, ws)
    const single = createHist(3, 0, 3)
    for (let i = 0; i < xs.length; i++) fillHist(single, xs.subarray(i, i + 1), [ws[i]])
    expect(all.sumw).toEqual(single.sumw)
    expect(all.sumw2).toEqual(single.sumw2)
  })

  it('keeps a value just below hi in the last bin despite rounding', () => {
    // 0.8999999999999999 is the double just below 0.9; (x − 0.2) · 7 / 0.7 rounds up to 7.
    const h = createHist(7, 0.2, 0.9)
    fillHist(h, Float64Array.from([0.8999999999999999, 0.9]))
    expect(h.sumw[7]).toBe(1)
    expect(h.sumw[8]).toBe(1)
  })

  it('fills every element of a jagged column with its event weight', () => {
    const h = createHist(2, 0, 2)
    const c = {
      kind: 'jagged' as const,
      type: 'float32' as const,
      offsets: Int32Array.from([0, 2, 2, 3]),
      values: Float32Array.from([0.5, 1.5, 1.5]),
    }
    fillColumn(h, c, [2, 100, 3])
    expect([...h.sumw]).toEqual([0, 2, 5, 0])
    expect([...h.sumw2]).toEqual([0, 4, 13, 0])
  })

  it('rejects an empty or inverted range and mismatched weights', () => {
    expect(() => createHist(0, 0, 1)).toThrow(/bins/)
    expect(() => createHist(10, 1, 1)).toThrow(/range/)
    expect(() => fillHist(createHist(1, 0, 1), new Float64Array(2), [1])).toThrow(/weights/)
  })
})
