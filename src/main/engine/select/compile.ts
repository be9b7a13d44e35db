/**
 * Expression → vectorised closures. Each syntax node becomes one closure that processes every
 * event of the batch at once through the loops in kernels.ts, interval.ts and jagged.ts, so the
 * per-event cost is a few machine instructions per node, not a closure call. Each node writes
 * into its own scratch buffers, reused between evaluations. Never `eval`/`new Function`.
 *
 * Errors: the text is checked first (unknown names, arity, shapes → ExprError); at run time the
 * only expression errors are combining lists of different layouts (ExprError pointing at the
 * operator) and data that do not match the shapes the expression was checked against.
 */
import {
  ExprError,
  FUNCTIONS,
  checkExpr,
  unwrap,
  type BinaryNode,
  type CallNode,
  type CheckedExpr,
  type ComparisonOp,
  type ConditionalNode,
  type Expr,
  type IndexNode,
  type Shape,
  type Span,
} from '../../../shared/expr'
import type { Column, NumericArray } from '../../../shared/column'
import {
  intervalMask,
  intervalMask2,
  intervalOf,
  maskWithInterval,
  type Interval,
} from './interval'
import { element, keep, reduce } from './jagged'
import { loadColumn } from './load'
import { aligner, maskArray, requireSameLayout, type Aligner } from './operands'
import {
  arith,
  arithScalar,
  compare,
  compareScalar,
  logical,
  map,
  negate,
  not,
  select,
  truthy,
} from './kernels'
import type { ColumnProvider } from './provider'
import { Scratch } from './scratch'
import { constVec, vecOf, type Operand, type Vec } from './vec'

/** A compiled expression, reusable over every batch with the same columns. */
export interface CompiledExpr {
  readonly source: string
  /** 'scalar': one value per event; 'jagged': a list per event. */
  readonly shape: Shape
  /** Columns read, in order of first appearance: decode only these. */
  readonly columns: readonly string[]
  /**
   * Values for every event of `data` (default: the provider given to compile): float64,
   * booleans as 0/1. The result belongs to the caller, but may share arrays with input
   * columns (`x` alone returns x's array): treat it as read-only.
   */
  evaluate(data?: ColumnProvider): Column
}

/**
 * Parses, checks and compiles `expr` against the columns of `columns`; throws ExprError for a
 * bad expression. A CheckedExpr is compiled as is.
 */
export function compile(expr: string | CheckedExpr, columns: ColumnProvider): CompiledExpr {
  const checked = typeof expr === 'string' ? unwrap(checkExpr(expr, columns.symbols)) : expr
  const tree = compileTree(checked)
  return {
    source: checked.source,
    shape: checked.shape,
    columns: checked.columns,
    evaluate(data = columns) {
      return toColumn(tree.run(data), data.entries, tree.scratch)
    },
  }
}

/** A compiled tree: `run` gives the root Vec, which may live in `scratch` until the next run. */
export interface CompiledTree {
  /**
   * `maskOut` (entries long) is where a boolean root (comparison, && or ||) writes its 0/1
   * bytes directly, saving the copy out of scratch; check `values === maskOut` to know.
   */
  readonly run: (data: ColumnProvider, maskOut?: Uint8Array) => Vec
  readonly scratch: Scratch
}

export function compileTree(checked: CheckedExpr): CompiledTree {
  const ctx: Ctx = { shapes: checked.shapes, scratch: new Scratch(), root: checked.ast }
  const root = node(checked.ast, ctx)
  return {
    run: (data, maskOut) => root({ data, entries: data.entries, maskOut }),
    scratch: ctx.scratch,
  }
}

/** A Vec as a Column of float64 values, copied out of scratch buffers. */
function toColumn(v: Vec, entries: number, scratch: Scratch): Column {
  if (v.kind === 'const') {
    return { kind: 'flat', type: 'float64', values: new Float64Array(entries).fill(v.value) }
  }
  const values =
    v.values instanceof Float64Array && !scratch.owns(v.values)
      ? v.values
      : Float64Array.from(v.values)
  if (v.kind === 'flat') return { kind: 'flat', type: 'float64', values }
  const offsets = scratch.owns(v.offsets) ? v.offsets.slice() : v.offsets
  return { kind: 'jagged', type: 'float64', offsets, values }
}

