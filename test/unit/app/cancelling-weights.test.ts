/**
 * Parts whose weights cancel (Σw = 0: NLO weights ±w, a partition holding one event of each)
 * still count in the merged weighted mean, spread and correlation: merging parts gives the
 * figures of the whole (to 1e-12 relative) wherever the cuts fall. Before, such a part's
 * values were dropped (statistics) or turned the means into NaN (correlation).
 */
import { describe, expect, it } from 'vitest'
import {
  finishStatistics,
  mergeStatistics,
  partialStatistics,
} from '../../../src/main/engine/app/statistics'
import {
  correlationPart,
  finishCorrelation,
  mergeCorrelation,
} from '../../../src/main/engine/data/correlation'
import type { Column } from '../../../src/shared/column'
import { expectSameUpToRounding } from './compare'

const x = Float64Array.from([3, 7, 1.5, 4, 10, 2, 8, 5])
const y = Float64Array.from([1, 2, 0.5, 3, 7, 1, 4, 2])
const w = Float64Array.from([1, -1, 2, 0.5, 1.5, -1.5, 1, 2])
const flat = (v: Float64Array): Column => ({ kind: 'flat', type: 'float64', values: v })
/** Cuts after events 2 and 6: parts [0, 2) and [4, 6) have Σw = 0. */
const CUTS = [
  [0, 2],
  [2, 4],
  [4, 6],
  [6, 8],
]

describe('parts whose weights cancel', () => {
  it('statistics: the weighted mean and std of the whole', () => {
    const whole = finishStatistics(partialStatistics(flat(x), w))
    const parts = CUTS.map(([a, b]) => partialStatistics(flat(x.subarray(a, b)), w.subarray(a, b)))
    expect(parts[0].weighted.n).toBe(0)
    expectSameUpToRounding(whole, finishStatistics(parts.reduce(mergeStatistics)))
    // The first two parts alone: Σw = 0 in each, and a mean once the second adds weight.
    const firstThree = finishStatistics(parts.slice(0, 3).reduce(mergeStatistics))
    const direct = finishStatistics(partialStatistics(flat(x.subarray(0, 6)), w.subarray(0, 6)))
    expectSameUpToRounding(direct, firstThree)
  })

  it('correlation: the matrix of the whole', () => {
    const whole = finishCorrelation(correlationPart([x, y], w))
    const parts = CUTS.map(([a, b]) =>
      correlationPart([x.subarray(a, b), y.subarray(a, b)], w.subarray(a, b)),
    )
    expect(parts[0].sumw).toBe(0)
    const merged = finishCorrelation(parts.reduce(mergeCorrelation))
    expect(merged.matrix[0][1]).not.toBeNull()
    expectSameUpToRounding(whole, merged)
  })
})
