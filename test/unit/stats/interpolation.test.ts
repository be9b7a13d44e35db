/** Interpolation codes against their closed forms (pyhf.interpolators, ROOT PiecewiseInterpolation). */
import { describe, expect, it } from 'vitest'
import {
  code4Coefficients,
  histosysDelta,
  histosysWeights,
  normsysDerivative,
  normsysFactor,
  parseInterpolationCodes,
} from '../../../src/main/engine/stats/interpolation'

const lo = 0.8
const hi = 1.3

describe('normsys', () => {
  it('code1 is hi^α above 0 and lo^(−α) below', () => {
    for (const a of [-3, -1, -0.4, 0, 0.2, 1, 2.5]) {
      const want = a >= 0 ? hi ** a : lo ** -a
      expect(normsysFactor('code1', a, lo, hi)).toBeCloseTo(want, 14)
    }
  })

  it('code4 equals the exponential branches for |α| ≥ 1 and 1 at α = 0', () => {
    expect(normsysFactor('code4', 0, lo, hi)).toBe(1)
    for (const a of [1, 1.7, 4]) expect(normsysFactor('code4', a, lo, hi)).toBeCloseTo(hi ** a, 14)
    for (const a of [-1, -2.2]) expect(normsysFactor('code4', a, lo, hi)).toBeCloseTo(lo ** -a, 14)
  })

  it('code4 polynomial matches value, first and second derivative of the exponentials at ±1 (pyhf’s defining conditions)', () => {
    const a = code4Coefficients(lo, hi)
    const poly = (x: number): number => 1 + a.reduce((s, c, i) => s + c * x ** (i + 1), 0)
    const d1 = (x: number): number => a.reduce((s, c, i) => s + (i + 1) * c * x ** i, 0)
    const d2 = (x: number): number =>
      a.reduce((s, c, i) => s + (i + 1) * i * c * (i > 0 ? x ** (i - 1) : 0), 0)
    const L = Math.log(hi)
    const M = Math.log(lo)
    expect(poly(1)).toBeCloseTo(hi, 13)
    expect(poly(-1)).toBeCloseTo(lo, 13)
    expect(d1(1)).toBeCloseTo(hi * L, 12)
    expect(d1(-1)).toBeCloseTo(-lo * M, 12)
    expect(d2(1)).toBeCloseTo(hi * L * L, 12)
    expect(d2(-1)).toBeCloseTo(lo * M * M, 12)
  })

  it('derivatives equal finite differences everywhere', () => {
    for (const code of ['code1', 'code4'] as const) {
      for (const a of [-2, -0.99, -0.3, 0.1, 0.6, 1.4]) {
        const h = 1e-6
        const fd =
          (normsysFactor(code, a + h, lo, hi) - normsysFactor(code, a - h, lo, hi)) / (2 * h)
        expect(normsysDerivative(code, a, lo, hi)).toBeCloseTo(fd, 8)
      }
    }
  })
})

describe('histosys', () => {
  const [l, n, h] = [7, 10, 14]
  it('code0 is piecewise linear', () => {
    expect(histosysDelta('code0', 0.5, l, n, h)).toBeCloseTo(0.5 * (h - n), 14)
    expect(histosysDelta('code0', -2, l, n, h)).toBeCloseTo(-2 * (n - l), 14)
  })

  it('code4p: linear outside |α| > 1, pyhf’s polynomial inside, smooth at ±1', () => {
    const S = 0.5 * (h - n + (n - l))
    const A = 0.0625 * (h - n - (n - l))
    for (const a of [-0.7, -0.1, 0.3, 0.9]) {
      const want = a * (S + a * A * (15 + a * a * (-10 + a * a * 3)))
      expect(histosysDelta('code4p', a, l, n, h)).toBeCloseTo(want, 13)
    }
    expect(histosysDelta('code4p', 2, l, n, h)).toBeCloseTo(2 * (h - n), 13)
    expect(histosysDelta('code4p', -3, l, n, h)).toBeCloseTo(-3 * (n - l), 13)
    for (const edge of [1, -1]) {
      const e = 1e-9
      expect(histosysDelta('code4p', edge + e, l, n, h)).toBeCloseTo(
        histosysDelta('code4p', edge - e, l, n, h),
        7,
      )
    }
  })

  it('code2 (ROOT): quadratic inside, continuous linear outside', () => {
    const a2 = 0.5 * (h + l) - n
    const b2 = 0.5 * (h - l)
    expect(histosysDelta('code2', 0.4, l, n, h)).toBeCloseTo(a2 * 0.16 + b2 * 0.4, 13)
    expect(histosysDelta('code2', 1, l, n, h)).toBeCloseTo(h - n, 13)
    expect(histosysDelta('code2', -1, l, n, h)).toBeCloseTo(l - n, 13)
    expect(histosysDelta('code2', 2, l, n, h)).toBeCloseTo(h - n + (b2 + 2 * a2), 13)
  })

  it('weight derivatives equal finite differences', () => {
    const w = new Float64Array(4)
    const wp = new Float64Array(4)
    const wm = new Float64Array(4)
    for (const code of ['code0', 'code2', 'code4p'] as const) {
      for (const a of [-1.5, -0.5, 0.25, 0.8, 1.2]) {
        histosysWeights(code, a, w)
        histosysWeights(code, a + 1e-6, wp)
        histosysWeights(code, a - 1e-6, wm)
        expect(w[2]).toBeCloseTo((wp[0] - wm[0]) / 2e-6, 6)
        expect(w[3]).toBeCloseTo((wp[1] - wm[1]) / 2e-6, 6)
      }
    }
  })
})

describe('parseInterpolationCodes', () => {
  it('defaults to pyhf’s and reads ROOT’s', () => {
    expect(parseInterpolationCodes(undefined)).toEqual({ normsys: 'code4', histosys: 'code4p' })
    expect(parseInterpolationCodes('normsys=code1,histosys=code0')).toEqual({
      normsys: 'code1',
      histosys: 'code0',
    })
    expect(() => parseInterpolationCodes('normsys=code9')).toThrow(/bad interpolation setting/)
  })
})
