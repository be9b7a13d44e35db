/**
 * Garwood intervals against the values of scipy.stats.chi2.ppf (lower = chi2.ppf(α/2, 2n)/2,
 * upper = chi2.ppf(1 − α/2, 2n + 2)/2, α = 1 − 0.682689492137086; scipy 1.x), the formula of
 * mplhep.error_estimation.poisson_interval.
 */
import { describe, expect, it } from 'vitest'
import { gammaP, poissonInterval } from '../../../src/main/engine/stats/poisson-interval'

describe('poissonInterval', () => {
  it('gives the known Garwood ±1σ intervals', () => {
    // n: [lo, hi] from scipy (see above); 9 digits: both sides are exact to ~1e-12.
    const known: [number, [number, number]][] = [
      [0, [0, 1.8410216450092634]],
      [1, [0.17275377902344996, 3.299526559115855]],
      [2, [0.7081854398189713, 4.637859623455245]],
      [5, [2.8403088555932205, 8.382472652146888]],
      [10, [6.891305560638357, 14.266949761009391]],
    ]
    for (const [n, [lo, hi]] of known) {
      const [l, h] = poissonInterval(n)
      expect(l).toBeCloseTo(lo, 9)
      expect(h).toBeCloseTo(hi, 9)
    }
  })

  it('P(a, x) of the exponential is 1 − e^−x', () => {
    for (const x of [0.1, 1, 3, 20]) expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 14)
  })
})
