/**
 * `hepwb cutflow` and `hepwb hist` as a user runs them (a real process, from source), on a spec
 * written into a temporary folder whose sample paths are relative to it. Expected numbers come
 * from plain loops over the decoded columns.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CutflowResult, RegionHistogram } from '../../../src/shared/cutflow'
import { readColumns } from '../../../src/main/engine/io/source'
import { hepwb } from '../helpers/cli'
import { SKHEP } from '../io/shared-data'

const ZMUMU = SKHEP + 'uproot-Zmumu.root'

let dir = ''
function writeSpec(name: string, spec: unknown): string {
  const file = join(dir, name)
  writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec))
  return file
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hepwb-cutflow-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The spec of the task description, on the Zmumu file, plus a blinded data sample. */
function zSpec() {
  const file = relative(dir, ZMUMU)
  return {
    samples: [
      {
        name: 'Zmumu',
        role: 'background',
        group: 'Z',
        files: [file],
        tree: 'events',
        weight: '1',
        scale: 0.5,
      },
      { name: 'obs', role: 'data', files: [file] },
    ],
    variables: [
      {
        name: 'ptlead',
        expr: 'max(pt1, pt2)',
        unit: 'GeV',
        label: 'p_T^{lead}',
        binning: { bins: 4, lo: 0, hi: 200 },
      },
    ],
    regions: [
      { name: 'presel', cuts: [{ name: 'two muons', expr: 'Q1*Q2 < 0' }] },
      {
        name: 'SR',
        parent: 'presel',
        blinded: true,
        cuts: [{ name: 'mass window', expr: 'M > 80 && M < 100' }],
      },
    ],
  }
}

