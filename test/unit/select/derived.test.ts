/** Derived variables: dependency order, cycles, shapes, and values usable wherever a column is. */
import { describe, expect, it } from 'vitest'
import type { SpecVariable } from '../../../src/shared/spec'
import { compile } from '../../../src/main/engine/select/compile'
import {
  baseColumns,
  checkVariables,
  dependencyOrder,
  withDerived,
} from '../../../src/main/engine/select/derived'
import { evaluateMask } from '../../../src/main/engine/select/mask'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { SpecError } from '../../../src/main/engine/select/spec-error'
import { flat, jagged, lists } from './fixtures'

const v = (name: string, expr: string): SpecVariable => ({ name, expr })

function thrown(fn: () => unknown): SpecError {
  try {
    fn()
  } catch (e) {
    if (e instanceof SpecError) return e
    throw e
  }
  throw new Error('expected a SpecError')
}

const COLUMNS = {
  pt1: flat([10, 50, 30, NaN]),
  pt2: flat([20, 5, 30, 1], 'f32'),
  Jet_pt: jagged([[40, 10], [], [35], [5, 6, 7]], 'f32'),
}
const SYMBOLS = columnProvider(COLUMNS).symbols

describe('dependency order', () => {
  it('puts every variable after the variables it reads', () => {
    const vars = [v('c', 'b + a'), v('a', 'pt1'), v('b', 'a * 2'), v('d', '1')]
    const order = dependencyOrder(vars).map((x) => x.name)
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'))
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'))
    expect(order).toHaveLength(4)
  })

  it('reports a cycle with its members and the JSON path', () => {
    const e = thrown(() => dependencyOrder([v('x', '1'), v('a', 'b + 1'), v('b', 'a * 2')]))
    expect(e.path).toEqual(['variables', 1, 'expr'])
    expect(e.message).toBe('variables[1].expr: derived variables depend on each other: a → b → a')
    expect(thrown(() => dependencyOrder([v('a', 'a + 1')])).reason).toMatch(/a → a/)
  })

  it('reports a syntax error at the variable', () => {
    expect(thrown(() => dependencyOrder([v('a', 'pt1 +')])).message).toMatch(
      /^variables\[0\]\.expr: expected .* at 5/,
    )
  })
})

describe('derived variables over columns', () => {
  it('have the shape of their expression and nest', () => {
    const vars = checkVariables(
      [
        v('ptsum', 'ptlead + ptsub'),
        v('ptlead', 'max(pt1, pt2)'),
        v('ptsub', 'min(pt1, pt2)'),
        v('hard', 'Jet_pt[Jet_pt > 30]'),
      ],
      SYMBOLS,
      'in test',
    )
    expect(vars.symbols.get('ptlead')).toEqual({ jagged: false })
    expect(vars.symbols.get('hard')).toEqual({ jagged: true })
    expect(baseColumns(['ptsum', 'Jet_pt'], vars.checked)).toEqual(['pt1', 'pt2', 'Jet_pt'])
    const data = withDerived(columnProvider(COLUMNS), vars)
    // Independent: plain loops over the columns.
    const want = [0, 1, 2, 3].map(
      (i) =>
        Math.max(COLUMNS.pt1.values[i], COLUMNS.pt2.values[i]) +
        Math.min(COLUMNS.pt1.values[i], COLUMNS.pt2.values[i]),
    )
    expect(Array.from(data.column('ptsum').values)).toEqual(want)
    expect(lists(data.column('hard'))).toEqual([[40], [], [35], []])
    // Usable in cuts, other expressions and reductions like any column.
    expect(Array.from(evaluateMask('ptlead > 25 && Length(hard) > 0', data))).toEqual([0, 0, 1, 0])
    expect(Array.from(compile('Sum(hard) + ptsum', data).evaluate().values)).toEqual([
      70,
      55,
      95,
      NaN,
    ])
  })

  it('may not take the name of a column', () => {
    const e = thrown(() => checkVariables([v('pt1', 'pt2 * 2')], SYMBOLS, "in sample 'A'"))
    expect(e.path).toEqual(['variables', 0, 'name'])
    expect(e.message).toMatch(/'pt1' is already a column/)
  })

  it('that a sample cannot compute are recorded, with the variables built on them', () => {
    const vars = checkVariables(
      [v('w', 'genWeight * 2'), v('w2', 'w * w'), v('ok', 'pt1')],
      SYMBOLS,
      "in sample 'data'",
    )
    expect([...vars.checked.keys()]).toEqual(['ok'])
    const e = vars.failed.get('w2')
    expect(e?.path).toEqual(['variables', 0, 'expr'])
    expect(e?.message).toMatch(
      /in sample 'data': unknown variable 'genWeight' at 0\n {2}genWeight \* 2\n {2}\^{9}/,
    )
  })
})
