/**
 * A checked per-event expression → the JavaScript text of the same expression for ONE event,
 * for the fused pass (fused-pass.ts) to paste into its single loop. compile.ts runs an
 * expression column at a time, one full-length array per node; a fused loop reads each column
 * once per event and keeps intermediate values in registers, which is what lets one core pass
 * 10^8 events a second instead of 10^7.
 *
 * Why generated text is safe here although DESIGN.md §6 forbids `eval`/`new Function` on user
 * text: the text produced here never contains any user text. Every piece comes from one of
 *  - a fixed table below (operators → JS operators, `truthy`/division helpers by fixed name);
 *  - an index: a column becomes `v3`, read as `c3[i]` (its position in `columns`), a function `f2(…)` (its
 *    position in `functions`, which holds the very function objects of shared/expr/functions.ts,
 *    so results are those of compile.ts by construction). Column and function NAMES are never
 *    emitted; a name like `x]);process.exit(1);//` is just column number k;
 *  - a number re-emitted from its parsed value by `numberText`, which prints only
 *    `[0-9.e+-]`, `NaN` or `Infinity` and asserts so.
 * The test "odd identifiers cannot inject code" (test/unit/select/scalar-codegen.test.ts)
 * holds this to account.
 *
 * Semantics equal compile.ts to the bit (kernels.ts's rules): x / 0 is NaN; comparisons are
 * IEEE, giving 0/1 where a number is needed; a value is true when non-zero and not NaN; && and
 * || give 0/1; constant subtrees are folded with compile.ts's own scalar functions. Columns of
 * any numeric type are read as they are (`c[i]` is the same number compile.ts's loops read).
 * Anything else — lists (jagged shapes), indexing, reductions, model outputs, a name it cannot
 * resolve — gives null, and the caller keeps the column-at-a-time path.
 */
import { FUNCTIONS, type Expr, type Shape } from '../../../shared/expr'
import type { CheckedExpr } from '../../../shared/expr'
import { arithScalar, compareScalar, truthy } from './kernels'

/** Where a generated expression gets its inputs; shared by all expressions of one loop. */
export class CodegenInputs {
  /** File columns read, by position: `c{k}` in the text. */
  readonly columns: string[] = []
  /** Function objects called, by position: `f{k}` in the text. */
  readonly functions: ((...args: number[]) => number)[] = []

  /**
   * Column `name`'s value of the event: `v{k}`, read once at the top of the event by `loads()`
   * (TurboFan does not merge repeated `c{k}[i]` reads across the stores into the tallies —
   * any typed array may alias — and the one read makes the bench's loop ≈ 15 % faster).
   */
  column(name: string): string {
    let k = this.columns.indexOf(name)
    if (k < 0) k = this.columns.push(name) - 1
    return `v${k}`
  }

  /** The statement reading every column used so far for event `i` (arrays `c{k}`). */
  loads(): string {
    if (!this.columns.length) return ''
    return `const ${this.columns.map((_, k) => `v${k} = c${k}[i]`).join(', ')};`
  }

  fn(f: (...args: number[]) => number): string {
    let k = this.functions.indexOf(f)
    if (k < 0) k = this.functions.push(f) - 1
    return `f${k}`
  }
}

/**
 * How names resolve: a file column (flat), a derived variable to inline (its checked
 * expression), or neither (a model output, a list): the expression is not generated.
 */
export interface NameResolver {
  /** True when `name` is a flat file column of the sample. */
  isColumn(name: string): boolean
  /** The checked expression of derived variable `name`, if it is one. */
  derived(name: string): CheckedExpr | undefined
}

/**
 * Helpers the generated text may call, defined once at the top of a generated function
 * (fixed text, no user input): T — truth of a number; D — division with x / 0 = NaN.
 */
export const PRELUDE =
  'const T = (x) => x !== 0 && x === x;\n' + 'const D = (x, y) => (y === 0 ? NaN : x / y);\n'

/** A generated expression: its text and whether that text is a JS boolean or a number. */
interface Code {
  readonly text: string
  readonly bool: boolean
  /** Set when the expression is a constant (folded). */
  readonly value?: number
}

/** Text giving a number (booleans as 0/1). Null when `e` cannot be generated. */
export function numberCode(
  e: CheckedExpr,
  inputs: CodegenInputs,
  names: NameResolver,
): string | null {
  const c = gen(e.ast, e.shapes, inputs, names, 0)
  return c ? asNumber(c) : null
}

/** Text giving a JS boolean: the expression's truth (non-zero and not NaN), as a cut keeps. */
export function testCode(
  e: CheckedExpr,
  inputs: CodegenInputs,
  names: NameResolver,
): string | null {
  const c = gen(e.ast, e.shapes, inputs, names, 0)
  return c ? asTest(c) : null
}

/**
 * A number as JS source: only digits, '.', 'e', '+', '-', or NaN/Infinity; -0 kept. The
 * shortest round-trip form, so the value read back is the same float64.
 */
