/** Special functions against scipy.special / scipy.stats (values printed with repr). */
import { describe, expect, it } from 'vitest'
import {
  erfc,
  lgamma,
  normalCdf,
  normalQuantile,
  normalSf,
} from '../../../src/main/engine/stats/special'

describe('special functions', () => {
  it('erfc to 1e-13 relative, deep in the tail too', () => {
    const ref: [number, number][] = [
      [0.1, 0.8875370839817152],
      [1, 0.15729920705028516],
      [1.9, 0.007209570764742531],
      [2.1, 0.0029794666563329845],
      [5, 1.5374597944280347e-12],
      [8, 1.1224297172982928e-29],
      [-1.5, 1.9661051464753108],
    ]
    for (const [x, v] of ref) expect(Math.abs(erfc(x) - v) / v).toBeLessThan(1e-13)
  })

  it('lgamma to 1e-14 (Poisson constants for non-integer counts)', () => {
    const ref: [number, number][] = [
      [5.5, 3.9578139676187165],
      [11, 15.104412573075516],
      [101, 363.73937555556347],
      [0.3, 1.0957979948180756],
    ]
    for (const [x, v] of ref) expect(Math.abs(lgamma(x) - v)).toBeLessThan(1e-13 * Math.max(1, v))
    expect(Math.abs(lgamma(1))).toBeLessThan(1e-14)
  })

  it('normal CDF, survival and quantile', () => {
    expect(normalCdf(0)).toBe(0.5)
    expect(normalSf(1.6448536269514722)).toBeCloseTo(0.05, 15)
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12)
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 12)
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 12)
  })
})
