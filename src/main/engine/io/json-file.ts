/**
 * JSON text of a user's file (a spec, a training config, a workspace) turned into a value, with
 * syntax errors reported by position and in words only. The engine's own JSON.parse message
 * quotes the text (`Unexpected token 'r', "root:x:0:0"… is not valid JSON`), and a path the
 * user typed may name any file on the machine: an error must never echo its bytes.
 */
import { InputError } from './errors'

/** Where and why JSON text does not parse: 1-based line and column, 0-based offset. */
export interface JsonSyntaxProblem {
  offset: number
  line: number
  column: number
  /** What is wrong, in words; never a piece of the text. */
  reason: string
}

const BOM = '\ufeff'

/**
 * Parses JSON `text` read from `file` (a leading UTF-8 byte-order mark is allowed). A syntax
 * error is an InputError naming the file, line and column and what was expected — never the
 * file's content.
 */
export function parseJsonFile(text: string, file: string): unknown {
  const body = text.startsWith(BOM) ? text.slice(1) : text
  try {
    return JSON.parse(body)
  } catch {
    // The engine's message is dropped on purpose: it quotes the text.
    const p = jsonSyntaxProblem(body)
    if (!p) throw new InputError({ file }, 'not valid JSON')
    throw new InputError(
      { file },
      `not valid JSON at line ${p.line}, column ${p.column}: ${p.reason}`,
    )
  }
}

/**
 * The first syntax error of `text` as JSON (RFC 8259), or null when it is valid. A validating
 * scan with an explicit stack (deep nesting cannot overflow), used after JSON.parse failed.
 */
export function jsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  const at = (offset: number, reason: string): JsonSyntaxProblem => {
    const before = text.slice(0, offset)
    const line = before.split('\n').length
    return { offset, line, column: offset - before.lastIndexOf('\n'), reason }
  }
  if (text.trim() === '') return at(0, 'the file is empty (no JSON value)')
  if (text.includes('\0') || text.includes('\ufffd'))
    return at(
      Math.max(0, Math.min(indexOrEnd(text, '\0'), indexOrEnd(text, '\ufffd'))),
      'binary content, not JSON text',
    )
  let i = 0
  /** The open containers, innermost last: '{' or '['. */
  const stack: string[] = []
  /** Set when the last value scanned opened a container (its first element may follow). */
  let fresh = false
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++
  }
  const end = (): boolean => i >= text.length
  const ended = (what: string): JsonSyntaxProblem =>
    at(text.length, `the file ends ${what} (it looks cut short)`)

  /** Scans a string starting at its quote; returns a problem or null. */
  const string = (): JsonSyntaxProblem | null => {
    const start = i
    i++
    for (;;) {
      if (end()) return at(start, 'a string is not closed (no matching double quote)')
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        i++
        return null
      }
      if (c < 0x20) return at(i, 'a control character (e.g. a line break) inside a string')
      if (c === 0x5c) {
        const e = text[i + 1]
        if (e === undefined) return ended('inside a string')
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            return at(i, 'a \\u escape needs four hexadecimal digits')
          i += 6
        } else if ('"\\/bfnrt'.includes(e)) i += 2
        else return at(i, 'an unknown escape sequence in a string')
      } else i++
    }
  }

  /** Scans one scalar or opens a container; returns a problem or null. */
  const value = (): JsonSyntaxProblem | null => {
    ws()
    if (end()) return ended('where a value was expected')
    const c = text[i]
    if (c === '{' || c === '[') {
      stack.push(c)
      fresh = true
      i++
      return null
    }
    if (c === '"') return string()
    for (const word of ['true', 'false', 'null'])
      if (text.startsWith(word, i)) {
        i += word.length
        return null
      }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m && m[0].length > 0 && m[0] !== '-') {
      i += m[0].length
      return null
    }
    if (c === '-' || (c >= '0' && c <= '9')) return at(i, 'an invalid number')
    if (c === "'") return at(i, 'a string in single quotes (JSON needs double quotes)')
    if (c === '}' || c === ']' || c === ',')
      return at(i, 'a value was expected here (a trailing or doubled comma?)')
    return at(
      i,
      'a value was expected here (an object, array, string, number, true, false or null)',
    )
  }

  /** After a property name: `:` and the value. */
  const member = (): JsonSyntaxProblem | null => {
    ws()
    if (end()) return ended('inside an object')
    if (text[i] !== '"')
      return at(
        i,
        text[i] === '}'
          ? 'a property name was expected after the comma (a trailing comma?)'
          : 'a property name in double quotes was expected',
      )
    const s = string()
    if (s) return s
    ws()
    if (end()) return ended('inside an object')
    if (text[i] !== ':') return at(i, "a ':' was expected after the property name")
    i++
    return value()
  }

  let problem = value()
  while (!problem) {
    ws()
    const top = stack[stack.length - 1]
    if (top === undefined) break
    const close = top === '{' ? '}' : ']'
    // Just after an opening bracket: it may close at once, else its first element follows.
    const opened = fresh
    fresh = false
    if (end()) {
      problem = ended(top === '{' ? 'inside an object' : 'inside an array')
      break
    }
    if (text[i] === close) {
      stack.pop()
      i++
      continue
    }
    if (opened) {
      problem = top === '{' ? member() : value()
      continue
    }
    if (text[i] !== ',') {
      problem = at(
        i,
        top === '{'
          ? "a ',' or '}' was expected after a property's value"
          : "a ',' or ']' was expected after an array element",
      )
      break
    }
    i++
    problem = top === '{' ? member() : value()
  }
  if (problem) return problem
  ws()
  return end() ? null : at(i, 'more text follows the JSON value')
}

function indexOrEnd(text: string, c: string): number {
  const k = text.indexOf(c)
  return k < 0 ? text.length : k
}
