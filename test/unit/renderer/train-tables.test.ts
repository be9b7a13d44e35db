/**
 * Cut sets as regions (each cut parsed by the workbench's own expression parser) and the Train
 * view's exportable tables.
 */
import { describe, expect, it } from 'vitest'
import type { Expr } from '../../../src/shared/expr/ast'
import { parse } from '../../../src/shared/expr/parser'
import { CutsRegion } from '../../../src/shared/contract/cuts'
import type { ClassifierEvaluation } from '../../../src/shared/contract/train'
import { operand, regionFromCutSet } from '../../../src/renderer/src/stores/cut-region'
import { freeName } from '../../../src/renderer/src/stores/free-name'
import {
  cutSetsTable,
  fisherTable,
  intervalText,
  rankingTable,
} from '../../../src/renderer/src/components/train/result-tables'

/** Evaluates a parsed cut on one event (names, numbers, + − × ÷, comparisons): a plain reference. */
function evaluate(e: Expr, event: Record<string, number>): number {
  switch (e.type) {
    case 'number':
      return e.value
    case 'name':
      return event[e.name]
    case 'unary':
      return e.op === '-' ? -evaluate(e.operand, event) : evaluate(e.operand, event)
    case 'binary': {
      const a = evaluate(e.left, event)
      const b = evaluate(e.right, event)
      const ops: Record<string, number> = {
        '+': a + b,
        '-': a - b,
        '*': a * b,
        '/': a / b,
        '>=': Number(a >= b),
        '<=': Number(a <= b),
      }
      return ops[e.op]
    }
    default:
      throw new Error(`not needed here: ${e.type}`)
  }
}

function passes(region: { cuts: { expr: string }[] }, event: Record<string, number>): boolean {
  return region.cuts.every((c) => {
    const p = parse(c.expr)
    if (!p.ok) throw new Error(`${c.expr}: ${p.error.message}`)
    return evaluate(p.value, event) === 1
  })
}

describe('cut set → region', () => {
  const LO = 107.8112266919961
  const intervals = [
    { input: 'DER_mass_MMC', lo: LO, hi: 150.00000000000003 },
    { input: 'PRI_tau_pt', lo: null, hi: 60.54321 },
    { input: 'PRI_lep_pt / PRI_tau_pt', lo: -0.51234, hi: null },
    { input: 'PRI_jet_num', lo: 0.5, hi: 2.7 },
    { input: 'DER_pt_h', lo: null, hi: null },
  ]
  it('writes bounds of 4 significant digits, outwards, and whole numbers for integer inputs', () => {
    const r = CutsRegion.parse(
      regionFromCutSet('SR_cuts', intervals, 'presel', new Set(['PRI_jet_num'])),
    )
    expect(r.parent).toBe('presel')
    expect(r.cuts.map((c) => c.expr)).toEqual([
      'DER_mass_MMC >= 107.8',
      'DER_mass_MMC <= 150',
      'PRI_tau_pt <= 60.55',
      '(PRI_lep_pt / PRI_tau_pt) >= -0.5124',
      'PRI_jet_num >= 1',
      'PRI_jet_num <= 2',
    ])
    const inside = {
      DER_mass_MMC: 120,
      PRI_tau_pt: 60.5,
      PRI_lep_pt: 10,
      PRI_jet_num: 1,
      DER_pt_h: 1e6,
    }
    expect(passes(r, inside)).toBe(true)
    // Every event inside the exact interval stays inside (the bound itself included) …
    expect(passes(r, { ...inside, DER_mass_MMC: LO })).toBe(true)
    expect(passes(r, { ...inside, PRI_tau_pt: 60.54321 })).toBe(true)
    // … and the integer input selects exactly the counts 1 and 2, as 0.5 ≤ n ≤ 2.7 did.
    expect(passes(r, { ...inside, PRI_jet_num: 0 })).toBe(false)
    expect(passes(r, { ...inside, PRI_jet_num: 2 })).toBe(true)
    expect(passes(r, { ...inside, PRI_jet_num: 3 })).toBe(false)
    expect(passes(r, { ...inside, DER_mass_MMC: 107.7 })).toBe(false)
    expect(passes(r, { ...inside, PRI_tau_pt: 61 })).toBe(false)
    expect(passes(r, { ...inside, PRI_lep_pt: -40 })).toBe(false)
  })
  it('has no parent for all events and names regions freely', () => {
    expect(regionFromCutSet('x', [], null)).toEqual({ name: 'x', blinded: false, cuts: [] })
    expect(operand(' met ')).toBe('met')
    expect(operand('a+b')).toBe('(a+b)')
    expect(freeName('SR', ['CR'])).toBe('SR')
    expect(freeName('SR', ['SR', 'SR_2'])).toBe('SR_3')
  })
})

describe('tables', () => {
  it('lists Fisher coefficients with the offset', () => {
    const t = fisherTable({
      kind: 'lda',
      coefficients: [
        { input: 'a', value: 0.5 },
        { input: 'b', value: -1.25e-4 },
      ],
      offset: 2,
      fisherCriterion: 0.3,
    })
    expect(t.rows).toEqual([
      ['a', '0.5'],
      ['b', '-1.250e-4'],
      ['(offset)', '2'],
    ])
    expect(t.caption).toMatch(/Fisher criterion 0\.3$/)
  })
  it('writes cut sets per ε_S with open sides as infinities', () => {
    expect(intervalText(null, 3)).toBe('[−∞, 3]')
    const t = cutSetsTable({
      kind: 'cuts',
      fom: 's_sqrt_b',
      sets: [
        {
          eff_s: 0.5,
          eff_b: 0.05,
          fom: 2.2,
          intervals: [
            { input: 'x', lo: 1, hi: null },
            { input: 'y', lo: null, hi: 2 },
          ],
        },
      ],
    })
    expect(t.columns.map((c) => c.label)).toEqual(['ε_S', 'ε_B', 'S/√B', 'x', 'y'])
    expect(t.rows).toEqual([['0.5', '0.05', '2.2', '[1, +∞]', '[−∞, 2]']])
  })
  it('ranks variables by separation, largest first', () => {
    const e = {
      ranking: [
        { input: 'weak', separation: 0.01, importance: null },
        { input: 'strong', separation: 0.3, importance: 0.12 },
      ],
    } as ClassifierEvaluation
    expect(rankingTable(e).rows).toEqual([
      ['1', 'strong', '0.3', '0.12'],
      ['2', 'weak', '0.01', '—'],
    ])
  })
})