/** Compile-time context: node shapes from the checker, buffers of this compiled tree. */
interface Ctx {
  readonly shapes: ReadonlyMap<Expr, Shape>
  readonly scratch: Scratch
  readonly root: Expr
}

/** What the closures see while running over one batch. */
interface Run {
  readonly data: ColumnProvider
  readonly entries: number
  /** See CompiledTree.run. */
  readonly maskOut?: Uint8Array
}

/** Output bytes of boolean node `e`: the caller's mask for the root, else scratch. */
function boolOut(e: Expr, ctx: Ctx, slot: number, r: Run, n: number): Uint8Array {
  return e === ctx.root && r.maskOut && r.maskOut.length === n ? r.maskOut : ctx.scratch.u8(slot, n)
}

type Closure = (run: Run) => Vec

function node(e: Expr, ctx: Ctx): Closure {
  switch (e.type) {
    case 'number': {
      const v = constVec(e.value)
      return () => v
    }
    case 'name':
      return loadColumn(e, ctx.shapes.get(e) ?? 'scalar')
    case 'unary': {
      const operand = node(e.operand, ctx)
      if (e.op === '+') return operand
      const slot = ctx.scratch.slot()
      if (e.op === '-') {
        return (r) => {
          const v = operand(r)
          if (v.kind === 'const') return constVec(-v.value)
          return like(v, negate(v.values, ctx.scratch.f64(slot, v.values.length)))
        }
      }
      const truthSlot = ctx.scratch.slot()
      return (r) => {
        const v = operand(r)
        if (v.kind === 'const') return constVec(truthy(v.value) ? 0 : 1)
        const n = v.values.length
        const m = maskArray(v, v.values, ctx.scratch.u8(truthSlot, n))
        return like(v, not(m, ctx.scratch.u8(slot, n)), true)
      }
    }
    case 'binary':
      return binary(e, ctx)
    case 'conditional':
      return conditional(e, ctx)
    case 'call':
      return call(e, ctx)
    case 'index':
      return index(e, ctx)
  }
}

/** Values on the layout of `v` (flat, or v's offsets). */
function like(v: Exclude<Vec, { kind: 'const' }>, values: NumericArray, bool = false): Vec {
  return vecOf(values, v.kind === 'jagged' ? v.offsets : null, bool)
}

const COMPARISONS = new Set<string>(['<', '<=', '>', '>=', '==', '!='])

function isComparison(e: Expr): e is BinaryNode & { op: ComparisonOp } {
  return e.type === 'binary' && COMPARISONS.has(e.op)
}

function opSpan(e: BinaryNode): Span {
  return { start: e.opStart, end: e.opStart + e.op.length }
}

function binary(e: BinaryNode, ctx: Ctx): Closure {
  const { op } = e
  const at = opSpan(e)
  if (op === '&&' || op === '||') {
    return logicalNode(e, op, at, test(e.left, ctx), test(e.right, ctx), ctx)
  }
  const left = node(e.left, ctx)
  const right = node(e.right, ctx)
  const al = aligner(2, ctx.scratch)
  const slot = ctx.scratch.slot()
  if (isComparison(e)) {
    const cop = e.op
    return (r) => compareVecs(cop, left(r), right(r), at, r, al, (n) => boolOut(e, ctx, slot, r, n))
  }
  const aop = op as Exclude<typeof op, ComparisonOp>
  return (r) => {
    const a = left(r)
    const b = right(r)
    if (a.kind === 'const' && b.kind === 'const')
      return constVec(arithScalar(aop, a.value, b.value))
    const { operands, offsets, n } = al([a, b], at, r.entries)
    return vecOf(arith(aop, operands[0], operands[1], ctx.scratch.f64(slot, n)), offsets)
  }
}

