/**
 * Compiled expressions against plain per-event loops written out by hand over the fixture
 * events. Values are compared exactly where the loop does the same float64 operations in the
 * same order, and to 1e-12 relative where float32 storage enters (noted per case).
 */
import { describe, expect, it } from 'vitest'
import { compile } from '../../../src/main/engine/select/compile'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { ExprError } from '../../../src/shared/expr'
import { EVENTS, flat, jagged, lists } from './fixtures'

const data = columnProvider(EVENTS)
const ev = (i: number, name: keyof typeof EVENTS): number[] => lists(EVENTS[name])[i]
const N = data.entries

function values(src: string): number[] {
  const c = compile(src, data).evaluate()
  expect(c.kind, src).toBe('flat')
  expect(c.values).toBeInstanceOf(Float64Array)
  return Array.from(c.values)
}

function listValues(src: string): number[][] {
  const c = compile(src, data).evaluate()
  expect(c.kind, src).toBe('jagged')
  expect(c.values).toBeInstanceOf(Float64Array)
  return lists(c)
}

/** Plain loop over events, building the expected per-event values. */
function perEvent<T>(f: (i: number) => T): T[] {
  return Array.from({ length: N }, (_, i) => f(i))
}

describe('scalar expressions', () => {
  it('arithmetic, powers and precedence', () => {
    const met = (i: number): number => ev(i, 'MET_pt')[0]
    expect(values('MET_pt * 2 + 1')).toEqual(perEvent((i) => met(i) * 2 + 1))
    expect(values('-MET_pt ** 2')).toEqual(perEvent((i) => -(met(i) ** 2)))
    expect(values('2 ** 3 ** 2')).toEqual(perEvent(() => 512))
    expect(values('MET_pt % 7')).toEqual(perEvent((i) => met(i) % 7))
    expect(values('(MET_pt + nSel) / 2')).toEqual(perEvent((i) => (met(i) + ev(i, 'nSel')[0]) / 2))
  })

  it('division by zero is NaN, not ±Inf; log of a negative is NaN', () => {
    expect(values('1 / 0')).toEqual(perEvent(() => NaN))
    expect(values('MET_pt / 0')).toEqual(perEvent(() => NaN))
    expect(values('HT / MET_pt')[4]).toBeNaN() // 90 / 0
    expect(values('1 / nSel')[0]).toBeNaN()
    expect(values('log(nSel)')[4]).toBeNaN()
    expect(values('log(nSel)')[0]).toBe(-Infinity)
    expect(values('sqrt(nSel)')[4]).toBeNaN()
  })

  it('comparisons and logic give 0/1; NaN compares false except !=', () => {
    expect(values('MET_pt > 30')).toEqual([1, 0, 1, 0, 0])
    expect(values('MET_pt != 20')).toEqual([1, 0, 1, 1, 1])
    expect(values('MET_pt > 30 && HT > 100')).toEqual([1, 0, 0, 0, 0])
    expect(values('MET_pt > 30 || HT > 100')).toEqual([1, 0, 1, 1, 0])
    expect(values('!MET_pt')).toEqual([0, 0, 0, 1, 1]) // NaN and 0 are false
    expect(values('MET_pt && 1')).toEqual([1, 1, 1, 0, 0])
    expect(values('nSel ? 10 : 20')).toEqual([20, 10, 10, 10, 10])
    expect(values('MET_pt ? 10 : 20')[3]).toBe(20)
  })

  it('constants broadcast to every event', () => {
    expect(values('3')).toEqual([3, 3, 3, 3, 3])
    expect(values('max(2, 5) > 4 && 1')).toEqual([1, 1, 1, 1, 1])
  })

  it('functions apply per event', () => {
    expect(values('abs(nSel - 2)')).toEqual([2, 1, 0, 3, 3])
    expect(values('min(MET_pt, HT)')).toEqual(
      perEvent((i) => Math.min(ev(i, 'MET_pt')[0], ev(i, 'HT')[0])),
    )
    expect(values('atan2(nSel, 1)')).toEqual(perEvent((i) => Math.atan2(ev(i, 'nSel')[0], 1)))
    expect(values('floor(HT / 7) + ceil(HT / 7)')).toEqual(
      perEvent((i) => Math.floor(ev(i, 'HT')[0] / 7) + Math.ceil(ev(i, 'HT')[0] / 7)),
    )
  })
})

