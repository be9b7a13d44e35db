/**
 * `hepwb inspect --json` prints one JSON document on stdout and nothing else, even when a
 * library under the reader has something to say: jsroot logs byte-count mismatches of a damaged
 * ROOT file with console.log (it used to land on stdout, before the JSON).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'
import { SKHEP } from '../io/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-inspect-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('hepwb inspect --json', () => {
  it('prints JSON only for a ROOT file jsroot complains about but reads', () => {
    // One byte of a TNamed in the TTree's metadata changed: jsroot logs "Missmatch in TNamed:1
    // bytecount expected = 62 got = 36" and still reads the tree.
    const bytes = readFileSync(`${SKHEP}uproot-HZZ.root`)
    bytes[212344] = 135
    const file = join(tmp, 'hzz-odd.root')
    writeFileSync(file, bytes)
    const r = hepwb('inspect', file, '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const info = JSON.parse(r.stdout) as { format: string; tables: { name: string }[] }
    expect(info.format).toBe('root')
    expect(info.tables.map((t) => t.name)).toEqual(['events'])
  })

  it('a damaged ROOT file: nothing on stdout, one JSON error line naming the file on stderr', () => {
    const bytes = readFileSync(`${SKHEP}uproot-HZZ.root`)
    bytes[211149] = 255 // the TTree's branch list: jsroot logs, then fails
    const file = join(tmp, 'hzz-bad.root')
    writeFileSync(file, bytes)
    const r = hepwb('inspect', file, '--json')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    const { error } = JSON.parse(lines[0]) as { error: string }
    expect(error.startsWith(`${file}`)).toBe(true)
    expect(error).not.toMatch(/Offset is outside|Cannot read propert|Missmatch/)
  })
})
