/**
 * HEPData records from the engine's real results: a histogram and a cut-flow of the Zmumu
 * ROOT file (the same use cases as `hepwb hist` / `hepwb cutflow`, over a spec), a profile
 * scan, a CLs scan and an upper limit of a pyhf validation workspace. The numbers in each
 * table must be the result's, the submission must pass the HEPData 1.1.x schema check, and the
 * files written must read back (YAML, zip) to the same numbers.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import type { CutflowResult, RegionHistogram } from '../../../../src/shared/cutflow'
import type { AnalysisSpec } from '../../../../src/shared/spec'
import { runCutflow } from '../../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../../src/main/engine/app/histogram'
import { specSource } from '../../../../src/main/engine/app/spec-source'
import { loadWorkspace } from '../../../../src/main/engine/io/pyhf'
import { readSpecFile } from '../../../../src/main/engine/select/spec-file'
import { fitLikelihood } from '../../../../src/main/engine/stats/fit'
import { Likelihood, observedData } from '../../../../src/main/engine/stats/likelihood'
import { upperLimit, upperLimitScan } from '../../../../src/main/engine/stats/limit'
import { compileModel } from '../../../../src/main/engine/stats/model'
import { linspace, profileScan } from '../../../../src/main/engine/stats/scan'
import { garwood } from '../../../../src/main/engine/plots/poisson-interval'
import { contourTables } from '../../../../src/main/engine/plots/hepdata/contour-table'
import { cutflowTable, yieldsTable } from '../../../../src/main/engine/plots/hepdata/cutflow-table'
import { histogramTable } from '../../../../src/main/engine/plots/hepdata/histogram-table'
import {
  clsTable,
  limitGridTable,
  upperLimitTable,
} from '../../../../src/main/engine/plots/hepdata/limit-table'
import type { DataTable, Submission, Table } from '../../../../src/main/engine/plots/hepdata/record'
import { scanTable } from '../../../../src/main/engine/plots/hepdata/scan-table'
import { layOut } from '../../../../src/main/engine/plots/hepdata/layout'
import { validateLayout } from '../../../../src/main/engine/plots/hepdata/validate'
import { workspaceResource } from '../../../../src/main/engine/plots/hepdata/workspace-resource'
import { submissionFiles, writeSubmission } from '../../../../src/main/engine/plots/hepdata/write'
import { DATA, SKHEP } from '../../io/shared-data'

let dir = ''
let spec: AnalysisSpec
let hist: RegionHistogram
let cutflow: CutflowResult

/** Zmumu as a weighted background (scale 0.5) and the same events as unweighted data. */
const specJson = {
  samples: [
    { name: 'obs', role: 'data', files: [SKHEP + 'uproot-Zmumu.root'], tree: 'events' },
    {
      name: 'Zmumu',
      role: 'background',
      files: [SKHEP + 'uproot-Zmumu.root'],
      tree: 'events',
      scale: 0.5,
    },
    {
      name: 'Zlow',
      role: 'background',
      files: [SKHEP + 'uproot-Zmumu.root'],
      tree: 'events',
      weight: '0.25',
    },
  ],
  variables: [{ name: 'ptlead', expr: 'max(pt1, pt2)', unit: 'GeV' }],
  regions: [
    { name: 'presel', cuts: [{ name: 'opposite charge', expr: 'Q1*Q2 < 0' }] },
    { name: 'SR', parent: 'presel', cuts: [{ name: 'mass window', expr: 'M > 80 && M < 100' }] },
  ],
}
const roles = specJson.samples.map((s) => ({ name: s.name, role: s.role as 'data' | 'background' }))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hepwb-hepdata-'))
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(specJson))
  spec = await readSpecFile(join(dir, 'spec.json'))
  const source = specSource(spec)
  hist = await runHistogram(source, {
    expr: 'ptlead',
    binning: { bins: 8, lo: 0, hi: 80 },
    region: 'presel',
  })
  cutflow = (await runCutflow(source)).result
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const conditions = { energyTeV: 7, lumiFb: 0.036 }

function dependent(t: Table, header: string) {
  const d = t.data.dependent_variables.find((v) => v.header.name === header)
  if (!d) throw new Error(`no dependent variable '${header}' in ${t.name}`)
  return d
}

function valid(tables: Table[]): void {
  const problems = validateLayout(layOut({ comment: 'test', resources: [], tables }))
  expect(problems).toEqual([])
}

