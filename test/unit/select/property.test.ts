/**
 * Property: for random expressions over random flat and jagged columns, the compiled,
 * vectorised result equals the per-event reference interpreter (NaN equals NaN), or the text
 * fails to parse/check with a positioned ExprError. Jagged operands of different layouts must
 * fail in both (ExprError from the compiler, LayoutMismatch from the reference). Nothing else
 * may be thrown.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { compile } from '../../../src/main/engine/select/compile'
import { evaluateMask } from '../../../src/main/engine/select/mask'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { ExprError, FUNCTIONS, checkExpr, parse } from '../../../src/shared/expr'
import { LayoutMismatch, evalAll, type Value } from './reference'
import { lists } from './fixtures'

const NUMBERS = [0, -0, 1, -1, 2.5, 30, 45.5, -3, 0.001, 1e3, NaN, Infinity, 3.14159, 2]
const num = fc.constantFrom(...NUMBERS)

/** Columns a, b (flat), J_pt, J_eta (jagged, one layout), K_x (jagged, its own layout). */
const dataset = fc.integer({ min: 0, max: 6 }).chain((n) =>
  fc.record({
    a: fc.array(num, { minLength: n, maxLength: n }),
    b: fc.array(num, { minLength: n, maxLength: n }),
    J: fc.array(fc.array(fc.tuple(num, num), { maxLength: 3 }), { minLength: n, maxLength: n }),
    K: fc.array(fc.array(num, { maxLength: 3 }), { minLength: n, maxLength: n }),
  }),
)

type Dataset = { a: number[]; b: number[]; J: [number, number][][]; K: number[][] }

function columnsOf(d: Dataset): Record<string, Column> {
  const jag = (ls: number[][], f32 = false): Column => {
    const offsets = new Int32Array(ls.length + 1)
    ls.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length))
    const values = f32 ? Float32Array.from(ls.flat()) : Float64Array.from(ls.flat())
    return { kind: 'jagged', type: f32 ? 'float32' : 'float64', offsets, values }
  }
  return {
    a: { kind: 'flat', type: 'float64', values: Float64Array.from(d.a) },
    b: { kind: 'flat', type: 'float32', values: Float32Array.from(d.b) },
    J_pt: jag(
      d.J.map((l) => l.map((p) => p[0])),
      true,
    ),
    J_eta: jag(d.J.map((l) => l.map((p) => p[1]))),
    K_x: jag(d.K),
  }
}

const NAMES = ['a', 'b', 'J_pt', 'J_eta', 'K_x', 'a', 'J_pt', 'nope']
const LITERALS = ['0', '1', '2', '2.5', '30', '.5', '1e-3', '1e3', '0.0']
const FUNCS = [...FUNCTIONS.values()]
const BINOPS = ['+', '-', '*', '/', '%', '**', '<', '<=', '>', '>=', '==', '!=', '&&', '||']

/** Random expression text; parenthesised so the tree is what the generator meant, mostly. */
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES),
    fc.constantFrom(...LITERALS),
    fc.tuple(fc.constantFrom('-', '!', '+'), tie('e')).map(([op, x]) => `${op}(${x})`),
    fc
      .tuple(tie('e'), fc.constantFrom(...BINOPS), tie('e'), fc.boolean())
      .map(([x, op, y, paren]) => (paren ? `(${x} ${op} ${y})` : `${x} ${op} ${y}`)),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, x, y]) => `(${c} ? ${x} : ${y})`),
    fc
      .tuple(fc.constantFrom(...FUNCS), fc.array(tie('e'), { maxLength: 8 }), fc.boolean())
      .map(([f, args, exact]) => {
        // Mostly the right arity (padded with a column), sometimes whatever was drawn.
        const want = f.params.length
        const a = exact ? [...args, ...Array<string>(8).fill('J_pt')].slice(0, want) : args
        return `${f.name}(${a.join(', ')})`
      }),
    fc.tuple(tie('e'), tie('e')).map(([t, i]) => `(${t})[${i}]`),
    fc.tuple(fc.constantFrom('J_pt', 'J_eta', 'K_x'), tie('e')).map(([t, i]) => `${t}[${i}]`),
  ),
})).e

function same(x: number, y: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y)
  if (x === y) return true
  return Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y))
}

type Outcome = 'rejected' | 'layout' | 'compared'

