/**
 * `hepwb stats` on a spec and on a project (issue 18): per sample, weights × normalisation
 * applied, through the statistics use case the window's explorer table runs — so the command
 * line and the Data view print the same figures. A real process from source; references are
 * plain loops over the decoded columns and the explorer's own table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readColumns } from '../../../src/main/engine/io/source'
import type { SampleStatsResult } from '../../../src/main/cli/commands/stats'
import { hepwb } from '../helpers/cli'
import { SKHEP } from '../io/shared-data'
import { caseProject } from '../app/explorer-cases'

const ZMUMU = SKHEP + 'uproot-Zmumu.root'
const dir = mkdtempSync(join(tmpdir(), 'hepwb-stats-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function run(...args: string[]): SampleStatsResult {
  const r = hepwb('stats', ...args, '--json')
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as SampleStatsResult
}

describe('hepwb stats on a spec or a project', () => {
  it('gives per-sample weighted figures; a project prints what the explorer shows', async () => {
    const spec = join(dir, 'spec.json')
    writeFileSync(
      spec,
      JSON.stringify({
        samples: [
          { name: 'Z', role: 'background', files: [ZMUMU], tree: 'events', scale: 0.5 },
          { name: 'obs', role: 'data', files: [ZMUMU], tree: 'events' },
        ],
        variables: [{ name: 'ptsum', expr: 'pt1 + pt2' }],
        regions: [],
      }),
    )
    const cols = await readColumns(ZMUMU, 'events', ['M', 'pt1', 'pt2'])
    const m = cols.get('M')!.values
    const n = m.length
    const mean = Array.from(m).reduce((a, b) => a + b, 0) / n
    const r = run(spec, '--columns', 'M,ptsum')
    expect(Object.keys(r.samples)).toEqual(['Z', 'obs'])
    const z = r.samples.Z.columns
    expect(Object.keys(z)).toEqual(['M', 'ptsum'])
    expect(z.M.count).toBe(n)
    expect(z.M.mean).toBeCloseTo(mean, 10)
    expect(z.M.weighted?.sumw).toBeCloseTo(0.5 * n, 10)
    expect(z.M.weighted?.mean).toBeCloseTo(mean, 10)
    expect(r.samples.obs.columns.M.weighted?.sumw).toBe(n)
    const pt1 = cols.get('pt1')!.values
    const pt2 = cols.get('pt2')!.values
    expect(z.ptsum.max).toBe(Math.max(...Array.from(pt1, (x, i) => x + pt2[i])))
    // Without --columns: every column and derived variable of each sample.
    expect(Object.keys(run(spec).samples.Z.columns)).toContain('ptsum')

    // The same samples as a project: the explorer's table and the command agree.
    const path = join(dir, 'z.hepwb')
    const { project, data, ids, waitForJob } = await caseProject(
      {
        name: 'Zmumu',
        samples: [
          {
            name: 'Z',
            role: 'background',
            colour: '#1f77b4',
            files: [ZMUMU],
            table: 'events',
            normalisation: { kind: 'scale', factor: 0.5 },
          },
        ],
        variables: [{ name: 'ptsum', expr: 'pt1 + pt2' }],
        hists: [],
        correlations: [],
        hist2d: [],
        stats: [],
      },
      path,
    )
    await waitForJob((await data['data.summarise']({})).jobId)
    const rows = (await data['data.variables']({})).variables
    project.close()
    const p = run(path, '--columns', 'M,ptsum').samples.Z.columns
    for (const name of ['M', 'ptsum']) {
      const shown = rows.find((row) => row.name === name)!.stats[ids[0]]
      const c = p[name]
      expect([c.count, c.nan, c.min, c.max]).toEqual([shown.count, shown.nan, shown.min, shown.max])
      expect([c.weighted?.mean, c.weighted?.std, c.weighted?.sumw]).toEqual([
        shown.mean,
        shown.std,
        shown.sumw,
      ])
      expect(c).toEqual(r.samples.Z.columns[name])
    }
  }, 60_000)

  it('refuses --table and --weight for a spec', () => {
    const spec = join(dir, 'one.json')
    writeFileSync(
      spec,
      JSON.stringify({ samples: [{ name: 'Z', files: [ZMUMU], tree: 'events' }], regions: [] }),
    )
    const r = hepwb('stats', spec, '--weight', 'M')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/--table and --weight are for an event file/)
  })
})
