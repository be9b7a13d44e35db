/** The weighted correlation matrix's rule for constant variables (null, the diagonal included). */
import { describe, expect, it } from 'vitest'
import { weightedCorrelation } from '../../../src/main/engine/data/correlation'

describe('weightedCorrelation', () => {
  it('gives null for a constant variable, its diagonal included, and 1 on the other diagonal', () => {
    // A constant 0.1 with uneven weights: Σw·0.1 / Σw is not exactly 0.1, so the variance
    // formed from the mean is a rounding residue above 0 (the diagonal was 1 before).
    const n = 1000
    const c = new Float64Array(n).fill(0.1)
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i))
    const w = Float64Array.from({ length: n }, (_, i) => 0.3 + (i % 7) * 0.11)
    const { matrix, events } = weightedCorrelation([c, x], w)
    expect(events).toBe(n)
    expect(matrix).toEqual([
      [null, null],
      [null, 1],
    ])
  })

  it('decides constancy on the events counted (complete cases)', () => {
    // Varies only where the other variable is NaN: constant over the events that count.
    const a = Float64Array.from([0.7, 0.7, 0.7, 5])
    const b = Float64Array.from([1, 2, 3, NaN])
    const { matrix } = weightedCorrelation([a, b], [1, 1, 1, 1])
    expect(matrix[0][0]).toBeNull()
    expect(matrix[1][1]).toBe(1)
  })
})
