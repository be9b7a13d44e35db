import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ExprError,
  FUNCTIONS,
  checkExpr,
  checkScalar,
  closest,
  formatExprError,
  requiredColumns,
  type SymbolTable,
} from '../../../src/shared/expr'

const symbols: SymbolTable = new Map([
  ['MET_pt', { jagged: false }],
  ['HT', { jagged: false }],
  ['nJet', { jagged: false }],
  ['Jet_pt', { jagged: true }],
  ['Jet_eta', { jagged: true }],
  ['Jet_phi', { jagged: true }],
  ['Muon_E', { jagged: true }],
])

function shapeOf(src: string): string {
  const r = checkExpr(src, symbols)
  if (!r.ok) throw r.error
  return r.value.shape
}

describe('shapes', () => {
  const table: [string, 'scalar' | 'jagged'][] = [
    ['MET_pt', 'scalar'],
    ['Jet_pt', 'jagged'],
    ['Jet_pt > 30', 'jagged'],
    ['Jet_pt * MET_pt + 1', 'jagged'],
    ['Jet_pt[0]', 'scalar'],
    ['Jet_pt[nJet - 1]', 'scalar'],
    ['Jet_pt[Jet_pt > 30]', 'jagged'],
    ['Sum(Jet_pt[Jet_pt > 30])', 'scalar'],
    ['Any(abs(Jet_eta) < 2.4)', 'scalar'],
    ['deltaR(Jet_eta, Jet_phi, Jet_eta[0], Jet_phi[0])', 'jagged'],
    ['invMass(1, 2, 3, 4, 5, 6, 7, 8)', 'scalar'],
    ['HT > 100 ? Jet_pt : 0', 'jagged'],
    ['-Jet_pt', 'jagged'],
  ]
  it.each(table)('%s is %s', (src, shape) => {
    expect(shapeOf(src)).toBe(shape)
  })
})

describe('check errors: position, end and what was expected', () => {
  const table: [string, number, number, string][] = [
    ['Jet_ptt > 30', 0, 7, "unknown variable 'Jet_ptt' at 0 (did you mean 'Jet_pt'?)"],
    ['MET_pt + xyzzy', 9, 14, "unknown variable 'xyzzy' at 9"],
    ['HT + max(1, 2, 3)', 5, 17, 'max expects 2 arguments, got 3 at 5'],
    ['sqrt()', 0, 6, 'sqrt expects 1 argument, got 0 at 0'],
    ['sum(Jet_pt)', 0, 3, "unknown function 'sum' at 0 (did you mean 'Sum'?)"],
    ['foo(1)', 0, 3, "unknown function 'foo' at 0"],
    ['sqrt + 1', 0, 4, "'sqrt' is a function at 0 (call it as sqrt(x))"],
    ['Sum(MET_pt)', 4, 10, 'Sum expects a list (jagged value), got one value per event at 4'],
    ['MET_pt[0]', 6, 9, 'only a list (jagged value) can be indexed'],
    ['1 + Jet_ptt + Jet_etaa', 4, 11, "unknown variable 'Jet_ptt'"],
  ]
  it.each(table)('%j → [%i, %i)', (src, position, end, message) => {
    const r = checkExpr(src, symbols)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toBeInstanceOf(ExprError)
    expect([r.error.position, r.error.end]).toEqual([position, end])
    expect(r.error.message).toContain(message)
  })

  it('offers no suggestion when nothing is close', () => {
    const r = checkExpr('banana', symbols)
    expect(!r.ok && r.error.message).toBe("unknown variable 'banana' at 0")
  })
})

describe('checkScalar (cuts and weights)', () => {
  it('accepts one value per event', () => {
    for (const src of [
      'MET_pt > 50',
      'Any(Jet_pt > 30)',
      'Jet_pt[0] > 30',
      'Count(Jet_pt > 30) >= 2',
    ]) {
      expect(checkScalar(src, symbols).ok, src).toBe(true)
    }
  })

  it('rejects a list per event over the whole expression, naming the role', () => {
    const r = checkScalar('Jet_pt > 30', symbols, 'a weight')
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect([r.error.position, r.error.end]).toEqual([0, 11])
    expect(r.error.message).toMatch(/^a weight must be one value per event/)
    expect(r.error.hint).toContain('Any(')
  })

  it('passes syntax errors through unchanged', () => {
    const r = checkScalar('(MET_pt', symbols)
    expect(!r.ok && r.error.message).toContain("expected ')' at 7")
  })
})

describe('helpers', () => {
  it('lists the columns an expression needs, once each, without checking them', () => {
    const r = requiredColumns('Sum(Jet_pt[Jet_pt > 30 && abs(Jet_eta) < 2.4]) + MET_pt + unknown_x')
    expect(r.ok && r.value).toEqual(['Jet_pt', 'Jet_eta', 'MET_pt', 'unknown_x'])
    expect(requiredColumns('sqrt(2) * 3')).toEqual({ ok: true, value: [] })
    expect(requiredColumns('a +').ok).toBe(false)
  })

  it('suggests the closest name', () => {
    expect(closest('jet_pt', ['Jet_pt', 'Jet_eta'])).toBe('Jet_pt')
    expect(closest('Jet_etaa', ['Jet_pt', 'Jet_eta'])).toBe('Jet_eta')
    expect(closest('x', ['Jet_pt'])).toBeUndefined()
  })

  it('formats an error with a caret under the offending text', () => {
    const src = 'MET_pt > 50 && Jet_ptt'
    const r = checkExpr(src, symbols)
    if (r.ok) throw new Error('expected an error')
    expect(formatExprError(src, r.error).split('\n').slice(1)).toEqual([
      `  ${src}`,
      `  ${' '.repeat(15)}^^^^^^^`,
    ])
  })

  it('documents every function', () => {
    for (const f of FUNCTIONS.values()) {
      expect(f.doc.length, f.name).toBeGreaterThan(0)
      if (f.kind === 'elementwise') expect(f.fn.length <= f.params.length, f.name).toBe(true)
    }
  })
})

describe('robustness', () => {
  const alphabet = fc.constantFrom(
    ...'aJ_pt0123456789.eE+-*/%<>=!&|?:()[], \t'.split(''),
    'Jet_pt',
    'MET_pt',
    'Sum(',
    'max(',
    'invMass(',
    '**',
    '&&',
    '||',
  )

  it('returns a result or a positioned ExprError for any text, never throws', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (parts) => {
        const src = parts.join('')
        const r = checkExpr(src, symbols)
        if (!r.ok) {
          expect(r.error).toBeInstanceOf(ExprError)
          expect(r.error.position).toBeGreaterThanOrEqual(0)
          expect(r.error.position).toBeLessThanOrEqual(src.length)
          expect(r.error.end).toBeLessThanOrEqual(src.length)
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('survives arbitrary unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (src) => {
        const r = checkScalar(src, symbols)
        if (!r.ok) expect(r.error).toBeInstanceOf(ExprError)
      }),
      { numRuns: 1000 },
    )
  })
})