export function numberText(v: number): string {
  if (v !== v) return 'NaN'
  if (v === Infinity) return 'Infinity'
  if (v === -Infinity) return '(-Infinity)'
  if (v === 0) return Object.is(v, -0) ? '(-0)' : '0'
  const s = String(v)
  if (!/^-?[0-9.]+(e[+-][0-9]+)?$/.test(s)) throw new Error(`unexpected number text ${s}`)
  return v < 0 ? `(${s})` : s
}

function constant(v: number): Code {
  return { text: numberText(v), bool: false, value: v }
}

function asNumber(c: Code): string {
  return c.bool ? `(${c.text} ? 1 : 0)` : c.text
}

function asTest(c: Code): string {
  if (c.bool) return c.text
  if (c.value !== undefined) return truthy(c.value) ? 'true' : 'false'
  return `T(${c.text})`
}

/** Deeper trees than this (a pathological derived-variable chain) stay on compile.ts. */
const MAX_DEPTH = 200

function gen(
  e: Expr,
  shapes: ReadonlyMap<Expr, Shape>,
  inputs: CodegenInputs,
  names: NameResolver,
  depth: number,
): Code | null {
  if (depth > MAX_DEPTH) return null
  if ((shapes.get(e) ?? 'scalar') !== 'scalar') return null
  const sub = (x: Expr) => gen(x, shapes, inputs, names, depth + 1)
  switch (e.type) {
    case 'number':
      return constant(e.value)
    case 'name': {
      if (names.isColumn(e.name)) return { text: inputs.column(e.name), bool: false }
      const d = names.derived(e.name)
      if (!d || d.shape !== 'scalar') return null
      // A derived column holds the value as float64 (booleans 0/1): inline it as a number.
      const c = gen(d.ast, d.shapes, inputs, names, depth + 1)
      return c && { text: asNumber(c), bool: false, value: c.value }
    }
    case 'unary': {
      const x = sub(e.operand)
      if (!x) return null
      if (e.op === '+') return x
      if (e.op === '-') {
        if (x.value !== undefined) return constant(-x.value)
        return { text: `(-${asNumber(x)})`, bool: false }
      }
      if (x.value !== undefined) return constant(truthy(x.value) ? 0 : 1)
      return { text: `(!${asTest(x)})`, bool: true }
    }
    case 'binary': {
      const a = sub(e.left)
      const b = sub(e.right)
      if (!a || !b) return null
      const op = e.op
      if (op === '&&' || op === '||') {
        if (a.value !== undefined && b.value !== undefined) {
          const t =
            op === '&&' ? truthy(a.value) && truthy(b.value) : truthy(a.value) || truthy(b.value)
          return constant(t ? 1 : 0)
        }
        return { text: `(${asTest(a)} ${op} ${asTest(b)})`, bool: true }
      }
      const cop = COMPARE.get(op)
      if (cop) {
        if (a.value !== undefined && b.value !== undefined)
          return constant(compareScalar(op as never, a.value, b.value))
        return { text: `(${asNumber(a)} ${cop} ${asNumber(b)})`, bool: true }
      }
      const aop = ARITH.get(op)
      if (!aop) return null
      if (a.value !== undefined && b.value !== undefined)
        return constant(arithScalar(op as never, a.value, b.value))
      const x = asNumber(a)
      const y = asNumber(b)
      if (op === '/') {
        // A constant divisor needs no test: 0 makes every value NaN, as compile.ts's fill.
        if (b.value !== undefined)
          return b.value === 0 ? constant(NaN) : { text: `(${x} / ${y})`, bool: false }
        return { text: `D(${x}, ${y})`, bool: false }
      }
      return { text: `(${x} ${aop} ${y})`, bool: false }
    }
    case 'conditional': {
      const t = sub(e.test)
      const a = sub(e.consequent)
      const b = sub(e.alternate)
      if (!t || !a || !b) return null
      if (t.value !== undefined) return truthy(t.value) ? numeric(a) : numeric(b)
      return { text: `(${asTest(t)} ? ${asNumber(a)} : ${asNumber(b)})`, bool: false }
    }
    case 'call': {
      const spec = FUNCTIONS.get(e.callee)
      if (!spec || spec.kind !== 'elementwise' || spec.params.length !== e.args.length) return null
      const args: Code[] = []
      for (const a of e.args) {
        const c = sub(a)
        if (!c) return null
        args.push(c)
      }
      if (args.every((a) => a.value !== undefined))
        return constant(spec.fn(...args.map((a) => a.value as number)))
      return { text: `${inputs.fn(spec.fn)}(${args.map(asNumber).join(', ')})`, bool: false }
    }
    case 'index':
      return null
  }
}

/** A branch of a folded conditional, as the number compile.ts's select gives. */
function numeric(c: Code): Code {
  return c.bool ? { text: asNumber(c), bool: false } : c
}

/** The fixed operator tables: expression operator → JS operator (Maps: no inherited keys). */
const COMPARE: ReadonlyMap<string, string> = new Map([
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
  ['==', '==='],
  ['!=', '!=='],
])

const ARITH: ReadonlyMap<string, string> = new Map([
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['%', '%'],
  ['**', '**'],
])
