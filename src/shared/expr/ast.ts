/**
 * Syntax tree of an expression. Every node records the 0-based character range
 * [start, end) of its text in the source, so later stages can report positioned errors.
 */
export interface Span {
  readonly start: number
  readonly end: number
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '**'
export type ComparisonOp = '<' | '<=' | '>' | '>=' | '==' | '!='
export type LogicalOp = '&&' | '||'
export type BinaryOp = ArithmeticOp | ComparisonOp | LogicalOp
export type UnaryOp = '-' | '+' | '!'

/** A numeric literal: `30`, `1e-3`, `.5`. */
export interface NumberNode extends Span {
  readonly type: 'number'
  readonly value: number
}

/** A column reference: `Jet_pt`. */
export interface NameNode extends Span {
  readonly type: 'name'
  readonly name: string
}

export interface UnaryNode extends Span {
  readonly type: 'unary'
  readonly op: UnaryOp
  readonly operand: Expr
}

export interface BinaryNode extends Span {
  readonly type: 'binary'
  readonly op: BinaryOp
  /** Offset of the operator (where run-time errors about this operation point). */
  readonly opStart: number
  readonly left: Expr
  readonly right: Expr
}

/** `test ? consequent : alternate`. */
export interface ConditionalNode extends Span {
  readonly type: 'conditional'
  readonly test: Expr
  readonly consequent: Expr
  readonly alternate: Expr
}

/** `name(args…)`; the callee range is [start, start + callee.length). */
export interface CallNode extends Span {
  readonly type: 'call'
  readonly callee: string
  readonly args: readonly Expr[]
}

/** `target[index]`: an element (scalar index) or a mask (jagged index). */
export interface IndexNode extends Span {
  readonly type: 'index'
  /** Offset of the `[`. */
  readonly bracket: number
  readonly target: Expr
  readonly index: Expr
}

export type Expr =
  NumberNode | NameNode | UnaryNode | BinaryNode | ConditionalNode | CallNode | IndexNode

/** Direct sub-expressions, in source order. */
export function children(e: Expr): readonly Expr[] {
  switch (e.type) {
    case 'number':
    case 'name':
      return []
    case 'unary':
      return [e.operand]
    case 'binary':
      return [e.left, e.right]
    case 'conditional':
      return [e.test, e.consequent, e.alternate]
    case 'call':
      return e.args
    case 'index':
      return [e.target, e.index]
  }
}

/** Column names the expression reads, each once, in order of first appearance. */
export function referencedColumns(e: Expr): string[] {
  const seen = new Set<string>()
  // Explicit stack, not recursion: the order is pre-order, left to right.
  const stack: Expr[] = [e]
  while (stack.length) {
    const node = stack.pop() as Expr
    if (node.type === 'name') seen.add(node.name)
    const kids = children(node)
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i])
  }
  return [...seen]
}
