/**
 * `hepwb spec export` and `hepwb spec open`, run through the command's own commander wiring
 * (in-process, stdout captured): a project exported and opened again holds the same samples,
 * variables and regions; a spec with a bad cut exits 1 naming the JSON path, leaving no file.
 * Export reads the project only: its file keeps its bytes and modification time.
 */
import { Command } from 'commander'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { register } from '../../../src/main/cli/commands/spec'
import { Project } from '../../../src/main/engine/store/project'
import { listRegions, listVariables } from '../../../src/main/engine/store/regions'
import { listSamples } from '../../../src/main/engine/store/samples'
import { SKHEP } from '../io/shared-data'

const FILE = resolve(SKHEP + 'uproot-Zmumu.root')
const dir = mkdtempSync(join(tmpdir(), 'hepwb-cli-spec-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `hepwb spec ARGS --json`; returns the parsed stdout or stderr document and the exit code. */
async function hepwb(...args: string[]): Promise<{ out: unknown; code: number }> {
  const program = new Command('hepwb').option('--json').exitOverride()
  register(program)
  const writes: string[] = []
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    writes.push(String(s))
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    writes.push(String(s))
    return true
  })
  process.exitCode = 0
  try {
    await program.parseAsync(['node', 'hepwb', 'spec', ...args, '--json'])
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
  const code = Number(process.exitCode ?? 0)
  process.exitCode = 0
  return { out: JSON.parse(writes.join('')), code }
}

describe('hepwb spec', () => {
  it('opens a spec as a project and exports it again', async () => {
    const spec = {
      samples: [
        { name: 'Z', role: 'background', group: 'DY', files: [FILE], tree: 'events', scale: 2 },
      ],
      variables: [{ name: 'ptsum', expr: 'pt1 + pt2', unit: 'GeV' }],
      regions: [
        { name: 'presel', cuts: [{ expr: 'Q1 * Q2 < 0' }] },
        { name: 'SR', parent: 'presel', blinded: true, cuts: [{ expr: 'ptsum > 60' }] },
      ],
    }
    const file = join(dir, 'a.json')
    writeFileSync(file, JSON.stringify(spec))
    const target = join(dir, 'a.hepwb')
    expect(await hepwb('open', file, target)).toEqual({ out: { path: target }, code: 0 })
    const p = Project.open(target)
    expect(listSamples(p).map((s) => [s.spec.name, s.spec.group, s.spec.normalisation])).toEqual([
      ['Z', 'DY', { kind: 'scale', factor: 2 }],
    ])
    expect(listSamples(p)[0].entries).toBe(2304)
    expect(listVariables(p)).toEqual(spec.variables)
    expect(listRegions(p).map((r) => [r.name, r.parent, r.blinded])).toEqual([
      ['presel', undefined, false],
      ['SR', 'presel', true],
    ])
    p.close()

    const back = join(dir, 'b.json')
    expect(await hepwb('export', target, back)).toEqual({ out: { path: back }, code: 0 })
    const written = JSON.parse(readFileSync(back, 'utf8'))
    expect(written.samples[0]).toMatchObject({ name: 'Z', group: 'DY', scale: 2, tree: 'events' })
    expect(resolve(dir, written.samples[0].files[0])).toBe(FILE)
    expect(written.regions).toEqual([
      { name: 'presel', cuts: [{ expr: 'Q1 * Q2 < 0' }] },
      { name: 'SR', parent: 'presel', blinded: true, cuts: [{ expr: 'ptsum > 60' }] },
    ])
  })

  it('refuses a spec with a bad cut, naming its JSON path, and writes nothing', async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(
      file,
      JSON.stringify({
        samples: [{ name: 'Z', files: [FILE], tree: 'events' }],
        regions: [{ name: 'A', cuts: [{ expr: 'Mass > 80' }] }],
      }),
    )
    const target = join(dir, 'bad.hepwb')
    const r = await hepwb('open', file, target)
    expect(r.code).toBe(1)
    expect((r.out as { error: string }).error).toMatch(/bad\.json: regions\[0\]\.cuts\[0\]\.expr: /)
    expect(existsSync(target)).toBe(false)
  })

  it('exports without writing the project, and says a spec is not a project', async () => {
    const file = join(dir, 'ro.json')
    writeFileSync(
      file,
      JSON.stringify({
        samples: [{ name: 'Z', files: [FILE], tree: 'events' }],
        regions: [{ name: 'A', cuts: [{ expr: 'M > 80' }] }],
      }),
    )
    const target = join(dir, 'ro.hepwb')
    expect((await hepwb('open', file, target)).code).toBe(0)
    const before = { bytes: readFileSync(target), mtime: statSync(target).mtimeMs }
    // A later modification time would show: the file system's clock has coarse ticks.
    await new Promise((r) => setTimeout(r, 20))
    const back = join(dir, 'ro-back.json')
    expect(await hepwb('export', target, back)).toEqual({ out: { path: back }, code: 0 })
    expect(JSON.parse(readFileSync(back, 'utf8')).regions).toEqual([
      { name: 'A', cuts: [{ expr: 'M > 80' }] },
    ])
    expect(readFileSync(target).equals(before.bytes)).toBe(true)
    expect(statSync(target).mtimeMs).toBe(before.mtime)
    expect(existsSync(`${target}-wal`)).toBe(false)

    const r = await hepwb('export', file, join(dir, 'x.json'))
    expect(r.code).toBe(1)
    expect((r.out as { error: string }).error).toMatch(
      /ro\.json is an analysis spec, not a project: .*hepwb spec open/,
    )
    expect(existsSync(join(dir, 'x.json'))).toBe(false)
  })
})
