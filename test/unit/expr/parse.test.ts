import { describe, expect, it } from 'vitest'
import { MAX_DEPTH, parse, tokenize, type Expr } from '../../../src/shared/expr'

/** Fully parenthesised rendering, to pin precedence and associativity. */
function show(e: Expr): string {
  switch (e.type) {
    case 'number':
      return String(e.value)
    case 'name':
      return e.name
    case 'unary':
      return `(${e.op}${show(e.operand)})`
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`
    case 'conditional':
      return `(${show(e.test)} ? ${show(e.consequent)} : ${show(e.alternate)})`
    case 'call':
      return `${e.callee}(${e.args.map(show).join(', ')})`
    case 'index':
      return `${show(e.target)}[${show(e.index)}]`
  }
}

function parsed(src: string): string {
  const r = parse(src)
  if (!r.ok) throw r.error
  return show(r.value)
}

describe('lexer', () => {
  it('reads numbers in every accepted form', () => {
    const values = tokenize('30 1.5 .5 1e-3 2E+2 7.')
      .filter((t) => t.kind === 'number')
      .map((t) => t.value)
    expect(values).toEqual([30, 1.5, 0.5, 0.001, 200, 7])
  })

  it('reads NanoAOD-style names and two-character operators', () => {
    const tokens = tokenize('Jet_pt>=Muon_E**2!=_x1')
    expect(tokens.map((t) => t.text)).toEqual([
      'Jet_pt',
      '>=',
      'Muon_E',
      '**',
      '2',
      '!=',
      '_x1',
      '',
    ])
    expect(tokens.map((t) => t.start)).toEqual([0, 6, 8, 14, 16, 17, 19, 22])
  })
})

describe('precedence and associativity', () => {
  const table: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['7 % 4 * 2', '((7 % 4) * 2)'],
    ['2 ** 3 ** 2', '(2 ** (3 ** 2))'],
    ['-2 ** 2', '(-(2 ** 2))'],
    ['2 ** -1', '(2 ** (-1))'],
    ['-a * b', '((-a) * b)'],
    ['!a && b', '((!a) && b)'],
    ['a || b && c', '(a || (b && c))'],
    ['a && b || c', '((a && b) || c)'],
    ['a < b == c > d', '((a < b) == (c > d))'],
    ['a + 1 > b * 2', '((a + 1) > (b * 2))'],
    ['a > 1 && b < 2', '((a > 1) && (b < 2))'],
    ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
    ['a || b ? c : d', '((a || b) ? c : d)'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['Jet_pt[0] ** 2', '(Jet_pt[0] ** 2)'],
    ['Jet_pt[Jet_pt > 30][0]', 'Jet_pt[(Jet_pt > 30)][0]'],
    ['Sum(Jet_pt[Jet_pt > 30])', 'Sum(Jet_pt[(Jet_pt > 30)])'],
    ['max(a, -b)', 'max(a, (-b))'],
    ['f()', 'f()'],
    ['--a', '(-(-a))'],
    ['+a', '(+a)'],
  ]
  it.each(table)('%s ⇒ %s', (src, want) => {
    expect(parsed(src)).toBe(want)
  })

  it('records source ranges', () => {
    const r = parse('  a + max(b, 1)')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect([r.value.start, r.value.end]).toEqual([2, 15])
    if (r.value.type !== 'binary') throw new Error('expected binary')
    expect(r.value.opStart).toBe(4)
    expect([r.value.right.start, r.value.right.end]).toEqual([6, 15])
  })
})

describe('syntax errors carry a position and say what was expected', () => {
  const table: [string, number, string][] = [
    ['(a + b', 6, "expected ')' at 6"],
    ['max(a, b', 8, "expected ',' or ')' at 8"],
    ['Jet_pt[0', 8, "expected ']' at 8"],
    ['a ? b', 5, "expected ':' at 5"],
    ['', 0, "expected a number, a name or '(' at 0"],
    ['a +', 3, "expected a number, a name or '(' at 3"],
    ['a + * b', 4, "expected a number, a name or '(' at 4 (found '*')"],
    ['a b', 2, 'expected an operator or the end of the expression at 2'],
    ['a )', 2, 'expected an operator or the end of the expression at 2'],
    ['1 < a < 2', 6, "comparisons cannot be chained: '<' at 6"],
    ['a == b != c', 7, 'comparisons cannot be chained'],
    ['a = 1', 2, "unexpected character '=' at 2 (use '==' to compare)"],
    ['a & b', 2, "use '&&'"],
    ['a | b', 2, "use '||'"],
    ['a ^ 2', 2, "use '**' for powers"],
    ['a # b', 2, "unexpected character '#' at 2"],
    ['2x', 0, "malformed number '2x' at 0"],
    ['1e', 0, "malformed number '1e'"],
    ['1.2.3', 0, "malformed number '1.2.3'"],
    ['"a"', 0, 'strings are not supported'],
  ]
  it.each(table)('%j → error at %i', (src, position, message) => {
    const r = parse(src)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.name).toBe('ExprError')
    expect(r.error.position).toBe(position)
    expect(r.error.end).toBeGreaterThanOrEqual(position)
    expect(r.error.message).toContain(message)
  })

  it('rejects absurd nesting with an ExprError, not a stack overflow', () => {
    for (const src of [
      '('.repeat(100_000) + 'a' + ')'.repeat(100_000),
      '-'.repeat(100_000) + 'a',
      Array.from({ length: 50_000 }, () => 'a').join(' + '),
      'a' + '[0]'.repeat(10_000),
      '2' + ' ** 2'.repeat(10_000),
    ]) {
      const r = parse(src)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.message).toContain(`more than ${MAX_DEPTH} levels`)
    }
  })

  it('accepts nesting up to a realistic depth', () => {
    expect(parse('('.repeat(50) + 'a' + ')'.repeat(50)).ok).toBe(true)
    expect(parse(Array.from({ length: 150 }, () => 'a').join(' + ')).ok).toBe(true)
  })
})
