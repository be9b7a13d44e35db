/**
 * The fused pass's code generator (select/scalar-codegen.ts) against compile.ts, value by value
 * and bit for bit (Object.is: NaN equals NaN, −0 differs from 0): every operator and function,
 * NaN and ±Inf, division by zero, booleans as 0/1, float32 and integer columns, derived
 * variables inlined; lists and model outputs are refused (null). And the rule that makes
 * generated code acceptable: no user text ever reaches it.
 */
import { describe, expect, it } from 'vitest'
import { check, checkExpr, unwrap, type CheckedExpr } from '../../../src/shared/expr'
import type { Column } from '../../../src/shared/column'
import { compile } from '../../../src/main/engine/select/compile'
import { checkVariables } from '../../../src/main/engine/select/derived'
import { generatedValues } from '../../../src/main/engine/select/fused-pass'
import { columnProvider, type ColumnProvider } from '../../../src/main/engine/select/provider'
import {
  CodegenInputs,
  numberCode,
  numberText,
  type NameResolver,
} from '../../../src/main/engine/select/scalar-codegen'

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  2,
  0.5,
  -2.5,
  3,
  7,
  0.1,
  1e308,
  -1e308,
  5e-324,
  NaN,
  Infinity,
  -Infinity,
]

/** n events of columns of every numeric type, special values cycled through, a fixed sequence. */
function columns(n: number): ColumnProvider {
  let s = 987654321
  const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32
  const a = new Float64Array(n)
  const b = new Float64Array(n)
  const f = new Float32Array(n)
  const k = new Int32Array(n)
  const q = new Uint8Array(n)
  const h = new Int16Array(n)
  for (let i = 0; i < n; i++) {
    a[i] = i % 3 === 0 ? SPECIAL[i % SPECIAL.length] : 200 * u() - 100
    b[i] = i % 5 === 0 ? SPECIAL[(i * 7) % SPECIAL.length] : 10 * u() - 5
    f[i] = i % 4 === 0 ? SPECIAL[(i * 3) % SPECIAL.length] : 50 * u() - 25
    k[i] = Math.floor(20 * u()) - 10
    q[i] = i % 7 === 0 ? 255 : Math.floor(2 * u())
    h[i] = Math.floor(600 * u()) - 300
  }
  const col = (values: Column['values'], type: Column['type']): Column => ({
    kind: 'flat',
    type,
    values,
  })
  return columnProvider({
    a: col(a, 'float64'),
    b: col(b, 'float64'),
    f: col(f, 'float32'),
    k: col(k, 'int32'),
    q: col(q, 'uint8'),
    h: col(h, 'int16'),
    jets: {
      kind: 'jagged',
      type: 'float64',
      offsets: new Int32Array(n + 1),
      values: new Float64Array(0),
    },
  })
}

const plain = (data: ColumnProvider): NameResolver => ({
  isColumn: (n) => data.symbols.get(n)?.jagged === false,
  derived: () => undefined,
})

/** Both paths' values; throws with the first differing event. */
function expectSame(expr: string | CheckedExpr, data: ColumnProvider, names = plain(data)): void {
  const checked = typeof expr === 'string' ? unwrap(checkExpr(expr, data.symbols)) : expr
  const got = generatedValues(checked, data, names)
  expect(got, `${checked.source} should be generated`).not.toBeNull()
  const want = compile(checked, data).evaluate(data).values
  for (let i = 0; i < data.entries; i++) {
    if (!Object.is(Number(want[i]), (got as Float64Array)[i]))
      throw new Error(`${checked.source}: event ${i}: compile.ts ${want[i]}, generated ${got?.[i]}`)
  }
}

const EXPRS = [
  // arithmetic, powers, division by zero (NaN), modulo, unary
  'a + b',
  'a - b',
  'a * b',
  'a / b',
  'a / 0',
  'a / -0',
  '0 / 0',
  '1 / a',
  'a % b',
  'a % 3',
  '-a % 2',
  'a ** 2',
  'a ** b',
  '2 ** k',
  'b ** 0.5',
  '(-2) ** 0.5',
  '-a',
  '- -a',
  '+a',
  '-(a > 0)',
  '+(a > 0)',
  'a / k',
  'k / 2',
  'k % 3',
  'f * 3',
  'f / f',
  'q + h',
  '-k',
  '1e999 * a',
  '-1e999 + a',
  '-0 * a',
  // comparisons (IEEE: NaN false except !=), as numbers
  'a < b',
  'a <= b',
  'a > b',
  'a >= b',
  'a == b',
  'a != b',
  'a == a',
  'a != a',
  'a > 0',
  '0 < a',
  'a == 0',
  'a != 0',
  'f > 1.5',
  'f == b',
  'k >= 3',
  'q == 255',
  'a < 1e999',
  'a > -1e999',
  'a < 0/0',
  // logic and truth (non-zero and not NaN)
  'a && b',
  'a || b',
  '!a',
  '!!a',
  'a > 0 && b < 0',
  'a > 0 || b < 0',
  '!(a > 0) && k',
  'q && f',
  '(a > 1) + (b > 1) * 2',
  'a && 1',
  'a || 0',
  '0 && a',
  '1 || a',
  'k != 0 && a / k > 1',
  // conditional
  'a > 0 ? a : b',
  'a ? 1 : 2',
  'k ? f : q',
  '(a > b) ? a > 0 : b',
  '1 ? a : b',
  '0 ? a : b > 0',
  // functions (the very function objects of the table)
  'abs(a)',
  'sqrt(a)',
  'exp(b)',
  'log(a)',
  'log10(f)',
  'pow(a, b)',
  'min(a, b)',
  'max(a, b)',
  'min(a, 0)',
  'max(0, f)',
  'hypot(a, b)',
  'atan2(a, b)',
  'sin(b)',
  'cos(b)',
  'tan(b)',
  'sinh(b)',
  'cosh(b)',
  'tanh(b)',
  'floor(a)',
  'ceil(f)',
  'deltaPhi(a, b)',
  'deltaR(a, b, f, k)',
  'mT(a, b, f, k)',
  'invMass(a, b, f, k, abs(a), b, f, h)',
  'abs(a - b) < 3 && sqrt(abs(f)) > 1',
  // constants folded with compile.ts's own scalar rules
  '2 ** 0.5 * a',
  'sqrt(2) + a',
  '(1 < 2) + a',
  '(3 / 0) + a',
  '!0 + a',
  '(1 ? 2 : 3) * a',
  'max(1, 0/0) + a',
]

