/**
 * The figure renderer's files as a thesis needs them, checked with poppler (pdfinfo, pdffonts,
 * pdftotext) and resvg: the PDF page is the style's size, every font is embedded, axis titles and
 * the experiment label are text; the PNG is size × DPI pixels; the SVG is well-formed XML whose
 * labels are <text>. Also the data intervals: Garwood 68 % limits against published values.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import { afterAll, describe, expect, it } from 'vitest'
import { Figure } from '../../../src/shared/plot/figure'
import { defaultSettings, figureSizeCm } from '../../../src/shared/plot/styles'
import { figurePdf, figurePng } from '../../../src/main/engine/plots/export'
import { garwood } from '../../../src/main/engine/plots/poisson-interval'
import { renderFigure } from '../../../src/main/engine/plots/render'
import { havePoppler } from '../helpers/poppler'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-plot-export-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const poppler = havePoppler()

export const stack = Figure.parse({
  kind: 'stack',
  edges: [60, 70, 80, 90, 100, 110, 120],
  x: { expr: 'mll', label: 'm_{#mu#mu}', unit: 'GeV' },
  components: [
    {
      name: 't#bar{t}',
      role: 'background',
      sumw: [20, 18, 15, 12, 10, 8],
      sumw2: [1, 1, 1, 1, 1, 1],
    },
    {
      name: 'Z#rightarrow#mu#mu',
      role: 'background',
      sumw: [10, 60, 400, 80, 12, 4],
      sumw2: [2, 5, 20, 6, 2, 1],
    },
    { name: 'Signal', role: 'signal', sumw: [0, 1, 5, 20, 3, 0], sumw2: [0, 1, 5, 20, 3, 0] },
    { name: 'Data', role: 'data', sumw: [31, 75, 420, 95, 0, 14], sumw2: [31, 75, 420, 95, 0, 14] },
  ],
})

const settings = defaultSettings('thesis', {
  experiment: 'ATLAS',
  status: 'Internal',
  energyTeV: 13,
  lumiFb: 139,
  regionLabel: 'Signal region',
})

describe('figure files', () => {
  it('writes a PDF of the style size with embedded fonts and its labels as text', async () => {
    if (!poppler) return
    const r = renderFigure(stack, settings)
    const file = join(tmp, 'stack.pdf')
    writeFileSync(file, await figurePdf(r, { title: 'stack' }))
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
    const [, w, h] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info) ?? []
    const size = figureSizeCm(settings)
    expect(size).toEqual({ width: 15, height: 11.25 })
    expect(Number(w)).toBeCloseTo((15 / 2.54) * 72, 1)
    expect(Number(h)).toBeCloseTo((11.25 / 2.54) * 72, 1)
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2)
    expect(fonts.length).toBeGreaterThan(0)
    // Columns: name type encoding emb sub uni — every font embedded.
    for (const line of fonts) expect(line.split(/\s+/).at(-5)).toBe('yes')
    expect(fonts.join('\n')).toMatch(/LMRoman10-Regular/)
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
    expect(text).toContain('ATLAS Internal')
    expect(text).toContain('Events / 10 GeV')
    expect(text).toMatch(/mμμ \[GeV\]/)
    expect(text).toContain('Data / Pred.')
  })

  it('writes a PNG of size × DPI pixels and a well-formed SVG whose labels are text', () => {
    const r = renderFigure(stack, settings)
    const png = figurePng(r, 300)
    expect(png.readUInt32BE(16)).toBe(Math.round((15 / 2.54) * 300))
    expect(png.readUInt32BE(20)).toBe(Math.round((11.25 / 2.54) * 300))
    expect(figurePng(r, 100).readUInt32BE(16)).toBe(Math.round((15 / 2.54) * 100))
    expect(r.svg.startsWith('<?xml')).toBe(true)
    // resvg parses the document as strict XML and fails on any malformed markup.
    expect(() => new Resvg(r.svg.replace('<svg ', '<svg data-x="1" ')).render()).not.toThrow()
    expect(() => new Resvg(r.svg.replace('</svg>', '</g></svg>'))).toThrow()
    expect(r.svg).toMatch(/<text[^>]*>.*ATLAS/)
    expect(r.svg).toMatch(/<tspan[^>]*>Events \/ 10 GeV<\/tspan>/)
    // The same figure and settings give the same bytes.
    expect(renderFigure(stack, settings).svg).toBe(r.svg)
  })

  it('draws the style presets at their sizes', () => {
    for (const [style, w, h] of [
      ['atlas', 12, 9],
      ['cms', 12, 12],
      ['slides', 25.4, 14.29],
    ] as const) {
      const r = renderFigure(stack, defaultSettings(style))
      expect([r.widthCm, r.heightCm]).toEqual([w, h])
    }
  })
})

describe('Garwood intervals', () => {
  it('match the 68.27 % Poisson limits of the PDG table (incl. the empty bin)', () => {
    // Reference: Garwood (1936); ROOT's TH1::kPoisson gives the same (e.g. n = 0: [0, 1.841]).
    const cases: [number, number, number][] = [
      [0, 0, 1.841],
      [1, 0.173, 3.3],
      [2, 0.708, 4.638],
      [5, 2.84, 8.382],
      [10, 6.891, 14.267],
    ]
    for (const [n, lo, hi] of cases) {
      const [a, b] = garwood(n)
      expect(a).toBeCloseTo(lo, 2)
      expect(b).toBeCloseTo(hi, 2)
    }
  })
})

describe('tick labels', () => {
  it('show the decimals their step needs', async () => {
    const { linearTicks } = await import('../../../src/main/engine/plots/axis')
    expect(linearTicks(0, 15, 6).major.map((m) => m.label)).toEqual([
      '0',
      '2.5',
      '5',
      '7.5',
      '10',
      '12.5',
      '15',
    ])
    expect(linearTicks(-1, 1, 4).major.map((m) => m.label)).toEqual(['−1', '−0.5', '0', '0.5', '1'])
  })
})
