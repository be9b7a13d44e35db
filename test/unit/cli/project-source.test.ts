/**
 * `hepwb cutflow` and `hepwb hist` take a project as well as a spec (issue 18): on the project
 * that `hepwb spec open` built from a spec they print the same JSON, byte for byte, and the
 * project file is not written (its bytes and modification time stay). Real processes, real
 * files (ROOT jagged with weights and a cross-section, a blinded data sample).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'
import { SKHEP } from '../io/shared-data'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-project-source-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SPEC = {
  samples: [
    {
      name: 'sig',
      role: 'signal',
      files: [SKHEP + 'uproot-HZZ.root'],
      tree: 'events',
      weight: 'EventWeight',
      xsec: 2.5,
      lumi: 140,
    },
    {
      name: 'bkg',
      role: 'background',
      group: 'other',
      files: [SKHEP + 'uproot-HZZ-zstd.root'],
      tree: 'events',
      scale: 0.37,
    },
    { name: 'obs', role: 'data', files: [SKHEP + 'uproot-HZZ.root'], tree: 'events' },
  ],
  variables: [{ name: 'ptmu', expr: 'sqrt(Muon_Px * Muon_Px + Muon_Py * Muon_Py)' }],
  regions: [
    { name: 'presel', cuts: [{ expr: 'NMuon >= 1' }] },
    { name: 'SR', parent: 'presel', blinded: true, cuts: [{ expr: 'Sum(ptmu > 20) >= 2' }] },
  ],
}

describe('hepwb cutflow and hist on a project', () => {
  it('print the same JSON as for the spec it was opened from, and write nothing', () => {
    const spec = join(dir, 'spec.json')
    const project = join(dir, 'p.hepwb')
    writeFileSync(spec, JSON.stringify(SPEC))
    const opened = hepwb('spec', 'open', spec, project, '--json')
    expect(opened.stderr).toBe('')
    expect(opened.code).toBe(0)
    const before = { bytes: readFileSync(project), mtime: statSync(project).mtimeMs }
    const runs: string[][] = [
      ['cutflow', '--json'],
      ['cutflow', '--region', 'SR', '--sigma-b', '0.2', '--json'],
      ['hist', '--var', 'ptmu', '--bins', '10', '--range', '0', '100', '--region', 'SR', '--json'],
      ['hist', '--var', 'MET_px', '--bins', '8', '--range', '-40', '40', '--json'],
    ]
    for (const [command, ...args] of runs) {
      const a = hepwb(command, spec, ...args)
      const b = hepwb(command, project, ...args)
      expect(a.stderr).toBe('')
      expect(b.stderr).toBe('')
      expect(b.code).toBe(0)
      expect(b.stdout).toBe(a.stdout)
      expect(JSON.parse(a.stdout)).toBeTruthy()
    }
    expect(readFileSync(project).equals(before.bytes)).toBe(true)
    expect(statSync(project).mtimeMs).toBe(before.mtime)
  }, 120_000)

  it('names a project it cannot read', () => {
    const bad = join(dir, 'bad.hepwb')
    writeFileSync(bad, 'not a database')
    const r = hepwb('cutflow', bad)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/bad\.hepwb is not a HEP Workbench project/)
  }, 60_000)
})
