/**
 * Writing a user-chosen path (issue 17, item 9): an existing file is refused unless the request
 * says overwrite, a folder never, and a failed write leaves the old file as it was.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  FileExistsError,
  OutputPathError,
  moveIntoPlace,
  writeOutputFile,
} from '../../../src/main/engine/io/output-file'

const dir = () => mkdtempSync(join(tmpdir(), 'hepwb-out-'))

describe('writeOutputFile', () => {
  it('writes a new file, refuses an existing one unless overwrite', () => {
    const d = dir()
    const f = join(d, 'ws.json')
    writeOutputFile(f, '{"a": 1}', false)
    expect(readFileSync(f, 'utf8')).toBe('{"a": 1}')
    expect(() => writeOutputFile(f, 'new', false)).toThrow(FileExistsError)
    expect(() => writeOutputFile(f, 'new', false)).toThrow(`${f} already exists`)
    expect(readFileSync(f, 'utf8')).toBe('{"a": 1}')
    writeOutputFile(f, 'new', true)
    expect(readFileSync(f, 'utf8')).toBe('new')
    expect(readdirSync(d)).toEqual(['ws.json'])
  })

  it('never writes over a folder or into a missing one', () => {
    const d = dir()
    mkdirSync(join(d, 'sub'))
    expect(() => writeOutputFile(join(d, 'sub'), 'x', true)).toThrow(OutputPathError)
    expect(() => writeOutputFile(join(d, 'sub'), 'x', true)).toThrow(/is a folder/)
    expect(() => writeOutputFile(join(d, 'no', 'f.json'), 'x', true)).toThrow(
      /the folder .* does not exist/,
    )
  })

  it('does not replace a file that appeared after the check (no overwrite)', () => {
    const d = dir()
    const tmp = join(d, '.t')
    const f = join(d, 'f')
    writeFileSync(tmp, 'mine')
    writeFileSync(f, 'theirs')
    expect(() => moveIntoPlace(tmp, f, false)).toThrow(FileExistsError)
    expect(readFileSync(f, 'utf8')).toBe('theirs')
  })
})
