/**
 * HEPData tables of saved plots (src/shared/plot): a stacked histogram filled by the engine's
 * histogram use case on the Zmumu ROOT file and a Brazil band from a CLs scan of a pyhf
 * validation workspace, saved as the Plots step saves them (data + settings + provenance).
 * The tables hold the plots' numbers, take √s, luminosity and region from the plot, turn the
 * TeX-like labels into LaTeX, and pass the HEPData 1.1.x check.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SavedPlot } from '../../../../src/shared/plot/saved-plot'
import { runHistogram } from '../../../../src/main/engine/app/histogram'
import { specSource } from '../../../../src/main/engine/app/spec-source'
import { loadWorkspace } from '../../../../src/main/engine/io/pyhf'
import { readSpecFile } from '../../../../src/main/engine/select/spec-file'
import { observedData } from '../../../../src/main/engine/stats/likelihood'
import { upperLimitScan } from '../../../../src/main/engine/stats/limit'
import { compileModel } from '../../../../src/main/engine/stats/model'
import { linspace } from '../../../../src/main/engine/stats/scan'
import { layOut } from '../../../../src/main/engine/plots/hepdata/layout'
import { savedPlotsTables } from '../../../../src/main/engine/plots/hepdata/saved-plot-tables'
import { validateLayout } from '../../../../src/main/engine/plots/hepdata/validate'
import { writeSubmission } from '../../../../src/main/engine/plots/hepdata/write'
import { DATA, SKHEP } from '../../io/shared-data'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-hepdata-plots-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const provenance = (region: string | null) => ({
  project: null,
  step: 'data' as const,
  region: region ? { name: region, cuts: [] } : null,
  engineVersion: '0.1.0',
  date: '2026-12-07T00:00:00Z',
})

describe('HEPData tables of saved plots', () => {
  it('a saved stack and a saved Brazil band give tables with their numbers, valid for HEPData', async () => {
    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({
        samples: [
          { name: 'obs', role: 'data', files: [SKHEP + 'uproot-Zmumu.root'], tree: 'events' },
          {
            name: 'Zmumu',
            role: 'background',
            files: [SKHEP + 'uproot-Zmumu.root'],
            tree: 'events',
            scale: 0.5,
          },
        ],
        regions: [{ name: 'SR', cuts: [{ expr: 'M > 80 && M < 100' }] }],
      }),
    )
    const source = specSource(await readSpecFile(join(dir, 'spec.json')))
    const h = await runHistogram(source, {
      expr: 'M',
      binning: { bins: 5, lo: 80, hi: 100 },
      region: 'SR',
    })
    const stack = SavedPlot.parse({
      id: '1',
      name: 'Dimuon mass in SR',
      figure: {
        kind: 'stack',
        edges: h.edges,
        x: { expr: 'M', label: 'm_{#mu#mu}', unit: 'GeV' },
        components: Object.entries(h.samples).map(([name, s]) => ({
          name,
          role: name === 'obs' ? 'data' : 'background',
          sumw: s.counts,
          sumw2: s.sumw2,
          entries: s.entries,
        })),
      },
      settings: { energyTeV: 7, lumiFb: 0.036 },
      provenance: provenance('SR'),
      createdAt: '',
      updatedAt: '',
    })

    const ws = await loadWorkspace(DATA + 'pyhf-validation-workspaces/1bin_normsys.json')
    const model = compileModel(ws)
    const lim = upperLimitScan(model, observedData(model), linspace(0, 4, 5))
    const brazil = SavedPlot.parse({
      id: '2',
      name: 'Limit on mu',
      figure: {
        kind: 'brazil',
        poi: { name: 'mu', label: '#mu' },
        cl: 0.95,
        points: lim.points,
        obs: lim.obs,
        exp: lim.exp,
      },
      settings: {},
      provenance: { ...provenance(null), step: 'fit' },
      createdAt: '',
      updatedAt: '',
    })

    // the stack twice: the export keeps table names unique
    const tables = savedPlotsTables([{ plot: stack }, { plot: brazil }, { plot: stack }])
    expect(tables.map((t) => t.name)).toEqual([
      'Dimuon mass in SR',
      'Limit on mu (CLs)',
      'Limit on mu (limit)',
      'Dimuon mass in SR (2)',
    ])
    const [hist, cls, limit] = tables
    expect(hist.data.independent_variables[0].header).toEqual({
      name: '$m_{\\mu \\mu}$',
      units: 'GeV',
    })
    const z = hist.data.dependent_variables.find((d) => d.header.name === 'Events (Zmumu)')
    expect(z?.values.map((v) => v.value)).toEqual(h.samples.Zmumu.counts)
    expect(z?.qualifiers).toContainEqual({ name: 'LUMINOSITY', value: 0.036, units: 'fb$^{-1}$' })
    expect(z?.qualifiers).toContainEqual({ name: 'Region', value: 'SR' })
    expect(cls.data.independent_variables[0].header).toEqual({ name: '$\\mu$' })
    expect(cls.data.dependent_variables[0].values.map((v) => v.value)).toEqual(
      lim.points.map((p) => p.cls),
    )
    expect(limit.data.dependent_variables[0].values[0].value).toBe(lim.obs)
    expect(validateLayout(layOut({ comment: '', resources: [], tables }))).toEqual([])

    // each plot's first table carries its figure, drawn by the figure renderer: written as
    // the table's image (15 cm at 150 dpi) and its 200-pixel thumbnail
    expect(hist.figure?.svg).toContain('<svg')
    expect(hist.figure?.widthCm).toBe(15)
    const w = writeSubmission({ comment: '', resources: [], tables }, { out: join(dir, 'out') })
    const png = (f: string) => readFileSync(join(dir, 'out', f))
    expect(png('dimuon_mass_in_sr.png').readUInt32BE(16)).toBe(Math.round((15 / 2.54) * 150))
    expect(png('thumb_dimuon_mass_in_sr.png').readUInt32BE(16)).toBe(200)
    expect(w.files).toContain('thumb_limit_on_mu_cls.png')
  })
})