describe('scalar code generation', () => {
  const data = columns(4099)
  it.each(EXPRS)('%s equals compile.ts bit for bit', (expr) => expectSame(expr, data))

  it('inlines derived variables (chains, booleans as 0/1) with compile.ts values', () => {
    const vars = checkVariables(
      [
        { name: 'ht', expr: 'a + abs(b)' },
        { name: 'pass', expr: 'ht > 20 && f < 0' },
        { name: 'r', expr: 'ht / k' },
      ] as never,
      data.symbols,
      'test',
    )
    const names: NameResolver = {
      isColumn: (n) => !vars.checked.has(n) && data.symbols.get(n)?.jagged === false,
      derived: (n) => vars.checked.get(n),
    }
    const withVars = {
      ...data,
      symbols: vars.symbols,
      column: (n: string) =>
        vars.checked.has(n)
          ? compile(vars.checked.get(n) as CheckedExpr, withVars).evaluate(withVars)
          : data.column(n),
    } as ColumnProvider
    for (const e of ['ht', 'pass', 'r * 2', 'pass + r', '-pass', 'pass ? ht : r'])
      expectSame(unwrap(checkExpr(e, vars.symbols)), withVars, names)
  })

  it('refuses lists, indexing, reductions and names it cannot resolve', () => {
    const names = plain(data)
    for (const e of ['jets', 'Sum(jets)', 'jets[0]', 'a + Max(jets)', 'Count(jets > 1) > 0']) {
      const c = unwrap(checkExpr(e, data.symbols))
      expect(numberCode(c, new CodegenInputs(), names), e).toBeNull()
    }
    const noDerived: NameResolver = { isColumn: (n) => n !== 'a', derived: () => undefined }
    expect(
      numberCode(unwrap(checkExpr('a + b', data.symbols)), new CodegenInputs(), noDerived),
    ).toBeNull()
  })
})

describe('no user text reaches generated code', () => {
  it('numbers are re-emitted from their values only', () => {
    for (const v of [0, -0, 1.5, -2, 1e-300, 5e-324, 1e308, NaN, Infinity, -Infinity, 0.1 + 0.2]) {
      const t = numberText(v)
      expect(t).toMatch(/^\(?-?([0-9.e+-]+|NaN|Infinity)\)?$/)
      expect(Object.is(Number(t.replace(/[()]/g, '')), v)).toBe(true)
    }
  })

  it('column names become indices: odd identifiers cannot inject code', () => {
    const evil = [
      'x]);globalThis.__pwned=1;//',
      '`${globalThis.__pwned=1}`',
      'constructor',
      '__proto__',
      "'); process.exit(1); ('",
      'a\n}globalThis.__pwned=1;function z(){',
    ]
    const n = 64
    const values = Float64Array.from({ length: n }, (_, i) => i - 10)
    const data = columnProvider(
      Object.fromEntries(
        evil.map((name) => [name, { kind: 'flat', type: 'float64', values } as Column]),
      ),
    )
    for (const name of evil) {
      // A column by name, as the explorer and histograms address one (app/source.ts checkValue).
      const node = { type: 'name' as const, name, start: 0, end: name.length }
      const checked = unwrap(check(name, node, data.symbols))
      const inputs = new CodegenInputs()
      const text = numberCode(checked, inputs, plain(data)) as string
      expect(text).toBe('v0')
      expect(inputs.columns).toEqual([name])
      const got = generatedValues(checked, data, plain(data)) as Float64Array
      expect(Array.from(got)).toEqual(Array.from(values))
    }
    // And within an expression: the text is made of fixed tokens, indices and numbers.
    const syms = new Map([
      ['weird_name', { jagged: false }],
      ['other', { jagged: false }],
    ])
    const c = unwrap(checkExpr('abs(weird_name - 3) > 1e-3 && !other ? -0 : other / 2', syms))
    const text = numberCode(c, new CodegenInputs(), {
      isColumn: () => true,
      derived: () => undefined,
    }) as string
    expect(text).not.toMatch(/weird|other|abs/)
    expect(text).toMatch(/^[\sv0-9()f.,?:!&|<>=*/+\-eTD]+$/)
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined()
  })
})