describe('hepwb cutflow', () => {
  it('--json prints the documented shape with the numbers of plain loops', async () => {
    const spec = writeSpec('spec.json', zSpec())
    const r = hepwb('cutflow', spec, '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as CutflowResult
    const cols = await readColumns(ZMUMU, 'events', ['Q1', 'Q2', 'M'])
    const [q1, q2, m] = ['Q1', 'Q2', 'M'].map((k) => cols.get(k)?.values ?? new Float64Array())
    let two = 0
    let window = 0
    for (let i = 0; i < q1.length; i++) {
      if (!(q1[i] * q2[i] < 0)) continue
      two++
      if (m[i] > 80 && m[i] < 100) window++
    }
    expect(Object.keys(out.regions)).toEqual(['presel', 'SR'])
    expect(
      out.regions.SR.Zmumu.map(({ cut, raw, weighted, sumw2 }) => ({ cut, raw, weighted, sumw2 })),
    ).toEqual([
      { cut: 'two muons', raw: two, weighted: 0.5 * two, sumw2: 0.25 * two },
      { cut: 'mass window', raw: window, weighted: 0.5 * window, sumw2: 0.25 * window },
    ])
    expect(out.regions.presel.obs).toEqual([
      expect.objectContaining({ cut: 'two muons', raw: two, weighted: two }),
    ])
    // SR is blinded: the data sample is not shown there.
    expect(Object.keys(out.regions.SR)).toEqual(['Zmumu'])
    expect(out.hidden.SR).toEqual(['obs'])
    expect(out.groups.SR.Z[1].raw).toBe(window)
    expect(out.totals.Zmumu).toEqual({ raw: 2304, weighted: 1152, sumw2: 576 })
  })

  it('prints a readable table, or CSV / Markdown / LaTeX with --format', () => {
    const spec = writeSpec('spec.json', zSpec())
    const text = hepwb('cutflow', spec, '--region', 'SR')
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/Cut-flow of region SR/)
    expect(text.stdout).toMatch(/mass window +\d+ ± \d+/)
    expect(text.stdout).not.toMatch(/presel \(/)
    const csv = hepwb('cutflow', spec, '--region', 'presel', '--format', 'csv', '--raw')
    expect(csv.code).toBe(0)
    expect(csv.stdout.split('\n')[0]).toBe('Cut,Zmumu,Zmumu (raw),obs,obs (raw)')
    expect(csv.stdout).toMatch(/^two muons,/m)
    const tex = hepwb('cutflow', spec, '--format', 'latex')
    expect(tex.stdout).toMatch(/\\toprule/)
    expect(hepwb('cutflow', spec, '--format', 'html').stderr).toMatch(/--format must be one of/)
  })

  it('sends bad input to stderr with a non-zero exit, naming the file, JSON path and position', () => {
    const bad = writeSpec('bad.json', { samples: [{ name: 'a', files: [] }] })
    const r = hepwb('cutflow', bad, '--json')
    expect(r.code).not.toBe(0)
    expect(r.stdout).toBe('')
    expect(JSON.parse(r.stderr).error).toBe(
      `${bad}: invalid spec: samples[0].files: a sample needs at least one file`,
    )

    const spec = zSpec()
    spec.regions[1].cuts[0].expr = 'M > 80 && Mass < 100'
    const typo = hepwb('cutflow', writeSpec('typo.json', spec))
    expect(typo.code).toBe(1)
    expect(typo.stderr).toMatch(
      /typo\.json: regions\[1\]\.cuts\[0\]\.expr: in sample 'Zmumu' .*unknown variable 'Mass' at 10/,
    )
    expect(typo.stderr).toMatch(/\n {2}M > 80 && Mass < 100\n {12}\^{4}/)

    const missing = zSpec()
    missing.samples[0].files = ['nowhere.root']
    const m = hepwb('cutflow', writeSpec('missing.json', missing))
    expect(m.code).toBe(1)
    expect(m.stderr).toContain(`samples[0].files[0]: ${join(dir, 'nowhere.root')}: cannot open`)

    const json = hepwb('cutflow', writeSpec('broken.json', '{"samples": ['))
    expect(json.stderr).toMatch(/broken\.json: not valid JSON/)
    expect(hepwb('cutflow', join(dir, 'absent.json')).stderr).toMatch(/absent\.json: cannot read/)
  })
})

describe('hepwb hist', () => {
  it('--json prints edges and per-sample counts, sumw2, under- and overflow', async () => {
    const spec = writeSpec('spec.json', zSpec())
    const r = hepwb(
      'hist',
      spec,
      '--var',
      'M',
      '--bins',
      '4',
      '--range',
      '-20',
      '100',
      '--region',
      'presel',
      '--json',
    )
    expect(r.stderr).toBe('')
    const h = JSON.parse(r.stdout) as RegionHistogram
    expect(h.edges).toEqual([-20, 10, 40, 70, 100])
    const cols = await readColumns(ZMUMU, 'events', ['Q1', 'Q2', 'M'])
    const [q1, q2, m] = ['Q1', 'Q2', 'M'].map((k) => cols.get(k)?.values ?? new Float64Array())
    const counts = [0, 0, 0, 0, 0, 0]
    for (let i = 0; i < m.length; i++) {
      if (!(q1[i] * q2[i] < 0)) continue
      counts[m[i] < -20 ? 0 : m[i] >= 100 ? 5 : 1 + Math.floor((m[i] + 20) / 30)]++
    }
    expect(h.samples.Zmumu).toMatchObject({
      counts: counts.slice(1, 5).map((c) => 0.5 * c),
      sumw2: counts.slice(1, 5).map((c) => 0.25 * c),
      underflow: 0.5 * counts[0],
      overflow: 0.5 * counts[5],
    })
    expect(h.samples.obs.counts).toEqual(counts.slice(1, 5))
    const blinded = JSON.parse(
      hepwb(
        'hist',
        spec,
        '--var',
        'ptlead',
        '--bins',
        '2',
        '--range',
        '0',
        '100',
        '--region',
        'SR',
        '--json',
      ).stdout,
    ) as RegionHistogram
    expect(Object.keys(blinded.samples)).toEqual(['Zmumu'])
    // A variable's binning in the spec stands in for --bins / --range.
    const preset = hepwb('hist', spec, '--var', 'ptlead', '--range', '0', '100', '--json')
    expect((JSON.parse(preset.stdout) as RegionHistogram).edges).toEqual([0, 25, 50, 75, 100])
    const usage = hepwb('hist', spec, '--var', 'M', '--bins', 'x', '--range', '0', '1')
    expect(usage.code).not.toBe(0)
    expect(usage.stderr).toMatch(/--bins must be a number/)
  })
})
