/**
 * Cut masks: the NaN policy, the fused interval loops (checked against plain comparisons on
 * edge values: ±0, ±Inf, NaN, neighbours of the constant, float32 and int columns) and the
 * mask helpers.
 */
import { describe, expect, it } from 'vitest'
import { compile } from '../../../src/main/engine/select/compile'
import {
  andMasks,
  compileMask,
  countMask,
  evaluateMask,
} from '../../../src/main/engine/select/mask'
import { intervalOf, nextDown, nextUp } from '../../../src/main/engine/select/interval'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { ExprError, checkExpr, type ComparisonOp } from '../../../src/shared/expr'
import { EVENTS, flat, jagged } from './fixtures'

const data = columnProvider(EVENTS)

describe('NaN policy: a cut keeps an event when its value is not NaN and not 0', () => {
  it('numeric cut values', () => {
    expect(Array.from(evaluateMask('MET_pt', data))).toEqual([1, 1, 1, 0, 0])
    expect(Array.from(evaluateMask('MET_pt / 0', data))).toEqual([0, 0, 0, 0, 0])
    expect(Array.from(evaluateMask('Jet_pt[1] > 0', data))).toEqual([1, 0, 0, 1, 0])
    expect(Array.from(evaluateMask('Max(Jet_pt) < 1000', data))).toEqual([1, 0, 1, 1, 1])
    expect(Array.from(evaluateMask('1', data))).toEqual([1, 1, 1, 1, 1])
    expect(Array.from(evaluateMask('0 / 0', data))).toEqual([0, 0, 0, 0, 0])
  })

  it('requires one value per event', () => {
    expect(() => evaluateMask('Jet_pt > 30', data)).toThrow(ExprError)
    expect(() => compileMask('Jet_pt', data, 'a weight')).toThrow(/^a weight must be one value/)
  })
})

