/**
 * The interpolation code modules against pyhf's formulas (pyhf.interpolators code0, code1,
 * code2, code4, code4p, written out here independently; code4's coefficients solved here from
 * its defining conditions), their first and second derivatives against central finite
 * differences, and the registry the model and likelihood take them from.
 */
import { describe, expect, it } from 'vitest'
import {
  histosysCode,
  normsysCode,
  parseInterpolationCodes,
} from '../../../../src/main/engine/stats/interpolation'
import * as code0 from '../../../../src/main/engine/stats/interpolation/code0'
import * as code1 from '../../../../src/main/engine/stats/interpolation/code1'
import * as code2 from '../../../../src/main/engine/stats/interpolation/code2'
import * as code4 from '../../../../src/main/engine/stats/interpolation/code4'
import * as code4p from '../../../../src/main/engine/stats/interpolation/code4p'

const lo = 0.8
const hi = 1.3
// histosys templates of one bin: down, nominal, up (events)
const [l, n, h] = [7, 10, 14]
const U = h - n
const D = n - l

/** pyhf's _slow_code0/1/2/4p(down, nom, up, α), as published. */
const pyhf = {
  code0: (a: number): number => (a > 0 ? (h - n) * a : (n - l) * a),
  code1: (a: number): number => (a >= 0 ? hi ** a : lo ** -a),
  code2: (a: number): number => {
    const qa = 0.5 * (h + l) - n
    const qb = 0.5 * (h - l)
    if (a > 1) return (qb + 2 * qa) * (a - 1)
    if (a < -1) return (qb - 2 * qa) * (a + 1)
    return qa * a * a + qb * a
  },
  code4p: (a: number): number => {
    if (a > 1) return (h - n) * a
    if (a < -1) return (n - l) * a
    const S = 0.5 * (h - n + (n - l))
    const A = 0.0625 * (h - n - (n - l))
    return a * S + a * a * (a * a * (a * a * 3 - 10) + 15) * A
  },
}

