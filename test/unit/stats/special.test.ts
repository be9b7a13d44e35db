/** Special functions against scipy.special / scipy.stats (values printed with repr). */
import { describe, expect, it } from 'vitest'
import {
  erfc,
  erfcx,
  lgamma,
  logNormalCdf,
  logNormalInterval,
  logNormalSf,
  normalCdf,
  normalQuantile,
  normalSf,
  normalSfInverseLog,
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

  // References from mpmath 1.3.0 at 50 digits (Q(z) = erfc(z/√2)/2, erfcx = e^{x²} erfc(x)).
  it('erfcx to 1e-13 relative, where erfc underflows too', () => {
    const ref: [number, number][] = [
      [-3, 16205.988853999586],
      [0.5, 0.6156903441929259],
      [1.9, 0.26650937366167265],
      [5, 0.11070463773306863],
      [30, 0.01879588886141675],
      [1e5, 5.6418958351954685e-6],
    ]
    for (const [x, v] of ref) expect(Math.abs(erfcx(x) - v) / v, `x = ${x}`).toBeLessThan(1e-13)
  })

  it('log normal tail and interval probabilities in both tails, beyond underflow', () => {
    const sf: [number, number][] = [
      [-5, -2.866516129637636e-7],
      [-1, -0.17275377902344988],
      [1, -1.8410216450092636],
      [10, -53.23128515051247],
      [40, -804.6084420137538], // 1 − Φ(40) ≈ 10⁻³⁵⁰ underflows
      [1000, -500007.82669481216],
    ]
    for (const [z, v] of sf) {
      expect(Math.abs(logNormalSf(z) - v) / Math.abs(v), `z = ${z}`).toBeLessThan(1e-13)
      expect(logNormalCdf(-z)).toBe(logNormalSf(z))
    }
    const interval: [number, number, number][] = [
      [-0.1, 0.1, -2.5300420015472382],
      [5, 6, -15.068446096529453],
      [-101, -100, -5005.524208694205],
      [30, 30.0067, -456.0234105856377],
    ]
    for (const [l, u, v] of interval)
      expect(Math.abs(logNormalInterval(l, u) - v) / Math.abs(v), `[${l}, ${u}]`).toBeLessThan(
        1e-12,
      )
    expect(logNormalInterval(1, 1)).toBe(-Infinity)
  })

  it('inverts the log tail probability, also where e^logq underflows', () => {
    for (const logq of [-1e-10, -0.1, -0.7, -5, -100, -699, -701, -1000, -1e5]) {
      const z = normalSfInverseLog(logq)
      expect(Math.abs(logNormalSf(z) - logq), `log q = ${logq}`).toBeLessThan(
        1e-12 * Math.max(1, -logq),
      )
    }
    expect(normalSfInverseLog(Math.log(0.05))).toBeCloseTo(1.6448536269514722, 13)
  })
})
