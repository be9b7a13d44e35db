/**
 * JSON syntax errors of user files say where and what in words, and never quote the file: a
 * path typed in the window may name any file (`/etc/passwd`), and the engine's own message
 * echoes its first bytes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../../src/main/engine/io/errors'
import { jsonSyntaxProblem, parseJsonFile } from '../../../src/main/engine/io/json-file'

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n'

function errorOf(text: string): InputError {
  try {
    parseJsonFile(text, '/some/file.json')
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return e as InputError
  }
  throw new Error('parsed')
}

describe('parseJsonFile', () => {
  it('parses valid JSON, a byte-order mark allowed', () => {
    expect(parseJsonFile('{"a": [1, 2.5e3, "x\\n", true, null]}', 'f')).toEqual({
      a: [1, 2500, 'x\n', true, null],
    })
    expect(parseJsonFile('\ufeff[]', 'f')).toEqual([])
  })

  it('never quotes the content of a file that is not JSON', () => {
    const e = errorOf(PASSWD)
    expect(e.message).toBe(
      '/some/file.json: not valid JSON at line 1, column 1: a value was expected here (an object, array, string, number, true, false or null)',
    )
    for (const piece of ['root', 'x:0', 'bash', 'daemon']) expect(e.message).not.toContain(piece)
    // The engine's own message would have quoted it.
    expect(() => JSON.parse(PASSWD)).toThrow(/root/)
  })

  it('names line, column and what was expected', () => {
    const cases: [string, number, number, RegExp][] = [
      ['{\n  "a": 1,\n  "b": 2,\n}', 4, 1, /property name was expected after the comma/],
      ['[1, 2,]', 1, 7, /trailing or doubled comma/],
      ['{"a" 1}', 1, 6, /':' was expected after the property name/],
      ['{"a": 1 "b": 2}', 1, 9, /',' or '}' was expected/],
      ['[1 2]', 1, 4, /',' or ']' was expected/],
      ["{'a': 1}", 1, 2, /property name in double quotes/],
      ['{"a": \'x\'}', 1, 7, /single quotes/],
      ['{"a": [1, 2', 1, 12, /ends inside an array \(it looks cut short\)/],
      ['{"a": "zqsecret', 1, 7, /string is not closed/],
      ['{"a": "x\\q"}', 1, 9, /unknown escape/],
      ['{"a": -}', 1, 7, /invalid number/],
      ['{"a": 01}', 1, 8, /',' or '}' was expected/],
      ['{} {}', 1, 4, /more text follows/],
      ['', 1, 1, /empty/],
      ['  \n ', 1, 1, /empty/],
      ['{"a": "zqline\nzqbreak"}', 1, 14, /control character/],
      ['\u0000\u0001zqbinary', 1, 1, /binary content/],
    ]
    for (const [text, line, column, reason] of cases) {
      const p = jsonSyntaxProblem(text)
      expect(p, text).not.toBeNull()
      expect([p!.line, p!.column], text).toEqual([line, column])
      expect(p!.reason, text).toMatch(reason)
      expect(errorOf(text).message).not.toMatch(/zq/)
    }
  })

  it('agrees with JSON.parse on which texts are valid (mutated documents)', () => {
    const doc = fc.jsonValue().map((v) => JSON.stringify(v, null, 1))
    const mutated = fc
      .tuple(
        doc,
        fc.nat(),
        fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', 'x', ' ', '1'),
      )
      .map(([t, k, c]) => {
        const at = t.length ? k % t.length : 0
        return t.slice(0, at) + c + t.slice(at + (k % 2))
      })
    fc.assert(
      fc.property(mutated, (t) => {
        let valid = true
        try {
          JSON.parse(t)
        } catch {
          valid = false
        }
        expect(jsonSyntaxProblem(t) === null).toBe(valid)
      }),
      { numRuns: 2000 },
    )
  })

  it('handles deep nesting without overflowing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(99_999)
    expect(jsonSyntaxProblem(deep)?.reason).toMatch(/ends inside an array/)
  })
})