describe('HEPData tables from engine results', () => {
  it('a histogram table holds the histogram: Σw per bin, √Σw² for simulation, Garwood for data', () => {
    const t = histogramTable({
      name: 'Leading muon pT',
      histogram: hist,
      samples: roles,
      observable: { name: '$p_{T}^{lead}$', units: 'GeV' },
      conditions,
    })
    const bins = t.data.independent_variables[0].values
    expect(bins).toEqual(
      hist.edges.slice(0, -1).map((low, i) => ({ low, high: hist.edges[i + 1] })),
    )
    // data first, then backgrounds, then their total
    expect(t.data.dependent_variables.map((d) => d.header.name)).toEqual([
      'Events (obs)',
      'Events (Zmumu)',
      'Events (Zlow)',
      'Events (total background)',
    ])
    const z = hist.samples.Zmumu
    expect(z.counts.some((c) => c > 0)).toBe(true)
    dependent(t, 'Events (Zmumu)').values.forEach((v, i) => {
      expect(v.value).toBe(z.counts[i])
      if (z.sumw2[i] > 0)
        expect(v.errors).toEqual([{ label: 'stat', symerror: Math.sqrt(z.sumw2[i]) }])
      else expect(v.errors).toBeUndefined()
    })
    const obs = hist.samples.obs
    dependent(t, 'Events (obs)').values.forEach((v, i) => {
      expect(v.value).toBe(obs.counts[i])
      const [lo, hi] = garwood(obs.counts[i])
      expect(v.errors).toEqual([
        { label: 'stat', asymerror: { minus: lo - obs.counts[i], plus: hi - obs.counts[i] } },
      ])
    })
    dependent(t, 'Events (total background)').values.forEach((v, i) => {
      expect(v.value).toBeCloseTo(z.counts[i] + hist.samples.Zlow.counts[i], 12)
    })
    const q = dependent(t, 'Events (Zmumu)').qualifiers
    expect(q).toContainEqual({ name: 'SQRT(S)', value: 7000, units: 'GeV' })
    expect(q).toContainEqual({ name: 'Region', value: 'presel' })
    expect(t.keywords).toContainEqual({ name: 'cmenergies', values: [7000] })
    valid([t])
  })

  it('systematics become asymmetric errors where up and down differ', () => {
    const z = hist.samples.Zmumu
    const t = histogramTable({
      name: 'with syst',
      histogram: hist,
      samples: roles,
      observable: { name: 'pT', units: 'GeV' },
      systematics: {
        Zmumu: [
          { label: 'JES', up: z.counts.map((c) => c * 1.1), down: z.counts.map((c) => c * 0.95) },
          {
            label: 'lumi',
            up: z.counts.map((c) => c * 1.02),
            down: z.counts.map((c) => c - c * 0.02),
          },
        ],
      },
    })
    const i = z.counts.findIndex((c) => c > 0)
    const errors = dependent(t, 'Events (Zmumu)').values[i].errors ?? []
    expect(errors[1]).toEqual({
      label: 'sys,JES',
      asymerror: { minus: z.counts[i] * 0.95 - z.counts[i], plus: z.counts[i] * 1.1 - z.counts[i] },
    })
    expect(errors[2].label).toBe('sys,lumi')
    expect(errors[2].symerror).toBeCloseTo(0.02 * z.counts[i], 12)
    valid([t])
  })

  it('a cut-flow table holds the cut-flow rows: weighted and √sumw2 after each cut', () => {
    const t = cutflowTable({
      name: 'Cut-flow SR',
      cutflow,
      region: 'SR',
      samples: roles,
      conditions,
    })
    const rows = cutflow.regions.SR.Zmumu
    expect(t.data.independent_variables[0].values).toEqual([
      { value: 'all events' },
      { value: 'opposite charge' },
      { value: 'mass window' },
    ])
    const d = dependent(t, 'Events (Zmumu)')
    expect(d.values[0].value).toBe(cutflow.totals.Zmumu.weighted)
    rows.forEach((r, i) => {
      expect(d.values[i + 1].value).toBe(r.weighted)
      expect(d.values[i + 1].errors).toEqual([{ label: 'stat', symerror: Math.sqrt(r.sumw2) }])
    })
    const y = yieldsTable({ name: 'Yields', cutflow, samples: roles, conditions })
    expect(y.data.independent_variables[0].values).toEqual([{ value: 'presel' }, { value: 'SR' }])
    expect(dependent(y, 'Events (Zlow)').values.map((v) => v.value)).toEqual([
      cutflow.regions.presel.Zlow.at(-1)?.weighted,
      cutflow.regions.SR.Zlow.at(-1)?.weighted,
    ])
    valid([t, y])
  })

  it('scan, CLs and upper-limit tables hold the fit results of a pyhf workspace', async () => {
    const ws = await loadWorkspace(DATA + 'pyhf-validation-workspaces/1bin_normsys.json')
    const model = compileModel(ws)
    const data = observedData(model)
    const lik = new Likelihood(model, data)
    const best = fitLikelihood(lik)
    const values = linspace(0, 2, 5)
    const scan = profileScan(lik, best, model.poi, values)
    const st = scanTable({ name: 'Scan of mu', scan, conditions })
    expect(
      st.data.independent_variables[0].values.map((v) => ('value' in v ? v.value : null)),
    ).toEqual(values)
    expect(st.data.dependent_variables[0].values.map((v) => v.value)).toEqual(scan.deltaTwiceNll)

    const limScan = upperLimitScan(model, data, linspace(0, 5, 6))
    const ct = clsTable({ name: 'CLs vs mu', limit: limScan, conditions })
    limScan.points.forEach((p, i) => {
      expect(dependent(ct, 'CLs observed').values[i].value).toBe(p.cls)
      const e = dependent(ct, 'CLs expected').values[i]
      expect(e.value).toBe(p.clsExp[2])
      if (p.clsExp[1] === p.clsExp[3]) return // no band at μ = 0 (all CLs 1)
      expect(e.errors?.[0]).toEqual({
        label: '1 sigma',
        asymerror: {
          minus: Math.min(p.clsExp[1], p.clsExp[3]) - p.clsExp[2],
          plus: Math.max(p.clsExp[1], p.clsExp[3]) - p.clsExp[2],
        },
      })
    })
    const lim = upperLimit(model, data)
    const ut = upperLimitTable({ name: 'Upper limit on mu', limit: lim, conditions })
    const u = ut.data.dependent_variables[0].values
    expect(u[0].value).toBe(lim.obs)
    expect(u[1].value).toBe(lim.exp[2])
    const tables = [st, ct, ut]
    valid(tables)

    // and the workspace as an additional resource, written and read back whole
    const out = join(dir, 'fit')
    const w = writeSubmission(
      {
        comment: 'fit',
        resources: [workspaceResource({ name: '1bin normsys', workspace: ws })],
        tables,
      },
      { out },
    )
    expect(w.files).toContain('1bin_normsys_workspace.json')
    expect(JSON.parse(readFileSync(join(out, '1bin_normsys_workspace.json'), 'utf8'))).toEqual(ws)
    const [info] = parseAllDocuments(readFileSync(join(out, 'submission.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    )
    expect(info.additional_resources[0]).toMatchObject({
      location: '1bin_normsys_workspace.json',
      type: 'HistFactory',
    })
  })

  it('contours: one table per curve, the points in order', () => {
    const observed: [number, number][] = [
      [100, 0],
      [200, 50],
      [300, 120],
      [350, 0],
    ]
    const [t] = contourTables({
      name: 'Exclusion',
      x: { name: 'm(stop)', units: 'GeV' },
      y: { name: 'm(neutralino)', units: 'GeV' },
      curves: [{ label: 'Observed', pieces: [observed] }],
    })
    expect(t.name).toBe('Exclusion (Observed)')
    const grid = limitGridTable({
      name: 'Limits per signal point',
      x: { name: 'm(stop)', units: 'GeV' },
      y: { name: 'm(neutralino)', units: 'GeV' },
      cl: 0.95,
      points: [
        { x: 300, y: 100, obs: 0.8, exp: [0.4, 0.55, 0.7, 0.95, 1.3] },
        { x: 400, y: 100, obs: null, exp: [null, null, null, null, null] },
      ],
    })
    expect(grid.data.independent_variables.map((v) => v.values)).toEqual([
      [{ value: 300 }, { value: 400 }],
      [{ value: 100 }, { value: 100 }],
    ])
    expect(grid.data.dependent_variables[1].values).toEqual([
      {
        value: 0.7,
        errors: [
          { label: '1 sigma', asymerror: { minus: 0.55 - 0.7, plus: 0.95 - 0.7 } },
          { label: '2 sigma', asymerror: { minus: 0.4 - 0.7, plus: 1.3 - 0.7 } },
        ],
      },
      { value: '-' },
    ])
    valid([grid])
    expect(t.data.independent_variables[0].values).toEqual(observed.map(([x]) => ({ value: x })))
    expect(t.data.dependent_variables[0].values).toEqual(observed.map(([, y]) => ({ value: y })))
    valid([t])
  })
})

describe('writing a submission', () => {
  function submission(): Submission {
    return {
      comment: 'Zmumu test submission',
      resources: [],
      tables: [
        histogramTable({
          name: 'Leading muon pT',
          histogram: hist,
          samples: roles,
          observable: { name: 'pT', units: 'GeV' },
        }),
        cutflowTable({ name: 'Cut-flow SR', cutflow, region: 'SR', samples: roles }),
      ],
    }
  }

  it('writes submission.yaml, one data file per table and a zip holding the same files', () => {
    const out = join(dir, 'sub')
    const w = writeSubmission(submission(), { out, zip: true })
    expect(w.files).toEqual(['submission.yaml', 'leading_muon_pt.yaml', 'cut_flow_sr.yaml'])
    const docs = parseAllDocuments(readFileSync(join(out, 'submission.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    )
    expect(docs[0]).toEqual({ comment: 'Zmumu test submission' })
    expect(docs.slice(1).map((d) => [d.name, d.data_file])).toEqual([
      ['Leading muon pT', 'leading_muon_pt.yaml'],
      ['Cut-flow SR', 'cut_flow_sr.yaml'],
    ])
    const data = parse(readFileSync(join(out, 'leading_muon_pt.yaml'), 'utf8')) as DataTable
    expect(data.dependent_variables[1].values.map((v) => v.value)).toEqual(
      hist.samples.Zmumu.counts,
    )
    const zip = unzipSync(readFileSync(w.zip ?? ''))
    expect(Object.keys(zip).sort()).toEqual([...w.files].sort())
    for (const f of w.files)
      expect(new TextDecoder().decode(zip[f])).toBe(readFileSync(join(out, f), 'utf8'))
    // nothing replaced without asking
    expect(() => writeSubmission(submission(), { out })).toThrow(/already exists/)
  })

  it('writes YAML that PyYAML (HEPData reads with it, YAML 1.1) reads as meant', () => {
    // A cut named "on" and a sample "no" are booleans to YAML 1.1 unless quoted; 1e-20 is a
    // string to PyYAML unless written 1.0e-20.
    const { files } = submissionFiles({
      comment: 'yes',
      resources: [],
      tables: [
        {
          name: 'on',
          description: 'no',
          keywords: [],
          data: {
            independent_variables: [
              { header: { name: 'Cut' }, values: [{ value: 'on' }, { value: 'y' }] },
            ],
            dependent_variables: [
              {
                header: { name: 'no' },
                values: [{ value: 1e-20 }, { value: -5e-7, errors: [{ symerror: 2e21 }] }],
              },
            ],
          },
        },
      ],
    })
    const sub = String(files.get('submission.yaml'))
    expect(sub).toContain('comment: "yes"')
    expect(sub).toContain('name: "on"')
    const data = String(files.get('on.yaml'))
    expect(data).toContain('- value: "on"')
    expect(data).toContain('- value: "y"')
    expect(data).toContain('- value: 1.0e-20')
    expect(data).toContain('- value: -5.0e-7')
    expect(data).toContain('- symerror: 2.0e+21')
    const back = parse(data) as DataTable
    expect(back.dependent_variables[0].values.map((v) => v.value)).toEqual([1e-20, -5e-7])
  })

  it('renders a figure as the table image and its thumbnail', () => {
    const out = join(dir, 'fig')
    const sub = submission()
    sub.tables[0].figure = {
      svg: '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><rect x="10" y="10" width="100" height="300" fill="#5790fc"/></svg>',
    }
    const w = writeSubmission(sub, { out })
    expect(w.files).toEqual(
      expect.arrayContaining(['leading_muon_pt.png', 'thumb_leading_muon_pt.png']),
    )
    const png = readFileSync(join(out, 'thumb_leading_muon_pt.png'))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBe(200) // IHDR width
    expect(readFileSync(join(out, 'leading_muon_pt.png')).readUInt32BE(16)).toBe(600)
    const docs = parseAllDocuments(readFileSync(join(out, 'submission.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    )
    expect(docs[1].additional_resources).toEqual([
      { location: 'leading_muon_pt.png', description: 'Image file' },
      { location: 'thumb_leading_muon_pt.png', description: 'Thumbnail image file' },
    ])
  })

  it('a broken table is refused with plain words naming the table and the field, and nothing is written', () => {
    const sub = submission()
    const t = sub.tables[1]
    t.name = 'x'.repeat(70)
    const d = t.data.dependent_variables[0]
    d.values[1].errors = [{ label: 'stat' }]
    d.values.pop()
    ;(t.keywords as unknown[]).push({ name: 'energy', values: [7000] })
    const out = join(dir, 'broken')
    let message = ''
    try {
      writeSubmission(sub, { out })
    } catch (e) {
      message = (e as Error).message
    }
    const name = `table '${'x'.repeat(70)}'`
    expect(message).toContain('nothing was written')
    expect(message).toContain(
      `${name} (submission.yaml), name: is 70 characters long; at most 64 are allowed`,
    )
    expect(message).toContain(
      `${name} (submission.yaml), keyword 2, name: 'energy' is not allowed; use one of 'cmenergies', 'observables', 'reactions', 'phrases'`,
    )
    expect(message).toContain(
      `dependent variable 1 (Events (obs)), value 2, error 1: an error needs exactly one of symerror (symmetric) or asymerror (plus and minus)`,
    )
    expect(message).toContain(
      'dependent variable 1 (Events (obs)): has 2 values but there are 3 independent values (bins or points)',
    )
    expect(() => readdirSync(out)).toThrow()
  })
})