function compareVecs(
  op: ComparisonOp,
  a: Vec,
  b: Vec,
  at: Span,
  r: Run,
  al: Aligner,
  out: (n: number) => Uint8Array,
): Vec {
  if (a.kind === 'const' && b.kind === 'const') return constVec(compareScalar(op, a.value, b.value))
  const { operands, offsets, n } = al([a, b], at, r.entries)
  return vecOf(compare(op, operands[0], operands[1], out(n)), offsets, true)
}

/**
 * An operand of && or ||, not yet turned into a mask: a comparison of a column-like value with
 * a constant stays an interval test so the logical operator can fuse it into its own loop.
 */
interface Test {
  readonly vec: Vec
  readonly interval?: Interval
}

function test(e: Expr, ctx: Ctx): (r: Run) => Test {
  if (!isComparison(e)) {
    const c = node(e, ctx)
    return (r) => ({ vec: c(r) })
  }
  const { op } = e
  const at = opSpan(e)
  const left = node(e.left, ctx)
  const right = node(e.right, ctx)
  const al = aligner(2, ctx.scratch)
  const slot = ctx.scratch.slot()
  const out = (n: number): Uint8Array => ctx.scratch.u8(slot, n)
  return (r) => {
    const a = left(r)
    const b = right(r)
    if (a.kind === 'const' && b.kind !== 'const')
      return { vec: b, interval: intervalOf(op, a.value, true) }
    if (b.kind === 'const' && a.kind !== 'const')
      return { vec: a, interval: intervalOf(op, b.value, false) }
    return { vec: compareVecs(op, a, b, at, r, al, out) }
  }
}

function logicalNode(
  e: BinaryNode,
  op: '&&' | '||',
  at: Span,
  left: (r: Run) => Test,
  right: (r: Run) => Test,
  ctx: Ctx,
): Closure {
  const { scratch } = ctx
  const al = aligner(2, ctx.scratch)
  const [outSlot, xSlot, ySlot] = [scratch.slot(), scratch.slot(), scratch.slot()]
  return (r) => {
    const ta = left(r)
    const tb = right(r)
    const a = ta.vec
    const b = tb.vec
    if (a.kind === 'const' && b.kind === 'const') {
      const t =
        op === '&&' ? truthy(a.value) && truthy(b.value) : truthy(a.value) || truthy(b.value)
      return constVec(t ? 1 : 0)
    }
    const { operands, offsets, n } = al([a, b], at, r.entries)
    const out = boolOut(e, ctx, outSlot, r, n)
    const [x, y] = operands
    // Fused paths: both tests in one loop, or a ready mask combined with one test.
    if (typeof x !== 'number' && typeof y !== 'number') {
      if (ta.interval && tb.interval) {
        return vecOf(intervalMask2(op, x, ta.interval, y, tb.interval, out), offsets, true)
      }
      if (tb.interval) {
        const mx = maskArray(a, x, scratch.u8(xSlot, n))
        return vecOf(maskWithInterval(op, mx, y, tb.interval, out), offsets, true)
      }
      if (ta.interval) {
        // && and || are symmetric for side-effect-free operands.
        const my = maskArray(b, y, scratch.u8(ySlot, n))
        return vecOf(maskWithInterval(op, my, x, ta.interval, out), offsets, true)
      }
    }
    const mx = testMask(a, ta.interval, x, () => scratch.u8(xSlot, n))
    const my = testMask(b, tb.interval, y, () => scratch.u8(ySlot, n))
    return vecOf(logical(op, mx, my, out), offsets, true)
  }
}

/** 0/1 form of a logical operand: a number stays a number, an array becomes a mask. */
function testMask(
  v: Vec,
  interval: Interval | undefined,
  operand: Operand,
  out: () => Uint8Array,
): Uint8Array | number {
  if (typeof operand === 'number') return truthy(operand) ? 1 : 0
  return interval ? intervalMask(operand, interval, out()) : maskArray(v, operand, out())
}

