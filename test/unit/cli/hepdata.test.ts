/**
 * `hepwb hepdata` as a user runs it (a real process): a spec over the Zmumu ROOT file and a
 * request with a histogram, a cut-flow, an upper limit of a pyhf validation workspace and that
 * workspace as a resource. The table's numbers must equal `hepwb hist --json` and
 * `hepwb limit --json` on the same inputs; a broken request fails naming the table and field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { CutflowResult, RegionHistogram } from '../../../src/shared/cutflow'
import type { DataTable } from '../../../src/main/engine/plots/hepdata/record'
import { hepwb } from '../helpers/cli'
import { inProcessEngine } from '../helpers/engine'
import { DATA, SKHEP } from '../io/shared-data'

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hepwb-hepdata-cli-'))
  const file = relative(dir, SKHEP + 'uproot-Zmumu.root')
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      samples: [
        { name: 'obs', role: 'data', files: [file], tree: 'events' },
        { name: 'Zmumu', role: 'background', files: [file], tree: 'events', scale: 0.5 },
      ],
      regions: [{ name: 'SR', cuts: [{ name: 'mass window', expr: 'M > 80 && M < 100' }] }],
    }),
  )
  const ws = relative(dir, DATA + 'pyhf-validation-workspaces/1bin_normsys.json')
  writeFileSync(
    join(dir, 'request.json'),
    JSON.stringify({
      comment: 'Zmumu',
      conditions: { energy: 7, lumi: 0.036 },
      tables: [
        {
          kind: 'histogram',
          name: 'Dimuon mass',
          var: 'M',
          bins: 6,
          lo: 60,
          hi: 120,
          region: 'SR',
          label: '$m_{\\mu\\mu}$',
          unit: 'GeV',
        },
        { kind: 'cutflow', name: 'Cut-flow', region: 'SR' },
        { kind: 'limit', name: 'Upper limit', workspace: ws },
        {
          kind: 'limit-grid',
          name: 'Limits per point',
          x: { name: 'm1', units: 'GeV' },
          y: { name: 'm2', units: 'GeV' },
          points: [{ x: 300, y: 100, obs: 0.8, exp: [0.4, 0.55, 0.7, 0.95, 1.3] }],
        },
      ],
      workspaces: [{ name: 'normsys', file: ws }],
    }),
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('hepwb hepdata', () => {
  it('writes tables whose numbers equal hepwb hist, cutflow and limit', () => {
    const out = join(dir, 'out')
    const r = hepwb(
      'hepdata',
      join(dir, 'spec.json'),
      '--tables',
      join(dir, 'request.json'),
      '--out',
      out,
      '--zip',
      '--json',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const written = JSON.parse(r.stdout)
    expect(written.tables.map((t: { file: string }) => t.file)).toEqual([
      'dimuon_mass.yaml',
      'cut_flow.yaml',
      'upper_limit.yaml',
      'limits_per_point.yaml',
    ])
    expect(existsSync(join(out, 'submission.zip'))).toBe(true)
    expect(existsSync(join(out, 'normsys_workspace.json'))).toBe(true)

    const hist = JSON.parse(
      hepwb(
        'hist',
        join(dir, 'spec.json'),
        '--var',
        'M',
        '--bins',
        '6',
        '--range',
        '60',
        '120',
        '--region',
        'SR',
        '--json',
      ).stdout,
    ) as RegionHistogram
    const h = parse(readFileSync(join(out, 'dimuon_mass.yaml'), 'utf8')) as DataTable
    expect(h.independent_variables[0].values).toEqual(
      hist.edges.slice(0, -1).map((low, i) => ({ low, high: hist.edges[i + 1] })),
    )
    const z = h.dependent_variables.find((d) => d.header.name === 'Events (Zmumu)')
    expect(z?.values.map((v) => v.value)).toEqual(hist.samples.Zmumu.counts)
    expect(z?.values.map((v) => v.errors?.[0].symerror ?? 0)).toEqual(
      hist.samples.Zmumu.sumw2.map(Math.sqrt),
    )
    expect(h.dependent_variables[0].values.map((v) => v.value)).toEqual(hist.samples.obs.counts)

    const cutflow = JSON.parse(
      hepwb('cutflow', join(dir, 'spec.json'), '--json').stdout,
    ) as CutflowResult
    const c = parse(readFileSync(join(out, 'cut_flow.yaml'), 'utf8')) as DataTable
    const zc = c.dependent_variables.find((d) => d.header.name === 'Events (Zmumu)')
    expect(zc?.values.map((v) => v.value)).toEqual([
      cutflow.totals.Zmumu.weighted,
      ...cutflow.regions.SR.Zmumu.map((row) => row.weighted),
    ])

    const limit = JSON.parse(
      hepwb('limit', DATA + 'pyhf-validation-workspaces/1bin_normsys.json', '--json').stdout,
    )
    const l = parse(readFileSync(join(out, 'upper_limit.yaml'), 'utf8')) as DataTable
    expect(l.dependent_variables[0].values[0].value).toBe(limit.obs)
    expect(l.dependent_variables[0].values[1].value).toBe(limit.exp[2])

    // the same export again: nothing replaced without --overwrite
    const again = hepwb(
      'hepdata',
      join(dir, 'spec.json'),
      '--tables',
      join(dir, 'request.json'),
      '--out',
      out,
    )
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(
      `${join(out, 'submission.yaml')} already exists; --overwrite replaces it`,
    )
  })

  it('a request naming no table, or a table with a bad field, fails with the field named', () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ tables: [{ kind: 'cutflow', name: 'x'.repeat(65), region: 'SR' }] }),
    )
    const r = hepwb(
      'hepdata',
      join(dir, 'spec.json'),
      '--tables',
      join(dir, 'bad.json'),
      '--out',
      join(dir, 'bad'),
      '--json',
    )
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stderr).error).toMatch(
      /bad\.json: tables\[0\]\.name: HEPData allows at most 64 characters/,
    )
    writeFileSync(
      join(dir, 'nore.json'),
      JSON.stringify({ tables: [{ kind: 'cutflow', name: 'c', region: 'CR' }] }),
    )
    const n = hepwb(
      'hepdata',
      join(dir, 'spec.json'),
      '--tables',
      join(dir, 'nore.json'),
      '--out',
      join(dir, 'bad'),
    )
    expect(n.code).toBe(1)
    expect(n.stderr).toMatch(/table 'c' \(cutflow\): .*CR/)
    expect(existsSync(join(dir, 'bad'))).toBe(false)
  })

  it('exports the saved plots of a project, by name, with the numbers they were saved with', async () => {
    // a project with a stack saved from a real histogram (the spec's Zmumu) and a Brazil band
    const hist = JSON.parse(
      hepwb(
        'hist',
        join(dir, 'spec.json'),
        '--var',
        'M',
        '--bins',
        '4',
        '--range',
        '80',
        '100',
        '--json',
      ).stdout,
    ) as RegionHistogram
    const engine = inProcessEngine()
    const file = join(dir, 'plots.hepwb')
    await engine.call('project.create', { path: file })
    await engine.call('plots.save', {
      name: 'Dimuon mass',
      step: 'data',
      recipe: { kind: 'none' },
      figure: {
        kind: 'stack',
        edges: hist.edges,
        x: { expr: 'M', label: 'm_{#mu#mu}', unit: 'GeV' },
        components: Object.entries(hist.samples).map(([name, h]) => ({
          name,
          role: name === 'obs' ? 'data' : 'background',
          sumw: h.counts,
          sumw2: h.sumw2,
          entries: h.entries,
        })),
      },
      settings: { energyTeV: 7 },
    })
    await engine.call('plots.save', {
      name: 'Limit',
      step: 'fit',
      recipe: { kind: 'none' },
      figure: {
        kind: 'brazil',
        poi: { name: 'mu' },
        cl: 0.95,
        points: [
          { mu: 0, cls: 1, clsExp: [1, 1, 1, 1, 1] },
          { mu: 1, cls: 0.2, clsExp: [0.05, 0.1, 0.2, 0.35, 0.5] },
        ],
        obs: 1.5,
        exp: [0.8, 1, 1.3, 1.8, 2.4],
      },
    })
    await engine.call('project.close', {})

    const out = join(dir, 'plots-out')
    const r = hepwb('hepdata', file, '--plots', 'Dimuon mass', '--out', out, '--json')
    expect(r.stderr).toBe('')
    const written = JSON.parse(r.stdout)
    expect(written.tables).toEqual([{ name: 'Dimuon mass', file: 'dimuon_mass.yaml', rows: 4 }])
    expect(written.files).toContain('thumb_dimuon_mass.png')
    const t = parse(readFileSync(join(out, 'dimuon_mass.yaml'), 'utf8')) as DataTable
    const z = t.dependent_variables.find((d) => d.header.name === 'Events (Zmumu)')
    expect(z?.values.map((v) => v.value)).toEqual(hist.samples.Zmumu.counts)

    // all plots when none are named; an unknown name is an error listing the saved ones
    const all = JSON.parse(hepwb('hepdata', file, '--out', join(dir, 'all-out'), '--json').stdout)
    expect(all.tables.map((x: { name: string }) => x.name)).toEqual([
      'Dimuon mass',
      'Limit (CLs)',
      'Limit (limit)',
    ])
    const bad = hepwb('hepdata', file, '--plots', 'Dimuon', '--out', join(dir, 'bad-out'))
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("no saved plot named 'Dimuon' (saved: 'Dimuon mass', 'Limit')")
  })

  it("hepwb plot hist --hepdata DIR writes the figure's record, its numbers equal hepwb hist", () => {
    const args = ['--var', 'M', '--bins', '4', '--range', '80', '100', '--region', 'SR']
    const hist = JSON.parse(
      hepwb('hist', join(dir, 'spec.json'), ...args, '--json').stdout,
    ) as RegionHistogram
    const out = join(dir, 'plot-hepdata')
    const r = hepwb(
      'plot',
      'hist',
      join(dir, 'spec.json'),
      ...args,
      '--energy',
      '7',
      '--out',
      join(dir, 'mass.svg'),
      '--hepdata',
      out,
      '--json',
    )
    expect(r.stderr).toBe('')
    const written = JSON.parse(r.stdout).hepdata
    expect(written.files[0]).toBe('submission.yaml')
    const t = parse(readFileSync(join(out, written.tables[0].file), 'utf8')) as DataTable
    expect(t.independent_variables[0].values).toEqual(
      hist.edges.slice(0, -1).map((low, i) => ({ low, high: hist.edges[i + 1] })),
    )
    const z = t.dependent_variables.find((d) => d.header.name === 'Events (Zmumu)')
    expect(z?.values.map((v) => v.value)).toEqual(hist.samples.Zmumu.counts)
    expect(z?.qualifiers).toContainEqual({ name: 'SQRT(S)', value: 7000, units: 'GeV' })
    expect(z?.qualifiers).toContainEqual({ name: 'Region', value: 'SR' })
    expect(written.files).toContain(written.tables[0].file.replace('.yaml', '.png'))
  })
})
