/**
 * Column statistics against values worked out by hand (small integers, so every figure is
 * exact in float64), and float64 accumulation where float32 would lose the sum.
 */
import { describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { columnStats } from '../../../src/main/engine/data/stats'

const flat = (v: number[]): Column => ({
  kind: 'flat',
  type: 'float64',
  values: Float64Array.from(v),
})

describe('columnStats', () => {
  it('count, nan, sum, mean, population std, min, max', () => {
    const s = columnStats(flat([2, 4, 4, 4, 5, 5, 7, 9, NaN]))
    expect(s).toEqual({ count: 9, nan: 1, sum: 40, mean: 5, std: 2, min: 2, max: 9 })
  })

  it('covers every element of a jagged column; weights apply per event', () => {
    // events: [1, 3], [], [5]; weights 1, 7, 2 → Σw over elements = 1 + 1 + 2 = 4
    const c: Column = {
      kind: 'jagged',
      type: 'float32',
      offsets: Int32Array.from([0, 2, 2, 3]),
      values: Float32Array.from([1, 3, 5]),
    }
    const s = columnStats(c, [1, 7, 2])
    expect(s).toMatchObject({ count: 3, nan: 0, sum: 9, mean: 3, min: 1, max: 5 })
    // weighted mean (1 + 3 + 10) / 4 = 3.5; variance (6.25 + 0.25 + 2 × 2.25) / 4 = 2.75
    expect(s.weighted?.sumw).toBe(4)
    expect(s.weighted?.sumw2).toBe(6)
    expect(s.weighted?.mean).toBe(3.5)
    expect(s.weighted?.std).toBeCloseTo(Math.sqrt(2.75), 15)
    expect(s.weighted?.effectiveEntries).toBeCloseTo(16 / 6, 15)
  })

  it('accumulates float32 columns in float64', () => {
    // 10^6 × 0.1f: a float32 accumulator drifts by ~1%, float64 stays within 1e-9 relative.
    const c: Column = { kind: 'flat', type: 'float32', values: new Float32Array(1e6).fill(0.1) }
    expect(columnStats(c).sum / (1e6 * Math.fround(0.1)) - 1).toBeLessThan(1e-9)
  })

  it('keeps a small spread precise around a large mean', () => {
    const s = columnStats(flat([1e9 + 1, 1e9 + 2, 1e9 + 3]))
    expect(s.std).toBeCloseTo(Math.sqrt(2 / 3), 9)
  })

  it('reports NaN figures for an empty or all-NaN column, and checks weight length', () => {
    expect(columnStats(flat([]))).toMatchObject({ count: 0, nan: 0, mean: NaN, min: NaN })
    expect(columnStats(flat([NaN])).max).toBeNaN()
    expect(() => columnStats(flat([1, 2]), [1])).toThrow(/weights have 1 entries/)
  })
})
