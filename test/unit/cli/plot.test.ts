/**
 * `hepwb plot hist` and `hepwb plot export` as a user runs them: the figure's numbers equal
 * `hepwb hist`'s on the same spec, the PDF is the style's size with embedded fonts and its labels
 * as text, a PNG has size × DPI pixels; a project's saved plots export restyled with LaTeX.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RegionHistogram } from '../../../src/shared/cutflow'
import { plotsMethods } from '../../../src/shared/contract/plots'
import { plotsHandlers } from '../../../src/main/engine/services/plots'
import { Project } from '../../../src/main/engine/store/project'
import { hepwb } from '../helpers/cli'
import { serviceEnv } from '../helpers/service-env'
import { SKHEP } from '../io/shared-data'
import { havePoppler } from '../helpers/poppler'

const ZMUMU = SKHEP + 'uproot-Zmumu.root'
const dir = mkdtempSync(join(tmpdir(), 'hepwb-plot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const spec = join(dir, 'spec.json')
writeFileSync(
  spec,
  JSON.stringify({
    samples: [
      {
        name: 'Zmumu',
        role: 'background',
        group: 'Z#rightarrow#mu#mu',
        files: [relative(dir, ZMUMU)],
        tree: 'events',
        scale: 0.5,
      },
      { name: 'obs', role: 'data', files: [relative(dir, ZMUMU)], tree: 'events' },
    ],
    variables: [{ name: 'mll', expr: 'M', unit: 'GeV', label: 'm_{#mu#mu}' }],
    regions: [{ name: 'OS', cuts: [{ expr: 'Q1*Q2 < 0' }] }],
  }),
)

describe('hepwb plot hist', () => {
  it('draws the numbers of hepwb hist into a thesis PDF with embedded fonts and text labels', () => {
    const args = ['--var', 'mll', '--bins', '12', '--range', '60', '120', '--region', 'OS']
    const out = join(dir, 'mll.pdf')
    const r = hepwb(
      'plot',
      'hist',
      spec,
      ...args,
      '--label',
      'ATLAS Internal',
      '--lumi',
      '139',
      '--energy',
      '13',
      '--out',
      out,
      '--json',
    )
    expect(r.stderr).toBe('')
    const summary = JSON.parse(r.stdout) as {
      path: string
      width_cm: number
      height_cm: number
      components: { name: string; sumw: number[]; sumw2: number[] }[]
      edges: number[]
    }
    const h = JSON.parse(hepwb('hist', spec, ...args, '--json').stdout) as RegionHistogram
    expect(summary.edges).toEqual(h.edges)
    expect(summary.components.find((c) => c.name === 'Z#rightarrow#mu#mu')).toMatchObject({
      sumw: h.samples.Zmumu.counts,
      sumw2: h.samples.Zmumu.sumw2,
    })
    expect(summary.components.find((c) => c.name === 'Data')?.sumw).toEqual(h.samples.obs.counts)
    expect([summary.width_cm, summary.height_cm]).toEqual([15, 11.25])
    if (!havePoppler()) return
    expect(execFileSync('pdfinfo', [out], { encoding: 'utf8' })).toMatch(
      /Page size:\s+425\.19\d* x 318\.89\d* pts/,
    )
    const fonts = execFileSync('pdffonts', [out], { encoding: 'utf8' }).trim().split('\n').slice(2)
    for (const line of fonts) expect(line.split(/\s+/).at(-5)).toBe('yes')
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' })
    expect(text).toContain('ATLAS Internal')
    expect(text).toContain('Events / 5 GeV')
    expect(text).toMatch(/mμμ \[GeV\]/)
    // An existing file is not replaced without --overwrite.
    const again = hepwb('plot', 'hist', spec, ...args, '--out', out)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already exists/)
  })

  it('writes a PNG of size × DPI and refuses unknown styles and formats', () => {
    const out = join(dir, 'mll.png')
    const r = hepwb(
      'plot',
      'hist',
      spec,
      '--var',
      'M',
      '--bins',
      '10',
      '--range',
      '60',
      '120',
      '--style',
      'cms',
      '--dpi',
      '150',
      '--log',
      '--out',
      out,
      '--json',
    )
    expect(r.stderr).toBe('')
    const png = readFileSync(out)
    expect(png.readUInt32BE(16)).toBe(Math.round((12 / 2.54) * 150))
    expect(png.readUInt32BE(20)).toBe(Math.round((12 / 2.54) * 150))
    expect(
      hepwb(
        'plot',
        'hist',
        spec,
        '--var',
        'M',
        '--bins',
        '4',
        '--range',
        '0',
        '1',
        '--style',
        'nature',
        '--out',
        join(dir, 'x.pdf'),
      ).stderr,
    ).toMatch(/--style must be one of thesis, atlas, cms, slides, screen/)
    expect(
      hepwb(
        'plot',
        'hist',
        spec,
        '--var',
        'M',
        '--bins',
        '4',
        '--range',
        '0',
        '1',
        '--out',
        join(dir, 'x.jpg'),
      ).stderr,
    ).toMatch(/--out must end in .pdf, .svg or .png/)
  })
})

describe('hepwb plot export', () => {
  it("writes a project's saved plots restyled, with a LaTeX snippet each", async () => {
    const project = join(dir, 'p.hepwb')
    expect(hepwb('spec', 'open', spec, project).code).toBe(0)
    const p = Project.open(project)
    const { env } = serviceEnv(p)
    await plotsHandlers(env)['plots.save'](
      plotsMethods['plots.save'].params.parse({
        name: 'Dimuon mass',
        step: 'data',
        recipe: { kind: 'histogram', variable: 'mll', bins: 12, lo: 60, hi: 120, region: 'OS' },
      }),
    )
    p.close()
    const out = join(dir, 'export')
    const r = hepwb(
      'plot',
      'export',
      project,
      '--all',
      '--style',
      'atlas',
      '--format',
      'pdf',
      '--out',
      out,
      '--json',
    )
    expect(r.stderr).toBe('')
    const { files } = JSON.parse(r.stdout) as { files: { path: string; format: string }[] }
    expect(files.map((f) => [f.path, f.format])).toEqual([
      [join(out, 'dimuon-mass.pdf'), 'pdf'],
      [join(out, 'dimuon-mass.tex'), 'tex'],
    ])
    expect(readFileSync(join(out, 'dimuon-mass.tex'), 'utf8')).toContain(
      '\\includegraphics[width=12cm]{dimuon-mass.pdf}',
    )
    expect(hepwb('plot', 'export', project, '--name', 'nope', '--out', out).stderr).toMatch(
      /no saved plot named 'nope' \(saved: Dimuon mass\)/,
    )
  })
})
