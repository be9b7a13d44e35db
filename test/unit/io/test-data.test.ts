/**
 * The tests' data travel with the project: every test reads real data from test/data/ (through
 * shared-data.ts, or test/e2e/test-data.ts for the end-to-end specs), never from the collection
 * beside the checkout except through SHARED's large checks; each source folder says where its
 * files come from, under which licence, and what was cut; the folder stays a few MB.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/cli'
import { COFFEA, DATA, SKHEP } from './shared-data'

/** Files under `dir` (recursively), as paths relative to the repository root. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(root, f))
}

describe('test data (test/data)', () => {
  it('lies inside the repository', () => {
    for (const dir of [DATA, SKHEP, COFFEA]) {
      expect(relative(root, dir).startsWith('test/data')).toBe(true)
      expect(statSync(dir).isDirectory()).toBe(true)
    }
  })

  it('is read by no test from ../shared/data except through shared-data.ts', () => {
    // The spellings the tests used for the collection beside the checkout, in code (a quoted
    // path, or path segments); prose in comments may name it.
    const outside = /['"`][^'"`\n]*shared\/data|'shared',\s*'data'|\/work\/shared/
    const allowed = new Set(['test/unit/io/shared-data.ts', 'test/unit/io/test-data.test.ts'])
    const offenders = [...files(join(root, 'test/unit')), ...files(join(root, 'test/e2e'))]
      .filter((f) => /\.(ts|mts|mjs|js)$/.test(f) && !allowed.has(f))
      .filter((f) => outside.test(readFileSync(join(root, f), 'utf8')))
    expect(offenders).toEqual([])
  })

  it('gives each source folder a SOURCE.md with origin, licence and what was cut', () => {
    const folders = readdirSync(DATA, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'tools')
      .map((d) => d.name)
    expect(folders.length).toBeGreaterThan(5)
    for (const f of folders) {
      const text = readFileSync(join(DATA, f, 'SOURCE.md'), 'utf8')
      expect(text, f).toMatch(/^# Source: /)
      expect(text, f).toMatch(/https:\/\/github\.com\/|scikit-hep\/pyhf/)
      expect(text, f).toMatch(/licen[cs]e/i)
      expect(text, f).toMatch(/## In this project/)
    }
  })

  it('stays small: under 12 MB, no file over 1.5 MB', () => {
    const sizes = files(DATA).map((f) => statSync(join(root, f)).size)
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(12e6)
    expect(Math.max(...sizes)).toBeLessThan(1.5e6)
  })
})