describe('jagged expressions', () => {
  it('elementwise arithmetic and comparison keep the layout', () => {
    expect(listValues('Jet_pt * 2')).toEqual(perEvent((i) => ev(i, 'Jet_pt').map((x) => x * 2)))
    expect(listValues('Jet_pt > 30')).toEqual(
      perEvent((i) => ev(i, 'Jet_pt').map((x) => +(x > 30))),
    )
    expect(listValues('Jet_pt > 30 && abs(Jet_eta) < 2.5')).toEqual(
      perEvent((i) =>
        ev(i, 'Jet_pt').map((x, k) => +(x > 30 && Math.abs(ev(i, 'Jet_eta')[k]) < 2.5)),
      ),
    )
  })

  it('broadcasts a per-event value over the elements of its event', () => {
    expect(listValues('Jet_pt / HT')).toEqual(
      perEvent((i) =>
        ev(i, 'Jet_pt').map((x) => (ev(i, 'HT')[0] === 0 ? NaN : x / ev(i, 'HT')[0])),
      ),
    )
    expect(listValues('MET_pt > 30 || Jet_pt > 100')).toEqual(
      perEvent((i) => ev(i, 'Jet_pt').map((x) => +(ev(i, 'MET_pt')[0] > 30 || x > 100))),
    )
    expect(listValues('MET_pt > 30 ? Jet_pt : -1')).toEqual(
      perEvent((i) => ev(i, 'Jet_pt').map((x) => (ev(i, 'MET_pt')[0] > 30 ? x : -1))),
    )
  })

  it('two-argument functions with one constant', () => {
    expect(listValues('max(Jet_pt, 40)')).toEqual(
      perEvent((i) => ev(i, 'Jet_pt').map((x) => Math.max(x, 40))),
    )
    expect(values('min(30, MET_pt)')).toEqual(perEvent((i) => Math.min(30, ev(i, 'MET_pt')[0])))
  })

  it('combines two columns of one collection elementwise', () => {
    expect(listValues('Jet_pt * cosh(Jet_eta)')).toEqual(
      perEvent((i) => ev(i, 'Jet_pt').map((x, k) => x * Math.cosh(ev(i, 'Jet_eta')[k]))),
    )
  })

  it('reductions, with the stated values for empty lists', () => {
    const pts = perEvent((i) => ev(i, 'Jet_pt'))
    const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0)
    expect(values('Sum(Jet_pt)')).toEqual(pts.map(sum))
    expect(values('Length(Jet_pt)')).toEqual([3, 0, 1, 4, 1])
    expect(values('Count(Jet_pt > 30)')).toEqual([2, 0, 1, 2, 0])
    expect(values('Count(Jet_eta)')).toEqual([3, 0, 1, 3, 1]) // the 0 does not count
    expect(values('Max(Jet_pt)')).toEqual([120, NaN, 35, 60, 25])
    expect(values('Min(Jet_pt)')).toEqual([20, NaN, 35, 10, 25])
    expect(values('Mean(Jet_pt)')).toEqual(pts.map((xs) => (xs.length ? sum(xs) / xs.length : NaN)))
    expect(values('Any(Jet_pt > 100)')).toEqual([1, 0, 0, 0, 0])
    expect(values('All(Jet_pt > 20)')).toEqual([0, 1, 1, 0, 1]) // All of nothing is true
  })

  it('indexing: NaN out of range, per-event indices allowed', () => {
    expect(values('Jet_pt[0]')).toEqual([120, NaN, 35, 60, 25])
    expect(values('Jet_pt[2]')).toEqual([20, NaN, NaN, 29, NaN])
    expect(values('Jet_pt[nSel]')).toEqual([120, NaN, NaN, NaN, NaN]) // 5 and -1 out of range
    expect(values('Jet_pt[0.5]')).toEqual([NaN, NaN, NaN, NaN, NaN])
    expect(values('(Jet_pt * 2)[1]')).toEqual([90, NaN, NaN, 62, NaN])
  })

  it('masking keeps selected elements; reductions of masked values', () => {
    expect(listValues('Jet_pt[Jet_pt > 30]')).toEqual([[120, 45], [], [35], [60, 31], []])
    expect(listValues('Jet_eta[Jet_pt > 30]')).toEqual([[0.5, -2.6], [], [3], [-0.1, 2.0], []])
    expect(values('Sum(Jet_pt[Jet_pt > 30])')).toEqual([165, 0, 35, 91, 0])
    expect(values('Jet_pt[Jet_pt > 30 && abs(Jet_eta) < 2.5][0]')).toEqual([120, NaN, NaN, 60, NaN])
    expect(values('Sum(Jet_pt[Jet_pt > 30] * Jet_eta[Jet_pt > 30])')).toEqual(
      perEvent((i) =>
        ev(i, 'Jet_pt').reduce((s, x, k) => (x > 30 ? s + x * ev(i, 'Jet_eta')[k] : s), 0),
      ),
    )
  })

  it('physics helpers map over lists', () => {
    // deltaR of every jet to the leading muon; NaN where there is no muon.
    const got = listValues('deltaR(Jet_eta, Jet_phi, 0, Muon_phi[0])')
    expect(got[1]).toEqual([])
    expect(got[2]).toEqual([NaN])
    expect(got[0][0]).toBeCloseTo(Math.hypot(0.5, 0.9), 14)
    const m = values(
      'invMass(Jet_pt[0], Jet_eta[0], Jet_phi[0], Jet_mass[0], Jet_pt[1], Jet_eta[1], Jet_phi[1], Jet_mass[1])',
    )
    expect(m[1]).toBeNaN()
    expect(m[2]).toBeNaN()
    expect(m[0]).toBeGreaterThan(0)
  })
})