function compareToReference(src: string, d: Dataset): Outcome {
  const cols = columnsOf(d)
  const data = columnProvider(cols, d.a.length)
  const checked = checkExpr(src, data.symbols)
  if (!checked.ok) {
    expect(checked.error).toBeInstanceOf(ExprError)
    expect(checked.error.position).toBeLessThanOrEqual(src.length)
    return 'rejected'
  }
  let want: Value[] | LayoutMismatch
  try {
    want = evalAll(checked.value.ast, cols, data.entries)
  } catch (e) {
    if (!(e instanceof LayoutMismatch)) throw e
    want = e
  }
  let got: number[][] | ExprError
  let gotShape: 'flat' | 'jagged' | undefined
  try {
    const c = compile(checked.value, data).evaluate()
    gotShape = c.kind
    got = lists(c)
  } catch (e) {
    if (!(e instanceof ExprError)) throw e
    got = e
  }
  if (want instanceof LayoutMismatch || got instanceof ExprError) {
    expect(got instanceof ExprError, `${src}: compiled ${String(got)}`).toBe(
      want instanceof LayoutMismatch,
    )
    return 'layout'
  }
  expect(gotShape).toBe(checked.value.shape === 'jagged' ? 'jagged' : 'flat')
  for (let i = 0; i < want.length; i++) {
    const w = want[i]
    const g = got[i]
    const wl = Array.isArray(w) ? w : [w]
    const ok = wl.length === g.length && wl.every((x, k) => same(x, g[k]))
    expect(
      ok,
      `${src}, event ${i}: compiled ${JSON.stringify(g)} vs reference ${JSON.stringify(wl)}`,
    ).toBe(true)
  }
  if (checked.value.shape === 'scalar') {
    // The cut path (fused loops) must agree with the value's truth.
    const mask = evaluateMask(checked.value, data)
    const truth = (want as number[]).map((x) => (x !== 0 && !Number.isNaN(x) ? 1 : 0))
    expect(Array.from(mask), `mask of ${src}`).toEqual(truth)
  }
  return 'compared'
}

describe('compiled expressions agree with the reference interpreter', () => {
  it('random expressions over random events', () => {
    const seen: Record<Outcome, number> = { rejected: 0, layout: 0, compared: 0 }
    fc.assert(
      fc.property(expr, dataset, (src, d) => {
        seen[compareToReference(src, d)]++
      }),
      { numRuns: 3000 },
    )
    // Guard against a generator that only produces rejected text.
    expect(seen.compared, JSON.stringify(seen)).toBeGreaterThan(600)
    expect(seen.layout, JSON.stringify(seen)).toBeGreaterThan(30)
  })

  it('cut-shaped expressions (comparisons joined by && and ||)', () => {
    const side = fc.oneof(
      fc.constantFrom('a', 'b', 'J_pt[0]', 'Sum(J_eta)', 'Max(K_x)'),
      fc.constantFrom(...LITERALS),
    )
    const cmp = fc
      .tuple(side, fc.constantFrom('<', '<=', '>', '>=', '==', '!='), side)
      .map(([x, op, y]) => `${x} ${op} ${y}`)
    const cut = fc
      .array(fc.tuple(cmp, fc.constantFrom('&&', '||', '&& !')), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.map(([c, op], i) => (i ? `${op} ${c}` : c)).join(' '))
    fc.assert(
      fc.property(cut, dataset, (src, d) => {
        expect(compareToReference(src, d)).toBe('compared')
      }),
      { numRuns: 2000 },
    )
  })

  it('one compiled tree over two batches: the first result survives the second run', () => {
    fc.assert(
      fc.property(expr, dataset, dataset, (src, d1, d2) => {
        const data1 = columnProvider(columnsOf(d1), d1.a.length)
        const data2 = columnProvider(columnsOf(d2), d2.a.length)
        const checked = checkExpr(src, data1.symbols)
        if (!checked.ok) return
        const c = compile(checked.value, data1)
        const run = (d: typeof data1): number[][] | undefined => {
          try {
            return lists(c.evaluate(d))
          } catch (e) {
            if (!(e instanceof ExprError)) throw e
            return undefined
          }
        }
        const first = c.shape === 'jagged' ? undefined : run(data1)
        const firstColumn = first && c.evaluate(data1)
        run(data2) // reuses (and overwrites) every scratch buffer
        if (first && firstColumn) expect(lists(firstColumn)).toEqual(first)
        const fresh = compile(checked.value, data2)
        let want: number[][] | undefined
        try {
          want = lists(fresh.evaluate())
        } catch (e) {
          if (!(e instanceof ExprError)) throw e
        }
        expect(run(data2)).toEqual(want)
      }),
      { numRuns: 1000 },
    )
  })

  it('every generated text at least parses or fails with ExprError', () => {
    fc.assert(
      fc.property(expr, (src) => {
        const r = parse(src)
        if (!r.ok) expect(r.error).toBeInstanceOf(ExprError)
      }),
      { numRuns: 500 },
    )
  })
})
