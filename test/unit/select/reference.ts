/**
 * Slow reference interpreter: walks the syntax tree once per event with plain numbers and
 * arrays. Written independently of the vectorised compiler (only the scalar maths of the
 * function table is shared) so property tests can compare the two.
 */
import type { Column } from '../../../src/shared/column'
import { FUNCTIONS, type Expr } from '../../../src/shared/expr'

/** One event's value: a number, or a list for jagged expressions. */
export type Value = number | number[]

/** Jagged operands of different lengths in some event (the compiler raises an ExprError). */
export class LayoutMismatch extends Error {}

const truthy = (x: number): boolean => !Number.isNaN(x) && x !== 0
const bit = (b: boolean): number => (b ? 1 : 0)

/** Applies `f` per element, broadcasting numbers over lists; lists must have equal lengths. */
function broadcast(args: Value[], f: (...xs: number[]) => number): Value {
  const lists = args.filter((a): a is number[] => Array.isArray(a))
  if (lists.length === 0) return f(...(args as number[]))
  const len = lists[0].length
  if (lists.some((l) => l.length !== len)) throw new LayoutMismatch()
  const out: number[] = []
  for (let k = 0; k < len; k++) out.push(f(...args.map((a) => (Array.isArray(a) ? a[k] : a))))
  return out
}

// prettier-ignore
function binaryOp(op: string, x: number, y: number): number {
  switch (op) {
    case '+': return x + y
    case '-': return x - y
    case '*': return x * y
    case '/': return y === 0 ? NaN : x / y
    case '%': return x % y
    case '**': return Math.pow(x, y)
    case '<': return bit(x < y)
    case '<=': return bit(x <= y)
    case '>': return bit(x > y)
    case '>=': return bit(x >= y)
    case '==': return bit(x === y)
    case '!=': return bit(x !== y)
    case '&&': return bit(truthy(x) && truthy(y))
    case '||': return bit(truthy(x) || truthy(y))
  }
  throw new Error(`reference: no operator ${op}`)
}

// prettier-ignore
function reduce(name: string, xs: number[]): number {
  switch (name) {
    case 'Sum': return xs.reduce((s, x) => s + x, 0)
    case 'Count': return xs.filter(truthy).length
    case 'Length': return xs.length
    case 'Max': return xs.length ? Math.max(...xs) : NaN
    case 'Min': return xs.length ? Math.min(...xs) : NaN
    case 'Mean': return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN
    case 'Any': return bit(xs.some(truthy))
    case 'All': return bit(xs.every(truthy))
  }
  throw new Error(`reference: no reduction ${name}`)
}

/** Value of `e` for event `i`. Every operand is evaluated (no short-circuit), like the compiler. */
export function evalEvent(e: Expr, cols: Readonly<Record<string, Column>>, i: number): Value {
  const ev = (x: Expr): Value => evalEvent(x, cols, i)
  switch (e.type) {
    case 'number':
      return e.value
    case 'name': {
      const c = cols[e.name]
      if (c.kind === 'flat') return c.values[i]
      return Array.from(c.values.subarray(c.offsets[i], c.offsets[i + 1]))
    }
    case 'unary': {
      const v = ev(e.operand)
      if (e.op === '+') return v
      return broadcast([v], e.op === '-' ? (x) => -x : (x) => bit(!truthy(x)))
    }
    case 'binary': {
      const l = ev(e.left)
      const r = ev(e.right)
      return broadcast([l, r], (x, y) => binaryOp(e.op, x, y))
    }
    case 'conditional':
      return broadcast([ev(e.test), ev(e.consequent), ev(e.alternate)], (t, a, b) =>
        truthy(t) ? a : b,
      )
    case 'call': {
      const spec = FUNCTIONS.get(e.callee)
      if (!spec) throw new Error(`reference: no function ${e.callee}`)
      const args = e.args.map(ev)
      if (spec.kind === 'reduction') {
        const [list] = args
        if (!Array.isArray(list)) throw new Error('reference: reduction of a number')
        return reduce(spec.name, list)
      }
      return broadcast(args, spec.fn)
    }
    case 'index': {
      const t = ev(e.target)
      const k = ev(e.index)
      if (!Array.isArray(t)) throw new Error('reference: indexing a number')
      if (Array.isArray(k)) {
        if (k.length !== t.length) throw new LayoutMismatch()
        return t.filter((_, j) => truthy(k[j]))
      }
      return Number.isInteger(k) && k >= 0 && k < t.length ? t[k] : NaN
    }
  }
}

/** All events: numbers for a scalar expression, lists for a jagged one. */
export function evalAll(e: Expr, cols: Readonly<Record<string, Column>>, entries: number): Value[] {
  return Array.from({ length: entries }, (_, i) => evalEvent(e, cols, i))
}