const EDGE = [
  -Infinity, -1e300, -3, -2.5, -1, nextDown(0), -0, 0, Number.MIN_VALUE, 0.1, 1, nextUp(1),
  nextDown(1), 1.5, 2, 2.5, 1e300, Infinity, NaN,
] // prettier-ignore
const OPS: ComparisonOp[] = ['<', '<=', '>', '>=', '==', '!=']
const CONSTS = ['0', '-0', '1', '2.5', '-1', '1e-320', '1e400', '-1e400', '0.1']
const cmp = (op: ComparisonOp, x: number, y: number): number =>
  ({ '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y, '==': x === y, '!=': x !== y })[op] ? 1 : 0

describe('fused comparisons equal plain comparisons', () => {
  const a = EDGE
  const b = [...EDGE].reverse()
  const columns = {
    a: flat(a),
    b: flat(b),
    f: flat(
      a.map((x) => (Number.isFinite(x) ? x / 3 : x)),
      'f32',
    ),
    k: flat(
      a.map((x) => (Number.isFinite(x) ? Math.trunc(x) : 0)),
      'i32',
    ),
  }
  const d = columnProvider(columns)
  const col = (name: keyof typeof columns): number[] => Array.from(columns[name].values)

  it('interval of `x op c`, constant on either side, for edge constants', () => {
    for (const op of OPS) {
      for (const c of CONSTS) {
        const cv = Number(c)
        for (const name of ['a', 'f', 'k'] as const) {
          const xs = col(name)
          const want = xs.map((x) => cmp(op, x, cv) & 1)
          // `&& 1` routes through the fused interval loop; the bare form through compare().
          expect(
            Array.from(evaluateMask(`${name} ${op} ${c} && 1`, d)),
            `${name} ${op} ${c}`,
          ).toEqual(want)
          expect(Array.from(evaluateMask(`${name} ${op} ${c}`, d))).toEqual(want)
          const mirrored = xs.map((x) => cmp(op, cv, x))
          expect(
            Array.from(evaluateMask(`(${c} ${op} ${name}) || 0`, d)),
            `${c} ${op} ${name}`,
          ).toEqual(mirrored)
        }
      }
    }
  })

  it('two tests joined by && / || in one loop, and chains of three', () => {
    const xs = col('a')
    const ys = col('b')
    for (const op1 of OPS) {
      for (const op2 of OPS) {
        const and = xs.map((x, i) => cmp(op1, x, 1) & cmp(op2, ys[i], -1))
        const or = xs.map((x, i) => cmp(op1, x, 1) | cmp(op2, ys[i], -1))
        expect(Array.from(evaluateMask(`a ${op1} 1 && b ${op2} -1`, d))).toEqual(and)
        expect(Array.from(evaluateMask(`a ${op1} 1 || b ${op2} -1`, d))).toEqual(or)
        const three = xs.map((x, i) => (cmp(op1, x, 1) & cmp(op2, ys[i], -1)) | +(x === ys[i]))
        expect(Array.from(evaluateMask(`a ${op1} 1 && b ${op2} -1 || a == b`, d))).toEqual(three)
        const left = xs.map((x, i) => +(x !== ys[i]) & cmp(op2, ys[i], 0))
        expect(Array.from(evaluateMask(`a != b && b ${op2} 0`, d))).toEqual(left)
        const right = xs.map((x, i) => cmp(op1, x, 0) | +(x < ys[i]))
        expect(Array.from(evaluateMask(`a ${op1} 0 || a < b`, d))).toEqual(right)
      }
    }
  })

  it('intervals hold at the float64 edges', () => {
    expect(nextUp(0)).toBe(Number.MIN_VALUE)
    expect(nextUp(-0)).toBe(Number.MIN_VALUE)
    expect(nextUp(1)).toBe(1 + Number.EPSILON)
    expect(nextDown(1)).toBe(1 - Number.EPSILON / 2)
    expect(nextUp(-Number.MIN_VALUE)).toBe(-0)
    expect(nextUp(Infinity)).toBeNaN()
    expect(nextDown(-Infinity)).toBeNaN()
    expect(nextUp(-Infinity)).toBe(-Number.MAX_VALUE)
    expect(intervalOf('>', Infinity, false).lo).toBeNaN()
  })
})

describe('jagged masks inside reductions use the same loops', () => {
  it('Any/Count of fused element tests', () => {
    const got = Array.from(evaluateMask('Count(Jet_pt > 30 && abs(Jet_eta) < 2.5) >= 1', data))
    expect(got).toEqual([1, 0, 0, 1, 0])
    const d = columnProvider({ x: jagged([[1, 5], [], [3]]), y: flat([2, 0, 4]) })
    expect(Array.from(evaluateMask('Any(x > y && x < 10)', d))).toEqual([1, 0, 0])
  })
})

describe('mask helpers', () => {
  it('compiled masks are reusable and list their columns', () => {
    const m = compileMask('MET_pt > 30 && HT > 100', data)
    expect(m.columns).toEqual(['MET_pt', 'HT'])
    expect(Array.from(m.evaluate())).toEqual([1, 0, 0, 0, 0])
    const other = columnProvider({ MET_pt: flat([31, 29]), HT: flat([101, 101]) })
    expect(Array.from(m.evaluate(other))).toEqual([1, 0])
  })

  it('andMasks and countMask', () => {
    const m = andMasks([Uint8Array.of(1, 1, 0, 1), Uint8Array.of(1, 0, 1, 1)], 4)
    expect(Array.from(m)).toEqual([1, 0, 0, 1])
    expect(countMask(m)).toBe(2)
    expect(Array.from(andMasks([], 2))).toEqual([1, 1])
    expect(() => andMasks([Uint8Array.of(1)], 2)).toThrow(RangeError)
  })
})

describe('buffer reuse between evaluations', () => {
  it('writes into a caller buffer, and earlier results stay intact', () => {
    const m = compileMask('a > 1 && b < 2', columnProvider({ a: flat([2, 0]), b: flat([1, 1]) }))
    const out = new Uint8Array(2)
    expect(m.evaluate(undefined, out)).toBe(out)
    expect(Array.from(out)).toEqual([1, 0])
    const first = m.evaluate()
    const second = m.evaluate(columnProvider({ a: flat([0, 2]), b: flat([1, 1]) }))
    expect(Array.from(first)).toEqual([1, 0])
    expect(Array.from(second)).toEqual([0, 1])
    expect(() => m.evaluate(undefined, new Uint8Array(3))).toThrow(RangeError)
  })

  it('jagged results are copied out of scratch buffers', () => {
    const d1 = columnProvider({ x: jagged([[1, 50], [40]]) })
    const d2 = columnProvider({ x: jagged([[60], [], [70, 80, 5]]) })
    const c = compile('x[x > 30] * 2', d1)
    const first = c.evaluate()
    const second = c.evaluate(d2)
    expect(Array.from(first.values)).toEqual([100, 80])
    expect(first.kind === 'jagged' && Array.from(first.offsets)).toEqual([0, 1, 2])
    expect(Array.from(second.values)).toEqual([120, 140, 160])
  })
})

describe('pre-checked expressions', () => {
  it('a checked list-valued expression is still refused as a cut, with an ExprError', () => {
    const checked = checkExpr('Jet_pt > 30', data.symbols)
    if (!checked.ok) throw checked.error
    expect(() => evaluateMask(checked.value, data)).toThrow(ExprError)
  })
})