/** Solves the 6×6 system of code4's conditions at ±1 by Gaussian elimination. */
function code4CoefficientsBySolving(): number[] {
  const L = Math.log(hi)
  const M = Math.log(lo)
  const rows: number[][] = []
  const rhs = [hi - 1, lo - 1, hi * L, -lo * M, hi * L * L, lo * M * M]
  for (const x of [1, -1]) rows.push([1, 2, 3, 4, 5, 6].map((i) => x ** i))
  for (const x of [1, -1]) rows.push([1, 2, 3, 4, 5, 6].map((i) => i * x ** (i - 1)))
  for (const x of [1, -1]) rows.push([1, 2, 3, 4, 5, 6].map((i) => i * (i - 1) * x ** (i - 2)))
  const A = [rows[0], rows[1], rows[2], rows[3], rows[4], rows[5]].map((r, i) => [...r, rhs[i]])
  for (let c = 0; c < 6; c++) {
    let piv = c
    for (let r = c + 1; r < 6; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r
    ;[A[c], A[piv]] = [A[piv], A[c]]
    for (let r = 0; r < 6; r++) {
      if (r === c) continue
      const f = A[r][c] / A[c][c]
      for (let k = c; k < 7; k++) A[r][k] -= f * A[c][k]
    }
  }
  return A.map((r, i) => r[6] / r[i])
}

/** Central finite difference of f at a. */
const fd = (f: (a: number) => number, a: number, e = 1e-5): number =>
  (f(a + e) - f(a - e)) / (2 * e)

// Points away from the kinks (0 for code0/code1, ±1 for code2/code4p) where derivatives exist.
const POINTS = [-2.5, -1.4, -0.7, -0.3, 0.2, 0.55, 0.9, 1.3, 3]

describe('normsys code1 (piecewise exponential)', () => {
  const p = code1.prepare(lo, hi)
  it('is pyhf’s hi^α above 0 and lo^(−α) below', () => {
    for (const a of [-3, -1, -0.4, 0, 0.2, 1, 2.5]) {
      expect(code1.value(a, p)).toBeCloseTo(pyhf.code1(a), 14)
    }
  })
  it('d1 and d2 equal central differences', () => {
    for (const a of POINTS) {
      expect(code1.d1(a, p)).toBeCloseTo(
        fd((x) => code1.value(x, p), a),
        8,
      )
      expect(code1.d2(a, p)).toBeCloseTo(
        fd((x) => code1.d1(x, p), a),
        8,
      )
    }
  })
})

describe('normsys code4 (polynomial inside, exponential outside)', () => {
  const p = code4.prepare(lo, hi)
  it('equals the exponential branches for |α| ≥ 1 and 1 at α = 0', () => {
    expect(code4.value(0, p)).toBe(1)
    for (const a of [1, 1.7, 4]) expect(code4.value(a, p)).toBeCloseTo(hi ** a, 14)
    for (const a of [-1, -2.2]) expect(code4.value(a, p)).toBeCloseTo(lo ** -a, 14)
  })
  it('its coefficients solve pyhf’s defining conditions (value, slope, curvature at ±1)', () => {
    const want = code4CoefficientsBySolving()
    for (let i = 0; i < 6; i++) expect(p[2 + i]).toBeCloseTo(want[i], 12)
    const poly = (x: number): number => 1 + want.reduce((s, c, i) => s + c * x ** (i + 1), 0)
    for (const a of [-0.9, -0.5, 0.1, 0.75]) expect(code4.value(a, p)).toBeCloseTo(poly(a), 13)
  })
  it('value, first and second derivative are continuous at ±1', () => {
    const L = Math.log(hi)
    const M = Math.log(lo)
    const inside = 1 - 1e-12
    expect(code4.value(inside, p)).toBeCloseTo(hi, 10)
    expect(code4.value(-inside, p)).toBeCloseTo(lo, 10)
    expect(code4.d1(inside, p)).toBeCloseTo(hi * L, 10)
    expect(code4.d1(-inside, p)).toBeCloseTo(-lo * M, 10)
    expect(code4.d2(inside, p)).toBeCloseTo(hi * L * L, 10)
    expect(code4.d2(-inside, p)).toBeCloseTo(lo * M * M, 10)
  })
  it('d1 and d2 equal central differences', () => {
    for (const a of [...POINTS, -0.99, 0.1]) {
      expect(code4.d1(a, p)).toBeCloseTo(
        fd((x) => code4.value(x, p), a),
        8,
      )
      expect(code4.d2(a, p)).toBeCloseTo(
        fd((x) => code4.d1(x, p), a),
        8,
      )
    }
  })
  it('reads its data at an offset (the model’s flat array)', () => {
    const flat = new Float64Array(24)
    code4.prepare(lo, hi, flat, 8)
    for (const a of [-1.5, 0.3]) expect(code4.value(a, flat, 8)).toBe(code4.value(a, p))
  })
})

describe('histosys codes', () => {
  it('code0 is pyhf’s piecewise linear delta', () => {
    for (const a of [-2, -0.5, 0, 0.5, 3])
      expect(code0.value(a, U, D)).toBeCloseTo(pyhf.code0(a), 14)
    expect(code0.value(0.5, U, D)).toBeCloseTo(0.5 * (h - n), 14)
    expect(code0.value(-2, U, D)).toBeCloseTo(-2 * (n - l), 14)
  })

  it('code4p is pyhf’s: linear outside |α| > 1, polynomial inside, smooth at ±1', () => {
    for (const a of [-3, -1, -0.7, -0.1, 0, 0.3, 0.9, 1, 2]) {
      expect(code4p.value(a, U, D)).toBeCloseTo(pyhf.code4p(a), 13)
    }
    for (const edge of [1, -1]) {
      const e = 1e-9
      expect(code4p.value(edge + e, U, D)).toBeCloseTo(code4p.value(edge - e, U, D), 7)
      expect(code4p.d1(edge + e, U, D)).toBeCloseTo(code4p.d1(edge - e, U, D), 6)
      expect(code4p.d2(edge + e, U, D)).toBeCloseTo(code4p.d2(edge - e, U, D), 6)
    }
  })

  it('code2 is pyhf’s quadratic inside; outside it is ROOT’s continuous line (pyhf’s plus the value at ±1)', () => {
    for (const a of [-0.8, -0.2, 0.4, 1])
      expect(code2.value(a, U, D)).toBeCloseTo(pyhf.code2(a), 13)
    expect(code2.value(1, U, D)).toBeCloseTo(h - n, 13)
    expect(code2.value(-1, U, D)).toBeCloseTo(l - n, 13)
    for (const a of [1.5, 2, 4]) expect(code2.value(a, U, D)).toBeCloseTo(pyhf.code2(a) + U, 13)
    for (const a of [-1.5, -3]) expect(code2.value(a, U, D)).toBeCloseTo(pyhf.code2(a) - D, 13)
    expect(code2.value(1 + 1e-12, U, D)).toBeCloseTo(code2.value(1 - 1e-12, U, D), 9)
    expect(code2.value(-1 - 1e-12, U, D)).toBeCloseTo(code2.value(-1 + 1e-12, U, D), 9)
  })

  for (const [name, code] of [
    ['code0', code0],
    ['code2', code2],
    ['code4p', code4p],
  ] as const) {
    it(`${name}: d1 and d2 equal central differences`, () => {
      for (const a of POINTS) {
        expect(code.d1(a, U, D)).toBeCloseTo(
          fd((x) => code.value(x, U, D), a),
          7,
        )
        expect(code.d2(a, U, D)).toBeCloseTo(
          fd((x) => code.d1(x, U, D), a),
          7,
        )
      }
    })

    it(`${name}: linear in (U, D), so the model may weigh (1, 0) and (0, 1) once per α`, () => {
      for (const a of POINTS) {
        for (const f of [code.value, code.d1, code.d2]) {
          expect(f(a, U, D)).toBeCloseTo(f(a, 1, 0) * U + f(a, 0, 1) * D, 12)
        }
      }
    })
  }
})

describe('the registry', () => {
  it('hands out the code modules themselves', () => {
    expect(normsysCode('code1').value).toBe(code1.value)
    expect(normsysCode('code4').d2).toBe(code4.d2)
    expect(histosysCode('code0').d1).toBe(code0.d1)
    expect(histosysCode('code2').value).toBe(code2.value)
    expect(histosysCode('code4p').d2).toBe(code4p.d2)
  })

  it('parseInterpolationCodes defaults to pyhf’s and reads ROOT’s', () => {
    expect(parseInterpolationCodes(undefined)).toEqual({ normsys: 'code4', histosys: 'code4p' })
    expect(parseInterpolationCodes('normsys=code1,histosys=code0')).toEqual({
      normsys: 'code1',
      histosys: 'code0',
    })
    expect(() => parseInterpolationCodes('normsys=code9')).toThrow(/bad interpolation setting/)
  })
})
