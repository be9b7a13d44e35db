/**
 * Static checks before anything runs: every name is a known column, every call a known function
 * with the right number of arguments, reductions get jagged arguments, only jagged values are
 * indexed. Works out for every node whether it is a scalar (one value per event) or jagged
 * (a list per event), which the compiler uses to pick its loops.
 */
import { referencedColumns, type CallNode, type Expr } from './ast'
import { ExprError, attempt, type ExprResult } from './errors'
import { FUNCTIONS, signature } from './functions'
import { parse } from './parser'
import { closest } from './suggest'

/** One value per event, or a variable-length list per event. */
export type Shape = 'scalar' | 'jagged'

/** What the checker needs to know about a column. */
export interface SymbolInfo {
  readonly jagged: boolean
}

/** Available columns by name. */
export type SymbolTable = ReadonlyMap<string, SymbolInfo>

/** A parsed expression that passed the checks. */
export interface CheckedExpr {
  readonly source: string
  readonly ast: Expr
  /** Shape of the whole expression. */
  readonly shape: Shape
  /** Shape of every node of `ast`. */
  readonly shapes: ReadonlyMap<Expr, Shape>
  /** Columns read, each once, in order of first appearance: decode only these. */
  readonly columns: readonly string[]
}

/** Parses and checks `source` against the available columns. */
export function checkExpr(source: string, symbols: SymbolTable): ExprResult<CheckedExpr> {
  const parsed = parse(source)
  if (!parsed.ok) return parsed
  return check(source, parsed.value, symbols)
}

/**
 * Like checkExpr, and also requires one value per event — what a cut or a weight must be.
 * `role` names it in the message (`a cut must be one value per event …`).
 */
export function checkScalar(
  source: string,
  symbols: SymbolTable,
  role = 'a cut',
): ExprResult<CheckedExpr> {
  const r = checkExpr(source, symbols)
  return r.ok ? requireScalar(r.value, role) : r
}

/** Fails a checked expression that is a list per event (see checkScalar). */
export function requireScalar(checked: CheckedExpr, role = 'a cut'): ExprResult<CheckedExpr> {
  if (checked.shape === 'scalar') return { ok: true, value: checked }
  const { ast } = checked
  return {
    ok: false,
    error: new ExprError(
      `${role} must be one value per event, but this is a list per event`,
      ast.start,
      ast.end,
      'reduce it with Any(…), All(…), Sum(…), Count(…) or pick an element with [0]',
    ),
  }
}

/** Checks an already parsed tree. */
export function check(source: string, ast: Expr, symbols: SymbolTable): ExprResult<CheckedExpr> {
  return attempt(() => {
    const shapes = new Map<Expr, Shape>()
    const shape = shapeOf(ast, symbols, shapes)
    return { source, ast, shape, shapes, columns: referencedColumns(ast) }
  })
}

function shapeOf(e: Expr, symbols: SymbolTable, shapes: Map<Expr, Shape>): Shape {
  const s = computeShape(e, symbols, shapes)
  shapes.set(e, s)
  return s
}

function computeShape(e: Expr, symbols: SymbolTable, shapes: Map<Expr, Shape>): Shape {
  const sub = (x: Expr): Shape => shapeOf(x, symbols, shapes)
  const anyJagged = (xs: readonly Expr[]): Shape => {
    // Every argument is checked (no short-circuit) so the first error in the text is reported.
    const all = xs.map(sub)
    return all.includes('jagged') ? 'jagged' : 'scalar'
  }
  switch (e.type) {
    case 'number':
      return 'scalar'
    case 'name': {
      const info = symbols.get(e.name)
      if (info) return info.jagged ? 'jagged' : 'scalar'
      const fn = FUNCTIONS.get(e.name)
      if (fn) {
        throw new ExprError(
          `'${e.name}' is a function`,
          e.start,
          e.end,
          `call it as ${signature(fn)}`,
        )
      }
      const near = closest(e.name, symbols.keys())
      throw new ExprError(
        `unknown variable '${e.name}'`,
        e.start,
        e.end,
        near ? `did you mean '${near}'?` : undefined,
      )
    }
    case 'unary':
      return sub(e.operand)
    case 'binary':
      return anyJagged([e.left, e.right])
    case 'conditional':
      return anyJagged([e.test, e.consequent, e.alternate])
    case 'call':
      return callShape(e, sub)
    case 'index': {
      const target = sub(e.target)
      const index = sub(e.index)
      if (target !== 'jagged') {
        throw new ExprError(
          'only a list (jagged value) can be indexed; this has one value per event',
          e.bracket,
          e.end,
        )
      }
      // A scalar index picks one element per event; a jagged one is a mask keeping elements.
      return index === 'jagged' ? 'jagged' : 'scalar'
    }
  }
}

function callShape(e: CallNode, sub: (x: Expr) => Shape): Shape {
  const nameEnd = e.start + e.callee.length
  const fn = FUNCTIONS.get(e.callee)
  if (!fn) {
    const near = closest(e.callee, FUNCTIONS.keys())
    throw new ExprError(
      `unknown function '${e.callee}'`,
      e.start,
      nameEnd,
      near ? `did you mean '${near}'?` : undefined,
    )
  }
  const want = fn.params.length
  if (e.args.length !== want) {
    throw new ExprError(
      `${e.callee} expects ${want} argument${want === 1 ? '' : 's'}, got ${e.args.length}`,
      e.start,
      e.end,
      `usage: ${signature(fn)}`,
    )
  }
  const shapes = e.args.map(sub)
  if (fn.kind === 'elementwise') return shapes.includes('jagged') ? 'jagged' : 'scalar'
  if (shapes[0] !== 'jagged') {
    const arg = e.args[0]
    throw new ExprError(
      `${e.callee} expects a list (jagged value), got one value per event`,
      arg.start,
      arg.end,
    )
  }
  return 'scalar'
}
