/**
 * Tokenizer: source text → tokens with 0-based [start, end) offsets. Names are
 * `[A-Za-z_][A-Za-z0-9_]*` (so `Jet_pt`, `Muon_E`); numbers are decimal with optional fraction
 * and exponent (`30`, `1.5`, `.5`, `1e-3`).
 */
import { ExprError } from './errors'

export type TokenKind = 'number' | 'name' | 'op' | 'end'

export interface Token {
  readonly kind: TokenKind
  /** The token's text; '' for the end token. */
  readonly text: string
  /** Numeric value of a number token (NaN otherwise). */
  readonly value: number
  readonly start: number
  readonly end: number
}

/** Operators and punctuation, longest first so `**` wins over `*` and `<=` over `<`. */
const OPERATORS = [
  '**', '<=', '>=', '==', '!=', '&&', '||',
  '+', '-', '*', '/', '%', '<', '>', '!', '?', ':', '(', ')', '[', ']', ',',
] // prettier-ignore

/** Characters users type by habit from other languages, with what to write instead. */
const MISTAKES: Readonly<Record<string, string>> = {
  '=': "use '==' to compare",
  '&': "use '&&' for 'and'",
  '|': "use '||' for 'or'",
  '^': "use '**' for powers",
  '"': 'strings are not supported',
  "'": 'strings are not supported',
}

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y
const NAME_CHAR = /[A-Za-z0-9_.]/
const SPACE = /\s/

/** Splits `source` into tokens ending with one `end` token; throws ExprError on a bad character. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]
    if (SPACE.test(c)) {
      i++
      continue
    }
    NUMBER.lastIndex = i
    const num = NUMBER.exec(source)
    if (num) {
      let end = i + num[0].length
      // `2x`, `1e`, `1.2.3`: a number running into letters or a second dot is one bad token.
      if (end < source.length && NAME_CHAR.test(source[end])) {
        while (end < source.length && NAME_CHAR.test(source[end])) end++
        throw new ExprError(`malformed number '${source.slice(i, end)}'`, i, end)
      }
      tokens.push({ kind: 'number', text: num[0], value: Number(num[0]), start: i, end })
      i = end
      continue
    }
    NAME.lastIndex = i
    const name = NAME.exec(source)
    if (name) {
      const end = i + name[0].length
      tokens.push({ kind: 'name', text: name[0], value: NaN, start: i, end })
      i = end
      continue
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i))
    if (op) {
      tokens.push({ kind: 'op', text: op, value: NaN, start: i, end: i + op.length })
      i += op.length
      continue
    }
    const shown = c === '\n' ? '\\n' : c
    throw new ExprError(`unexpected character '${shown}'`, i, i + 1, MISTAKES[c])
  }
  tokens.push({ kind: 'end', text: '', value: NaN, start: source.length, end: source.length })
  return tokens
}