function conditional(e: ConditionalNode, ctx: Ctx): Closure {
  const parts = [node(e.test, ctx), node(e.consequent, ctx), node(e.alternate, ctx)]
  const al = aligner(3, ctx.scratch)
  const [outSlot, maskSlot] = [ctx.scratch.slot(), ctx.scratch.slot()]
  return (r) => {
    const [t, a, b] = parts.map((p) => p(r))
    if (t.kind === 'const' && a.kind === 'const' && b.kind === 'const') {
      return truthy(t.value) ? a : b
    }
    // Even with a constant test both branches are aligned: the result has the layout of any
    // jagged branch, and mismatched branches are an error whichever is taken.
    const { operands, offsets, n } = al([t, a, b], e, r.entries)
    const out = ctx.scratch.f64(outSlot, n)
    const [c, x, y] = operands
    if (typeof c === 'number') {
      const chosen = truthy(c) ? x : y
      if (typeof chosen === 'number') return vecOf(out.fill(chosen), offsets)
      return vecOf(chosen, offsets)
    }
    return vecOf(select(maskArray(t, c, ctx.scratch.u8(maskSlot, n)), x, y, out), offsets)
  }
}

function call(e: CallNode, ctx: Ctx): Closure {
  const spec = FUNCTIONS.get(e.callee)
  // The checker guarantees a known function with the right arity.
  if (!spec) throw new ExprError(`unknown function '${e.callee}'`, e.start, e.end)
  const args = e.args.map((a) => node(a, ctx))
  const slot = ctx.scratch.slot()
  if (spec.kind === 'reduction') {
    const [arg] = args
    const name = spec.name
    const bytes = name === 'Any' || name === 'All'
    return (r) => {
      const v = arg(r)
      if (v.kind !== 'jagged') throw new ExprError(`${name} expects a list`, e.start, e.end)
      const out = bytes ? ctx.scratch.u8(slot, r.entries) : ctx.scratch.f64(slot, r.entries)
      return vecOf(reduce(name, v.offsets, v.values, out), null, bytes)
    }
  }
  const { fn } = spec
  const at = { start: e.start, end: e.start + e.callee.length }
  const al = aligner(args.length, ctx.scratch)
  return (r) => {
    const vs = args.map((a) => a(r))
    const consts = vs.map((v) => (v.kind === 'const' ? v.value : NaN))
    if (vs.every((v) => v.kind === 'const')) return constVec(fn(...consts))
    const { operands, offsets, n } = al(vs, at, r.entries)
    return vecOf(map(fn, operands, ctx.scratch.f64(slot, n)), offsets)
  }
}

function index(e: IndexNode, ctx: Ctx): Closure {
  const target = node(e.target, ctx)
  const idx = node(e.index, ctx)
  const at = { start: e.bracket, end: e.end }
  const { scratch } = ctx
  const [outSlot, offsetSlot, maskSlot] = [scratch.slot(), scratch.slot(), scratch.slot()]
  return (r) => {
    const t = target(r)
    const i = idx(r)
    if (t.kind !== 'jagged') throw new ExprError('only a list can be indexed', at.start, at.end)
    if (i.kind === 'jagged') {
      requireSameLayout(t.offsets, i.offsets, at)
      const mask = maskArray(i, i.values, scratch.u8(maskSlot, i.values.length))
      const outOffsets = scratch.i32(offsetSlot, r.entries + 1)
      const kept = t.bool
        ? keep(t.offsets, t.values, mask, outOffsets, (m) => scratch.u8(outSlot, m))
        : keep(t.offsets, t.values, mask, outOffsets, (m) => scratch.f64(outSlot, m))
      return vecOf(kept.values, kept.offsets, t.bool)
    }
    const k = i.kind === 'const' ? i.value : i.values
    return vecOf(element(t.offsets, t.values, k, scratch.f64(outSlot, r.entries)), null)
  }
}
