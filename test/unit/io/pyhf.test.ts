/** Reading pyhf workspaces, patchsets and JSON Patch files from disk (plain and gzip). */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../../src/main/engine/io/errors'
import {
  JSON_LIMITS,
  listPatchNames,
  loadPatch,
  loadPatchedWorkspace,
  loadWorkspace,
  readJsonFile,
  splitPatchSpec,
} from '../../../src/main/engine/io/pyhf'
import { DATA, itShared } from './shared-data'

const LBB = DATA + 'hepdata-pyhf-extractor_1Lbb/'
const SB = DATA + 'skhep-testdata/sbottom_ins1748602_extracted/RegionA/'
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-pyhf-'))

async function failure(p: Promise<unknown>): Promise<InputError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return e as InputError
  }
  throw new Error('expected an InputError')
}

describe('io/pyhf', () => {
  it('reads a gzip workspace by its magic bytes (workspace_v1.json.gz = 1Lbb_BkgOnly.json)', async () => {
    const a = await loadWorkspace(`${LBB}workspace_v1.json.gz`)
    const b = await loadWorkspace(`${LBB}1Lbb_BkgOnly.json`)
    expect(a).toEqual(b)
    expect(a.channels).toHaveLength(8)
  })

  it('lists patches of a gzip list of patchsets and of the subset file', async () => {
    // test/data holds the list cut to two of its 125 patches (SOURCE.md).
    const all = await listPatchNames(`${LBB}patchsets_v1.json.gz`)
    expect(all.sort()).toEqual(['C1N2_Wh_hbb_1000_0', 'C1N2_Wh_hbb_900_250'])
    expect(await listPatchNames(`${LBB}1Lbb_patchset_subset.json`)).toHaveLength(9)
  })

  itShared('lists the 125 patches of the full gzip list', async (shared) => {
    const all = await listPatchNames(`${shared}hepdata-pyhf-extractor_1Lbb/patchsets_v1.json.gz`)
    expect(all).toHaveLength(125)
    expect(all).toContain('C1N2_Wh_hbb_900_250')
  })

  it('applies FILE:NAME patches and plain JSON Patch files', async () => {
    const ws = await loadPatchedWorkspace(
      `${LBB}1Lbb_BkgOnly.json`,
      `${LBB}1Lbb_patchset_subset.json:C1N2_Wh_hbb_900_250`,
    )
    expect(ws.channels[0].samples.map((s) => s.name)).toContain('C1N2_Wh_hbb_900_250')
    const sb = await loadPatchedWorkspace(
      `${SB}BkgOnly.json`,
      `${SB}patch.sbottom_1300_205_60.json`,
    )
    expect(sb.channels).toHaveLength(2)
    expect(splitPatchSpec('/no/such/file.json:P')).toEqual({
      file: '/no/such/file.json',
      name: 'P',
    })
  })

  it('errors name the file: missing file, bad JSON line, schema path, unknown patch, patch that does not apply', async () => {
    expect((await failure(loadWorkspace(join(tmp, 'nope.json')))).message).toMatch(
      /nope\.json: no such file/,
    )
    writeFileSync(join(tmp, 'bad.json'), '{\n  "channels": [\n    oops\n  ]\n}')
    const bad = await failure(readJsonFile(join(tmp, 'bad.json')))
    expect(bad.line).toBe(3)
    writeFileSync(
      join(tmp, 'bad.json.gz'),
      gzipSync(
        '{"version": "1.0.0", "channels": [{"name": "c", "samples": []}], "observations": [], "measurements": []}',
      ),
    )
    const schema = await failure(loadWorkspace(join(tmp, 'bad.json.gz')))
    expect(schema.message).toMatch(/bad\.json\.gz: channels\[0\]\.samples/)
    const unknown = await failure(loadPatch(`${LBB}1Lbb_patchset_subset.json:C1N2_Wh_hbb_1_1`))
    expect(unknown.message).toMatch(/1Lbb_patchset_subset\.json: no patch named 'C1N2_Wh_hbb_1_1'/)
    const pick = await failure(loadPatch(`${LBB}1Lbb_patchset_subset.json`))
    expect(pick.message).toMatch(/pick one with/)
    writeFileSync(join(tmp, 'p.json'), JSON.stringify([{ op: 'remove', path: '/channels/42' }]))
    const np = await failure(loadPatchedWorkspace(`${SB}BkgOnly.json`, join(tmp, 'p.json')))
    expect(np.message).toMatch(
      /p\.json: the patch does not apply to .*BkgOnly\.json: patch operation 0 \(remove \/channels\/42\): index 42 out of range/,
    )
    writeFileSync(
      join(tmp, 'q.json'),
      JSON.stringify([{ op: 'remove', path: '/channels/0/samples' }]),
    )
    const after = await failure(loadPatchedWorkspace(`${SB}BkgOnly.json`, join(tmp, 'q.json')))
    expect(after.message).toMatch(
      /after applying .*q\.json: channels\[0\]\.samples: expected array, got nothing/,
    )
  })

  it('bounds input: a gzip bomb and /dev/zero stop at the bound with an error naming it', async () => {
    // 300 gzip members of 1 MiB of spaces each: 300 KB on disk, 300 MiB inflated.
    const member = gzipSync(Buffer.alloc(1 << 20, 0x20))
    const bomb = join(tmp, 'bomb.json.gz')
    writeFileSync(bomb, Buffer.concat(Array<Buffer>(300).fill(member)))
    let t0 = performance.now()
    const big = await failure(readJsonFile(bomb))
    expect(big.message).toBe(
      `${bomb}: gzip data inflates to more than 256 MiB, the most a JSON file may have; reading stopped there`,
    )
    expect(performance.now() - t0).toBeLessThan(10_000)
    const small = await failure(readJsonFile(bomb, { compressed: 1 << 20, inflated: 1 << 20 }))
    expect(small.message).toMatch(/inflates to more than 1 MiB/)
    const gz = await failure(readJsonFile(bomb, { compressed: 1000, inflated: 1 << 20 }))
    expect(gz.message).toMatch(
      /bomb\.json\.gz: too large: a JSON gzip file may have at most 1000 bytes \(it has \d+ KiB\)/,
    )
    // A device without end: read stops one chunk past the bound.
    t0 = performance.now()
    const zero = await failure(readJsonFile('/dev/zero', { ...JSON_LIMITS, inflated: 4 << 20 }))
    expect(zero.message).toBe(
      '/dev/zero: too large: a JSON file may have at most 4 MiB; reading stopped there',
    )
    expect(performance.now() - t0).toBeLessThan(5_000)
  })

  it('never quotes the file in an error: syntax errors say where and what in words', async () => {
    const passwd = join(tmp, 'passwd')
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/bin/false\n')
    const e = await failure(readJsonFile(passwd))
    expect(e.message).toBe(`${passwd}, line 1: not valid JSON: unexpected character (column 1)`)
    writeFileSync(join(tmp, 'cut.json'), '{\n  "secret": "hunter2", "channels": [1, 2')
    const cut = await failure(readJsonFile(join(tmp, 'cut.json')))
    expect(cut.message).toMatch(/cut\.json, line 2: not valid JSON: unexpected end \(truncated\?\)/)
    writeFileSync(join(tmp, 'tail.json'), '{"a": 1}\n{"secret": "hunter2"}')
    const tail = await failure(readJsonFile(join(tmp, 'tail.json')))
    expect(tail.message).toMatch(
      /tail\.json, line 2: not valid JSON: more content after the JSON value \(column 1\)/,
    )
    writeFileSync(join(tmp, 'trunc.json.gz'), gzipSync('{"secret": "hunter2"}').subarray(0, 20))
    const tz = await failure(readJsonFile(join(tmp, 'trunc.json.gz')))
    expect(tz.message).toMatch(/trunc\.json\.gz: truncated gzip data$/)
    for (const err of [e, cut, tail, tz]) expect(err.message).not.toMatch(/root:x|hunter2|daemon/)
    expect((await failure(readJsonFile(tmp))).message).toMatch(/is a directory, not a file/)
  })
})
