/**
 * Saved plots against a real project file and a real ROOT file: a stacked histogram saved from
 * its recipe holds the numbers of the histogram use case (`hepwb hist`), re-renders to the same
 * SVG after the project is closed and reopened, is marked stale when a cut of its region changes
 * and gets new numbers when refreshed; restyling and exporting (folder and zip, with LaTeX).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { SampleSpec } from '../../../src/shared/contract/data'
import { plotsMethods } from '../../../src/shared/contract/plots'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { Project } from '../../../src/main/engine/store/project'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { plotsHandlers } from '../../../src/main/engine/services/plots'
import { scopeSource } from '../../../src/main/engine/services/project-source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { SKHEP } from '../io/shared-data'
import { gridOutcome, pullsFigure } from '../plots/fit-figures'
import { massPlaneSave } from '../../../src/renderer/src/components/fit/grid-figure'
import { nminus1Save } from '../../../src/renderer/src/components/cuts/nminus1-save'
import { hist2dSave } from '../../../src/renderer/src/components/data/hist2d-save'
import { savedPlotTables } from '../../../src/main/engine/plots/hepdata/saved-plot-tables'
import { serviceEnv } from '../helpers/service-env'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-plots-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const FILE = SKHEP + 'uproot-Zmumu.root'

async function open(path: string) {
  const project = existsSync(path) ? Project.open(path) : Project.create(path)
  const t = serviceEnv(project)
  return {
    project,
    ...t,
    data: dataHandlers(t.env),
    cuts: cutsHandlers(t.env),
    plots: plotsHandlers(t.env),
  }
}

async function setUp(name: string) {
  const path = join(tmp, `${name}.hepwb`)
  const s = await open(path)
  for (const [sample, role, factor] of [
    ['Zmumu', 'background', 0.5],
    ['obs', 'data', 1],
  ] as const) {
    const spec = SampleSpec.parse({
      name: sample,
      role,
      colour: '#1f77b4',
      files: [FILE],
      table: 'events',
      normalisation: factor === 1 ? { kind: 'none' } : { kind: 'scale', factor },
    })
    await s.waitForJob((await s.data['data.addSample']({ spec })).jobId)
  }
  await s.cuts['cuts.saveRegion']({
    region: { name: 'SR', blinded: false, cuts: [{ name: 'OS', expr: 'Q1 * Q2 < 0' }] },
  })
  return { path, ...s }
}

const recipe = {
  kind: 'histogram',
  variable: 'M',
  bins: 12,
  lo: 60,
  hi: 120,
  region: 'SR',
} as const

describe('saved plots', () => {
  it('saves the numbers of the histogram use case with provenance, and re-renders identically after reopening', async () => {
    const s = await setUp('reopen')
    const saved = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse({
        name: 'Dimuon mass',
        tags: ['thesis'],
        step: 'data',
        source: 'Data · stacked histogram',
        recipe,
        settings: { experiment: 'CMS', status: 'Preliminary', energyTeV: 13 },
      }),
    )
    expect(saved.figure.kind).toBe('stack')
    if (saved.figure.kind !== 'stack') return
    const h = await runHistogram(await scopeSource(s.env, silentContext()), {
      expr: 'M',
      binning: { bins: 12, lo: 60, hi: 120 },
      region: 'SR',
    })
    const z = saved.figure.components.find((c) => c.role === 'background')
    const d = saved.figure.components.find((c) => c.role === 'data')
    expect(z?.sumw).toEqual(h.samples.Zmumu.counts)
    expect(z?.sumw2).toEqual(h.samples.Zmumu.sumw2)
    expect(d?.sumw).toEqual(h.samples.obs.counts)
    expect(saved.figure.edges).toEqual(h.edges)
    expect(saved.provenance.region).toEqual({
      name: 'SR',
      cuts: [{ name: 'OS', expr: 'Q1 * Q2 < 0' }],
    })
    expect(saved.provenance.samples.map((x) => x.name)).toEqual(['Zmumu', 'obs'])
    expect(saved.provenance.samples[0].files[0].hash).toMatch(/^[0-9a-f]{64}$/)
    expect(saved.provenance.engineVersion).toMatch(/^\d+\.\d+/)

    // A change of one setting keeps every other (a patch is not a whole new settings object).
    const updated = await s.plots['plots.update'](
      plotsMethods['plots.update'].params.parse({ id: saved.id, settings: { lumiFb: 0.06 } }),
    )
    expect(updated.settings).toMatchObject({
      experiment: 'CMS',
      status: 'Preliminary',
      energyTeV: 13,
      lumiFb: 0.06,
    })
    const svg = (await s.plots['plots.render']({ id: saved.id, settings: {} })).svg
    s.project.close()
    const again = await open(s.path)
    expect(await again.plots['plots.list']({})).toMatchObject([
      { name: 'Dimuon mass', tags: ['thesis'], stale: false, step: 'data' },
    ])
    expect((await again.plots['plots.render']({ id: saved.id, settings: {} })).svg).toBe(svg)
    again.project.close()
  })

  it('marks a plot stale when a cut changes, and refreshing recomputes its numbers', async () => {
    const s = await setUp('stale')
    const saved = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse({ name: 'M', step: 'data', recipe }),
    )
    expect((await s.plots['plots.list']({}))[0].stale).toBe(false)
    await s.cuts['cuts.saveRegion']({
      region: {
        name: 'SR',
        blinded: false,
        cuts: [
          { name: 'OS', expr: 'Q1 * Q2 < 0' },
          { name: 'pt', expr: 'pt1 > 40' },
        ],
      },
    })
    const listed = (await s.plots['plots.list']({}))[0]
    expect(listed).toMatchObject({ stale: true, staleReason: 'inputs changed since saved' })
    const fresh = await s.plots['plots.refresh']({ id: saved.id })
    const total = (p: typeof saved) =>
      p.figure.kind === 'stack'
        ? p.figure.components.reduce((a, c) => a + c.sumw.reduce((x, y) => x + y, 0), 0)
        : NaN
    expect(total(fresh)).toBeLessThan(total(saved))
    expect(fresh.provenance.region?.cuts).toHaveLength(2)
    expect((await s.plots['plots.list']({}))[0].stale).toBe(false)
    s.project.close()
  })

  it('restyles and exports to a folder and a zip, each figure with its LaTeX snippet', async () => {
    const s = await setUp('export')
    const a = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse({ name: 'Mass (SR)', step: 'data', recipe }),
    )
    const [restyled] = await s.plots['plots.restyle']({ ids: [a.id], style: 'atlas' })
    expect(restyled.settings).toMatchObject({
      style: 'atlas',
      widthCm: 12,
      font: 'sans',
      experiment: 'ATLAS',
    })
    const dir = join(tmp, 'out')
    const { files } = await s.plots['plots.export'](
      plotsMethods['plots.export'].params.parse({
        ids: [a.id],
        format: 'svg',
        path: dir,
        style: 'thesis',
      }),
    )
    expect(files.map((f) => f.path)).toEqual([join(dir, 'mass-sr.svg'), join(dir, 'mass-sr.tex')])
    const tex = readFileSync(join(dir, 'mass-sr.tex'), 'utf8')
    expect(tex).toContain('\\includegraphics[width=15cm]{mass-sr.svg}')
    expect(tex).toContain('\\caption{Distribution of M in the SR region (\\texttt{Q1 * Q2 < 0})')
    // Exporting again onto the same files is refused unless asked to replace them.
    await expect(
      s.plots['plots.export'](
        plotsMethods['plots.export'].params.parse({ ids: [a.id], format: 'svg', path: dir }),
      ),
    ).rejects.toThrow(/already exists/)
    const zip = join(tmp, 'plots.zip')
    await s.plots['plots.export'](
      plotsMethods['plots.export'].params.parse({
        ids: [a.id],
        format: 'png',
        dpi: 100,
        path: zip,
      }),
    )
    expect(Object.keys(unzipSync(readFileSync(zip))).sort()).toEqual(['mass-sr.png', 'mass-sr.tex'])
    s.project.close()
  })

  it('keeps a snapshot figure (a ROC) as sent: drawn, never stale, not recomputable', async () => {
    const s = await setUp('snapshot')
    const roc = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse({
        name: 'ROC · mlp',
        step: 'train',
        source: 'Train · ROC',
        recipe: { kind: 'none' },
        figure: {
          kind: 'lines',
          flavour: 'roc',
          x: { expr: 'eff_s', label: '#varepsilon_{S}' },
          y: { expr: 'eff_b', label: '#varepsilon_{B}' },
          series: [{ name: 'mlp (AUC = 0.912)', x: [0, 0.5, 1], y: [0, 0.1, 1] }],
        },
        settings: { xRange: [0, 1], legend: { position: 'upper left', columns: 1 } },
      }),
    )
    expect((await s.plots['plots.list']({}))[0]).toMatchObject({
      kind: 'lines',
      stale: false,
      step: 'train',
    })
    const { svg } = await s.plots['plots.render']({ id: roc.id, settings: {} })
    expect(svg).toContain('mlp (AUC = 0.912)')
    await expect(s.plots['plots.refresh']({ id: roc.id })).rejects.toThrow(/snapshot/)
    s.project.close()
  })

  it('keeps a mass plane and pulls as sent, and re-renders them identically after reopening', async () => {
    const s = await setUp('fit-kinds')
    const plane = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse(massPlaneSave(gridOutcome(), 'observed')),
    )
    const pulls = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse({
        name: 'Pulls · 1Lbb',
        step: 'fit',
        source: 'Fit · pulls',
        recipe: { kind: 'none' },
        figure: pullsFigure,
      }),
    )
    const render = async (x: { plots: ReturnType<typeof plotsHandlers> }, id: string) =>
      (await x.plots['plots.render']({ id, settings: {} })).svg
    const svgs = [await render(s, plane.id), await render(s, pulls.id)]
    expect(svgs[0]).toContain('Observed limit')
    expect(svgs[1]).toContain('ttbar_xsec')
    s.project.close()
    const again = await open(s.path)
    expect(await again.plots['plots.list']({})).toMatchObject([
      { name: 'Mass plane · patchset.json', kind: 'contour', step: 'fit', stale: false },
      { name: 'Pulls · 1Lbb', kind: 'pulls', step: 'fit', stale: false },
    ])
    expect([await render(again, plane.id), await render(again, pulls.id)]).toEqual(svgs)
    again.project.close()
  })

  it('saves an N−1 plot with the numbers of cuts.nminus1 and its threshold drawn as a line', async () => {
    const s = await setUp('nminus1')
    await s.cuts['cuts.saveRegion']({
      region: {
        name: 'Window',
        blinded: false,
        cuts: [
          { name: 'OS', expr: 'Q1 * Q2 < 0' },
          { name: 'mass', expr: 'M > 70' },
        ],
      },
    })
    const h = await s.cuts['cuts.nminus1']({
      region: 'Window',
      cutIndex: 1,
      bins: 12,
      lo: 60,
      hi: 120,
    })
    expect([h.variable, h.threshold]).toEqual(['M', 70])
    const saved = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse(nminus1Save(h, 'Window', 'mass')),
    )
    expect(saved.name).toBe('N−1 M · Window · mass')
    expect(saved.figure.kind).toBe('stack')
    if (saved.figure.kind !== 'stack') return
    expect(saved.figure.cuts).toEqual([70])
    expect(saved.figure.components.map((c) => [c.name, c.role, c.sumw])).toEqual(
      h.samples.map((x) => [x.name, x.role, x.sumw]),
    )
    const svg = (await s.plots['plots.render']({ id: saved.id, settings: {} })).svg
    // The cut: a dashed red line across the main panel; the region as the label's last line.
    expect(svg).toMatch(/<line[^>]*stroke="#d62728"[^>]*stroke-dasharray/)
    expect(svg).toContain('Window')
    s.project.close()
    const again = await open(s.path)
    expect((await again.plots['plots.render']({ id: saved.id, settings: {} })).svg).toBe(svg)
    again.project.close()
  })

  it('saves a 2-D histogram with numeric axes and its cells as HEPData bins', async () => {
    const s = await setUp('hist2d')
    const [zmumu] = await s.data['data.samples']({})
    const h = await s.data['data.hist2d']({
      sample: zmumu.id,
      x: 'eta1',
      y: 'phi1',
      xbins: 8,
      ybins: 6,
    })
    const saved = await s.plots['plots.save'](
      plotsMethods['plots.save'].params.parse(hist2dSave(h, 'Zmumu')),
    )
    if (saved.figure.kind !== 'heatmap') throw new Error('a heatmap')
    expect(saved.figure.values).toHaveLength(h.ybins)
    expect(saved.figure.values[0]).toHaveLength(h.xbins)
    expect(saved.figure.values[1][2]).toBe(h.sumw[2][1] || null)
    const svg = (await s.plots['plots.render']({ id: saved.id, settings: {} })).svg
    // Numeric axes: tick labels, not one label per cell; the variables as axis titles.
    expect(svg).toContain('eta1')
    expect(svg).toContain('phi1')
    expect(svg).not.toContain(`>${saved.figure.xLabels[0]}<`)
    const [table] = savedPlotTables(saved)
    const x = table.data.independent_variables[0].values
    expect(x[0]).toEqual({ low: h.xlo, high: h.xlo + (h.xhi - h.xlo) / h.xbins })
    const total = table.data.dependent_variables[0].values.reduce(
      (a, v) => a + (typeof v.value === 'number' ? v.value : 0),
      0,
    )
    expect(total).toBeCloseTo(h.inside, 6)
    s.project.close()
    const again = await open(s.path)
    expect((await again.plots['plots.render']({ id: saved.id, settings: {} })).svg).toBe(svg)
    again.project.close()
  })
})