describe('run-time layout errors', () => {
  it('jagged operands of different collections raise a positioned ExprError', () => {
    const c = compile('Jet_pt + Muon_pt', data)
    expect(() => c.evaluate()).toThrow(ExprError)
    try {
      c.evaluate()
    } catch (e) {
      if (!(e instanceof ExprError)) throw e
      expect(e.position).toBe(7)
      expect(e.message).toContain(
        'lists of different lengths cannot be combined (event 0: 3 vs 1 elements) at 7',
      )
    }
  })

  it('masks must match the masked list', () => {
    expect(() => compile('Jet_pt[Muon_pt > 1]', data).evaluate()).toThrow(
      /different lengths.* at 6/,
    )
  })

  it('accepts different arrays with the same layout', () => {
    const d = columnProvider({ a: jagged([[1, 2], [3]]), b: jagged([[10, 20], [30]]) })
    const c = compile('a + b', d).evaluate()
    expect(lists(c)).toEqual([[11, 22], [33]])
  })
})

describe('compiled expressions are reusable across batches', () => {
  it('evaluates the same compiled tree on another provider with the same columns', () => {
    const c = compile('Sum(x[x > 1]) + y', columnProvider({ x: jagged([[1, 2]]), y: flat([1]) }))
    expect(c.columns).toEqual(['x', 'y'])
    expect(c.shape).toBe('scalar')
    const other = columnProvider({ x: jagged([[5], [], [0, 3]]), y: flat([0, 1, 2]) })
    expect(Array.from(c.evaluate(other).values)).toEqual([5, 1, 5])
  })

  it('reports a column whose shape changed since checking', () => {
    const c = compile('x + 1', columnProvider({ x: flat([1]) }))
    expect(() => c.evaluate(columnProvider({ x: jagged([[1]]) }))).toThrow(ExprError)
  })

  it('handles zero events', () => {
    const d = columnProvider({ x: jagged([]), y: flat([]) })
    expect(compile('Sum(x) + y', d).evaluate().values.length).toBe(0)
    expect(compile('1', d).evaluate().values.length).toBe(0)
  })

  it('throws ExprError (not TypeError) for bad text', () => {
    expect(() => compile('Jet_ptt > 1', data)).toThrow(ExprError)
    expect(() => compile('max(1, 2, 3)', data)).toThrow(/max expects 2 arguments, got 3 at 0/)
  })
})
