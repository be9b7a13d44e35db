/**
 * The mass-plane (contour) and pulls figure kinds: the signal grid's outcome with the engine's
 * own contours (app/signal-grid.ts) and a fit's pulls, turned into figures as the Fit view's
 * "Save to Plots" does, drawn by the figure renderer (SVG with the labels as <text>), exported
 * as PDF (poppler finds the labels as text, fonts embedded) and written as HEPData tables that
 * hold the contours' points and the pulls and pass the HEPData 1.1.x check.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import { afterAll, describe, expect, it } from 'vitest'
import { plotsMethods } from '../../../src/shared/contract/plots'
import { Figure } from '../../../src/shared/plot/figure'
import { SavedPlot } from '../../../src/shared/plot/saved-plot'
import { defaultSettings } from '../../../src/shared/plot/styles'
import { figurePdf } from '../../../src/main/engine/plots/export'
import { latexSnippet } from '../../../src/main/engine/plots/latex'
import { layOut } from '../../../src/main/engine/plots/hepdata/layout'
import { savedPlotTables } from '../../../src/main/engine/plots/hepdata/saved-plot-tables'
import { validateLayout } from '../../../src/main/engine/plots/hepdata/validate'
import { renderFigure } from '../../../src/main/engine/plots/render'
import { massPlaneSave } from '../../../src/renderer/src/components/fit/grid-figure'
import { gridOutcome, pullsFigure } from './fit-figures'
import { havePoppler } from '../helpers/poppler'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-figure-kinds-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const poppler = havePoppler()

const settings = defaultSettings('thesis', {
  experiment: 'ATLAS',
  status: 'Internal',
  energyTeV: 13,
  lumiFb: 139,
})

function massPlaneFigure(): Figure {
  const req = massPlaneSave(gridOutcome(), 'observed')
  if (!req) throw new Error('no mass plane')
  return plotsMethods['plots.save'].params.parse(req).figure as Figure
}

function saved(figure: Figure, name: string) {
  return SavedPlot.parse({
    id: 'p1',
    name,
    figure,
    settings,
    provenance: { project: null, step: 'fit', engineVersion: '0.1.0', date: '2026-12-07' },
    createdAt: '2026-12-07',
    updatedAt: '2026-12-07',
  })
}

describe('mass plane (contour) figure', () => {
  it('holds the grid points with their CLs and every contour piece the engine drew', () => {
    const g = gridOutcome()
    const f = massPlaneFigure()
    expect(f.kind).toBe('contour')
    if (f.kind !== 'contour') return
    expect(f.points).toHaveLength(30)
    expect(f.points[0]).toEqual({
      name: 'C1N2_300_0',
      x: 300,
      y: 0,
      cls: g.points[0].hypotest?.clsObs,
    })
    const obs = f.curves.find((c) => c.role === 'observed')
    expect(obs?.pieces.map((p) => p.points)).toEqual(
      g.contours?.observed.lines.map((l) => l.points),
    )
    expect(f.curves.map((c) => c.role)).toEqual([
      'expectedMinus1',
      'expectedPlus1',
      'expected',
      'observed',
    ])
    expect(f.band).toEqual(g.contours?.band)
    expect(f.band.length).toBeGreaterThan(0)
  })

  it('renders an SVG with its axis titles, legend and label as text, the same bytes each time', () => {
    const f = massPlaneFigure()
    const r = renderFigure(f, settings)
    expect(() => new Resvg(r.svg).render()).not.toThrow()
    expect(r.svg).toMatch(/<text[^>]*>.*ATLAS/)
    for (const t of [
      'Observed limit',
      'Expected limit',
      'm1 [GeV]',
      'm2 [GeV]',
      '95% CL exclusion',
    ])
      expect(r.svg).toContain(t)
    // Observed solid red, expected dashed black, the band filled yellow, excluded points filled.
    expect(r.svg).toMatch(/stroke="#d62728"/)
    expect(r.svg).toMatch(/stroke="#000000"[^>]*stroke-dasharray/)
    expect(r.svg).toMatch(/fill="#ffcc00"/)
    expect(r.svg.match(/<circle[^>]*fill="#404040"/g)?.length).toBeGreaterThan(5)
    expect(r.svg.match(/<circle[^>]*fill="#ffffff"/g)?.length).toBeGreaterThan(5)
    expect(renderFigure(f, settings).svg).toBe(r.svg)
  })

  it('exports a PDF whose labels are text in embedded fonts', async () => {
    if (!poppler) return
    const file = join(tmp, 'mass-plane.pdf')
    writeFileSync(file, await figurePdf(renderFigure(massPlaneFigure(), settings), { title: 'mp' }))
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2)
    for (const line of fonts) expect(line.split(/\s+/).at(-5)).toBe('yes')
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
    expect(text).toContain('ATLAS Internal')
    expect(text).toContain('m1 [GeV]')
    expect(text).toContain('Observed limit')
  })

  it('writes one HEPData table per contour piece, its points in drawing order, valid 1.1.x', () => {
    const g = gridOutcome()
    const tables = savedPlotTables(saved(massPlaneFigure(), 'Mass plane · patchset.json'))
    const obsLines = g.contours?.observed.lines ?? []
    const obs = tables.filter((t) => t.name.includes('(Observed limit'))
    expect(obs).toHaveLength(obsLines.length)
    const closedOrNot = (l: (typeof obsLines)[number]) =>
      l.closed ? [...l.points, l.points[0]] : l.points
    expect(obs[0].data.independent_variables[0].values.map((v) => v.value)).toEqual(
      closedOrNot(obsLines[0]).map((p) => p[0]),
    )
    expect(obs[0].data.dependent_variables[0].values.map((v) => v.value)).toEqual(
      closedOrNot(obsLines[0]).map((p) => p[1]),
    )
    expect(obs[0].data.independent_variables[0].header).toEqual({ name: 'm1', units: 'GeV' })
    expect(validateLayout(layOut({ comment: '', resources: [], tables }))).toEqual([])
  })
})

describe('pulls figure', () => {
  it('renders each parameter as written, on the ±1σ/±2σ bands, with the label as text', () => {
    const r = renderFigure(pullsFigure, settings)
    expect(() => new Resvg(r.svg).render()).not.toThrow()
    // An underscore in a parameter name is not a subscript.
    expect(r.svg).toContain('jes_NP_1')
    expect(r.svg).toContain('ttbar_xsec')
    expect(r.svg).toMatch(/<text[^>]*>.*ATLAS/)
    expect(r.svg).toMatch(/fill="#00cc00"/)
    expect(r.svg).toMatch(/fill="#ffcc00"/)
    // Three pulls drawn (the parameter without one is only named).
    expect(r.svg.match(/<circle[^>]*fill="#000000"/g)?.length).toBe(3 + 1) // + legend marker
    expect(renderFigure(pullsFigure, settings).svg).toBe(r.svg)
  })

  it('grows with its rows when the height is automatic, so a hundred names stay readable', () => {
    const many = Figure.parse({
      ...pullsFigure,
      rows: Array.from({ length: 100 }, (_, k) => ({ name: `np_${k}`, pull: 0, error: 1 })),
    })
    const r = renderFigure(many, settings)
    expect(r.widthCm).toBe(15)
    expect(r.heightCm).toBeCloseTo(0.42 * 100 + 3.5, 6)
    // Every name at the settings' font size (10 pt), none squeezed.
    expect(r.svg).toMatch(/font-size="10"[^>]*>np_99</)
    // A height the user set is kept.
    expect(renderFigure(many, { ...settings, heightCm: 20 }).heightCm).toBe(20)
    expect(renderFigure(pullsFigure, settings).heightCm).toBe(11.25)
  })

  it('exports a PDF with the parameter names and the axis title as text', async () => {
    if (!poppler) return
    const file = join(tmp, 'pulls.pdf')
    writeFileSync(file, await figurePdf(renderFigure(pullsFigure, settings), { title: 'pulls' }))
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
    expect(text).toContain('ttbar_xsec')
    expect(text).toMatch(/θ\s*−\s*θ\s*0/)
    expect(text).toContain('ATLAS Internal')
  })

  it('writes the pulls as one HEPData table with their errors, valid 1.1.x', () => {
    const tables = savedPlotTables(saved(pullsFigure, 'Pulls · 1Lbb'))
    expect(tables).toHaveLength(1)
    const d = tables[0].data
    expect(d.independent_variables[0].values.map((v) => v.value)).toEqual([
      'lumi',
      'jes_NP_1',
      'ttbar_xsec',
      'unconstrained',
    ])
    expect(d.dependent_variables[0].values).toEqual([
      { value: 0.1, errors: [{ symerror: 0.95 }] },
      { value: -0.8, errors: [{ symerror: 0.7 }] },
      { value: 1.4, errors: [{ symerror: 0.5 }] },
      { value: '-' },
    ])
    expect(validateLayout(layOut({ comment: '', resources: [], tables }))).toEqual([])
  })

  describe('ranking (pulls with impacts)', () => {
    const ranking = Figure.parse({
      ...pullsFigure,
      rows: [
        {
          name: 'ttbar_xsec',
          pull: 1.4,
          error: 0.5,
          impact: { pre: [0.2, -0.18], post: [0.12, -0.1] },
        },
        {
          name: 'lumi',
          pull: 0.1,
          error: 0.95,
          impact: { pre: [0.05, -0.05], post: [0.04, null] },
        },
      ],
    })

    it('draws the impacts on a ΔPOI top axis instead of the bands, same bytes each time', () => {
      const r = renderFigure(ranking, settings)
      expect(() => new Resvg(r.svg).render()).not.toThrow()
      expect(r.svg).toContain('Post-fit impact')
      expect(r.svg).toContain('Pre-fit impact')
      // No green/yellow bands behind the bars: ±1σ as dashed lines.
      expect(r.svg).not.toMatch(/fill="#00cc00"/)
      expect(r.svg).toMatch(/<text[^>]*>.*Δ.*μ/)
      expect(renderFigure(ranking, settings).svg).toBe(r.svg)
    })

    it('writes the impacts as HEPData variables beside the pulls, valid 1.1.x', () => {
      const tables = savedPlotTables(saved(ranking, 'Ranking'))
      const d = tables[0].data.dependent_variables
      expect(d.map((v) => v.header.name)).toEqual([
        '$(\\theta$ - $\\theta_{0})$ / $\\Delta \\theta$',
        '$\\Delta \\mu$ (post-fit, $+1\\sigma$)',
        '$\\Delta \\mu$ (post-fit, $-1\\sigma$)',
        '$\\Delta \\mu$ (pre-fit, $+1\\sigma$)',
        '$\\Delta \\mu$ (pre-fit, $-1\\sigma$)',
      ])
      expect(d[2].values).toEqual([{ value: -0.1 }, { value: '-' }])
      expect(validateLayout(layOut({ comment: '', resources: [], tables }))).toEqual([])
    })
  })

  describe('LaTeX captions of the fit figures', () => {
    it('say what the contours, the band and the pulls are', () => {
      const plane = latexSnippet(saved(massPlaneFigure(), 'Mass plane'), 'mass-plane.pdf')
      expect(plane).toContain(
        'Observed (solid red) and expected (dashed) 95\\% CL exclusion contours',
      )
      expect(plane).toContain('of each of the 30 signal points')
      const pulls = latexSnippet(saved(pullsFigure, 'Pulls'), 'pulls.pdf')
      expect(pulls).toContain('of the 4 nuisance parameters')
    })
  })
})
