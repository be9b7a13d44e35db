/**
 * The threshold of a cut: the number in a comparison `x OP c` or `c OP x` (OP one of < <= > >=),
 * found in the syntax tree, with the span of its text — so the N−1 plot draws it and dragging
 * it rewrites exactly those characters, leaving the rest of the cut as the user typed it.
 */
import type { Expr, Span } from './ast'
import { parse } from './parser'

export type RelationalOp = '<' | '<=' | '>' | '>='

/** A comparison of a variable with a constant. */
export interface Threshold extends Span {
  /** The variable compared (a column or a derived variable). */
  readonly variable: string
  /** The operator as written (`20 < pt` keeps '<'). */
  readonly op: RelationalOp
  /** True for `c OP x` (the constant written first). */
  readonly reversed: boolean
  /** The constant, its sign included: `eta > -2.4` gives -2.4. */
  readonly value: number
  // start, end: 0-based [start, end) of the constant's text, a leading sign included.
}

const RELATIONAL = new Set(['<', '<=', '>', '>='])

/**
 * Every `x OP c` / `c OP x` comparison of `ast` that must hold for the cut to pass: the cut
 * itself, or the terms of a top-level `&&` chain (`pt > 50 && eta < 2.4`), in source order.
 * Comparisons under `||`, `!`, `?:` or a function are not thresholds of the cut.
 */
export function comparisons(source: string, ast: Expr): Threshold[] {
  if (ast.type !== 'binary') return []
  if (ast.op === '&&') return [...comparisons(source, ast.left), ...comparisons(source, ast.right)]
  if (!RELATIONAL.has(ast.op)) return []
  const op = ast.op as RelationalOp
  const right = constant(source, ast.right)
  if (ast.left.type === 'name' && right)
    return [{ variable: ast.left.name, op, reversed: false, ...right }]
  const left = constant(source, ast.left)
  if (ast.right.type === 'name' && left)
    return [{ variable: ast.right.name, op, reversed: true, ...left }]
  return []
}

/**
 * The threshold of the cut `source`: its only comparison of a variable with a constant, or —
 * given `variable` (the N−1 plot's) — its only comparison of that variable. Null for a cut that
 * does not parse, has none, or has several (`M > 80 && M < 100`: which edge would a drag move?).
 */
export function thresholdOf(source: string, variable?: string): Threshold | null {
  const r = parse(source)
  if (!r.ok) return null
  const all = comparisons(source, r.value).filter(
    (t) => variable === undefined || t.variable === variable,
  )
  return all.length === 1 ? all[0] : null
}

/**
 * `source` with the characters of `span` (a threshold's) replaced by `value`, written as the
 * shortest text that reads back as it (snap it first: shared/format/cut-value.ts). Everything
 * else — spaces, parentheses, the other terms — stays as typed. `value` must be finite.
 */
export function withThreshold(source: string, span: Span, value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`a threshold must be finite, got ${value}`)
  return source.slice(0, span.start) + String(value) + source.slice(span.end)
}

/**
 * A number literal, possibly signed (`-2.4`, `- 2.4`, `+3`): its value and the span of its
 * text. A sign outside parentheses (`-(2.4)`) is not taken: the tree keeps no node for the
 * parentheses, so no span covers the sign and the number without cutting one of them.
 */
function constant(source: string, e: Expr): { value: number; start: number; end: number } | null {
  if (e.type === 'number') return { value: e.value, start: e.start, end: e.end }
  if (e.type === 'unary' && (e.op === '-' || e.op === '+')) {
    const inner = constant(source, e.operand)
    if (!inner || source.slice(e.start + 1, inner.start).trim() !== '') return null
    return { value: e.op === '-' ? -inner.value : inner.value, start: e.start, end: inner.end }
  }
  return null
}
