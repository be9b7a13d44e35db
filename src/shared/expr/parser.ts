/**
 * Recursive-descent parser: tokens → syntax tree. Precedence, loosest first:
 *
 *     ?:  (right)   ||   &&   == !=  (no chaining)   < <= > >=  (no chaining)
 *     + -   * / %   unary - + !   ** (right; binds tighter than unary minus)   f(…) x[…]
 *
 * As in Python, `-2**2` is -(2**2) = -4 and `2**-1` is 0.5. Chained comparisons
 * (`1 < x < 2`) are rejected rather than given C's surprising meaning.
 */
import type { BinaryOp, Expr, UnaryOp } from './ast'
import { ExprError, attempt, type ExprResult } from './errors'
import { tokenize, type Token } from './lexer'

/**
 * Deepest nesting accepted. Deeper text is certainly not a hand-written cut, and the limit keeps
 * every recursive stage (checker, compiler, evaluation) far from the call-stack limit.
 */
export const MAX_DEPTH = 200

/** Parses `source` into a syntax tree, or a positioned ExprError. */
export function parse(source: string): ExprResult<Expr> {
  return attempt(() => new Parser(source).parseAll())
}

const RELATIONAL = new Set(['<', '<=', '>', '>='])
const EQUALITY = new Set(['==', '!='])

class Parser {
  private readonly tokens: Token[]
  private pos = 0
  private depth = 0
  /** Height of each built subtree: a long `a+b+c+…` chain is shallow to parse but deep to walk. */
  private readonly heights = new WeakMap<Expr, number>()

  constructor(source: string) {
    this.tokens = tokenize(source)
  }

  parseAll(): Expr {
    const e = this.expression()
    const t = this.peek()
    if (t.kind !== 'end') {
      throw new ExprError(
        'expected an operator or the end of the expression',
        t.start,
        t.end,
        found(t),
      )
    }
    return e
  }

  private peek(): Token {
    return this.tokens[this.pos]
  }

  private next(): Token {
    const t = this.tokens[this.pos]
    if (t.kind !== 'end') this.pos++
    return t
  }

  private isOp(text: string): boolean {
    const t = this.peek()
    return t.kind === 'op' && t.text === text
  }

  private expect(text: string): Token {
    const t = this.peek()
    if (t.kind === 'op' && t.text === text) return this.next()
    throw new ExprError(`expected '${text}'`, t.start, t.end, found(t))
  }

  /** Registers a node's height and rejects trees deeper than MAX_DEPTH. */
  private node<E extends Expr>(e: E, kids: readonly Expr[]): E {
    let h = 0
    for (const k of kids) h = Math.max(h, this.heights.get(k) ?? 0)
    if (h + 1 > MAX_DEPTH) throw tooDeep(e.start, e.end)
    this.heights.set(e, h + 1)
    return e
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_DEPTH) throw tooDeep(at.start, at.end)
  }

  private expression(): Expr {
    this.enter(this.peek())
    try {
      return this.conditional()
    } finally {
      this.depth--
    }
  }

  private conditional(): Expr {
    const test = this.binary(0)
    if (!this.isOp('?')) return test
    this.next()
    const consequent = this.expression()
    this.expect(':')
    const alternate = this.expression()
    const kids = [test, consequent, alternate]
    return this.node(
      { type: 'conditional', test, consequent, alternate, start: test.start, end: alternate.end },
      kids,
    )
  }

  /** Binary levels, loosest first; `chain` false means at most one operator at that level. */
  private static readonly LEVELS: readonly { ops: ReadonlySet<string>; chain: boolean }[] = [
    { ops: new Set(['||']), chain: true },
    { ops: new Set(['&&']), chain: true },
    { ops: EQUALITY, chain: false },
    { ops: RELATIONAL, chain: false },
    { ops: new Set(['+', '-']), chain: true },
    { ops: new Set(['*', '/', '%']), chain: true },
  ]

  private binary(level: number): Expr {
    if (level === Parser.LEVELS.length) return this.unary()
    const { ops, chain } = Parser.LEVELS[level]
    let left = this.binary(level + 1)
    let count = 0
    for (;;) {
      const t = this.peek()
      if (t.kind !== 'op' || !ops.has(t.text)) return left
      if (!chain && count > 0) {
        throw new ExprError(
          `comparisons cannot be chained: '${t.text}'`,
          t.start,
          t.end,
          "write 'a < b && b < c'",
        )
      }
      this.next()
      const right = this.binary(level + 1)
      const op = t.text as BinaryOp
      left = this.node(
        { type: 'binary', op, opStart: t.start, left, right, start: left.start, end: right.end },
        [left, right],
      )
      count++
    }
  }

  private unary(): Expr {
    const t = this.peek()
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '!')) {
      this.next()
      this.enter(t)
      try {
        const operand = this.unary()
        const op = t.text as UnaryOp
        return this.node({ type: 'unary', op, operand, start: t.start, end: operand.end }, [
          operand,
        ])
      } finally {
        this.depth--
      }
    }
    return this.power()
  }

  private power(): Expr {
    const base = this.postfix()
    const t = this.peek()
    if (!(t.kind === 'op' && t.text === '**')) return base
    this.next()
    // The exponent is a unary expression: right-associative, and `2**-1` works.
    this.enter(t)
    try {
      const exponent = this.unary()
      return this.node(
        {
          type: 'binary',
          op: '**',
          opStart: t.start,
          left: base,
          right: exponent,
          start: base.start,
          end: exponent.end,
        },
        [base, exponent],
      )
    } finally {
      this.depth--
    }
  }

  private postfix(): Expr {
    let e = this.primary()
    while (this.isOp('[')) {
      const bracket = this.next()
      const index = this.expression()
      const close = this.expect(']')
      e = this.node(
        { type: 'index', bracket: bracket.start, target: e, index, start: e.start, end: close.end },
        [e, index],
      )
    }
    return e
  }

  private primary(): Expr {
    const t = this.next()
    if (t.kind === 'number') {
      return this.node({ type: 'number', value: t.value, start: t.start, end: t.end }, [])
    }
    if (t.kind === 'name') {
      if (!this.isOp('('))
        return this.node({ type: 'name', name: t.text, start: t.start, end: t.end }, [])
      this.next()
      const args: Expr[] = []
      if (!this.isOp(')')) {
        for (;;) {
          args.push(this.expression())
          if (this.isOp(',')) {
            this.next()
            continue
          }
          const u = this.peek()
          if (this.isOp(')')) break
          throw new ExprError(`expected ',' or ')'`, u.start, u.end, found(u))
        }
      }
      const close = this.expect(')')
      return this.node({ type: 'call', callee: t.text, args, start: t.start, end: close.end }, args)
    }
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.expression()
      this.expect(')')
      // Parentheses leave no node; the inner range is what errors point at.
      return inner
    }
    throw new ExprError("expected a number, a name or '('", t.start, t.end, found(t))
  }
}

function found(t: Token): string {
  return t.kind === 'end' ? 'found the end of the expression' : `found '${t.text}'`
}

function tooDeep(start: number, end: number): ExprError {
  return new ExprError(`expression nested more than ${MAX_DEPTH} levels deep`, start, end)
}
