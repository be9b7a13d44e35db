/**
 * `hepdata.export` through the real engine service (requests validated as the window sends
 * them): saved plots become a written submission; a broken plot gives its problems in words
 * and nothing is written; an existing folder's files are refused with the code 'exists'.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { SavedPlot } from '../../../src/shared/plot/saved-plot'
import { inProcessEngine } from '../helpers/engine'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-hepdata-service-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const plot = (name: string, sumw: number[]): SavedPlot =>
  ({
    id: name,
    name,
    tags: [],
    figure: {
      kind: 'stack',
      edges: [0, 10, 20, 30],
      x: { expr: 'pt', label: 'p_{T}', unit: 'GeV' },
      components: [
        {
          name: 'data',
          role: 'data',
          colour: null,
          sumw: [3, 5, 0],
          sumw2: [3, 5, 0],
          underflow: { sumw: 0, sumw2: 0 },
          overflow: { sumw: 0, sumw2: 0 },
          entries: 8,
          samples: [],
        },
        {
          name: 'ttbar',
          role: 'background',
          colour: null,
          sumw,
          sumw2: sumw.map((w) => w / 4),
          underflow: { sumw: 0, sumw2: 0 },
          overflow: { sumw: 0, sumw2: 0 },
          entries: 40,
          samples: [],
        },
      ],
      wholeX: false,
      flowsFolded: false,
      normalised: false,
    },
    settings: { energyTeV: 13, lumiFb: 140 },
    provenance: {
      project: null,
      step: 'data',
      engineVersion: '0.1.0',
      date: '2026-12-07T00:00:00Z',
    },
    createdAt: '',
    updatedAt: '',
  }) as unknown as SavedPlot

describe('hepdata.export', () => {
  it('writes the selected plots as a valid submission with a zip', async () => {
    const { call } = inProcessEngine()
    const out = join(dir, 'ok')
    const r = await call('hepdata.export', {
      plots: [{ plot: plot('Leading jet pT', [2.5, 4, 1]) }],
      path: out,
    })
    expect(r.problems).toEqual([])
    // the figure drawn by the engine's renderer becomes the table's image and thumbnail
    expect(r.written?.files).toEqual([
      'submission.yaml',
      'leading_jet_pt.yaml',
      'leading_jet_pt.png',
      'thumb_leading_jet_pt.png',
    ])
    expect(existsSync(join(out, 'submission.zip'))).toBe(true)
    const data = parse(readFileSync(join(out, 'leading_jet_pt.yaml'), 'utf8'))
    expect(data.dependent_variables[1].values.map((v: { value: number }) => v.value)).toEqual([
      2.5, 4, 1,
    ])
    const again = call('hepdata.export', {
      plots: [{ plot: plot('Leading jet pT', [1, 1, 1]) }],
      path: out,
    })
    await expect(again).rejects.toThrow(/already exists/)
  })

  it('answers the problems of a broken plot in words and writes nothing', async () => {
    const { call } = inProcessEngine()
    const out = join(dir, 'broken')
    // a long name (cut to HEPData's 64 characters) and a column one bin short
    const r = await call('hepdata.export', {
      plots: [{ plot: plot('m'.repeat(80), [1, 2]) }],
      path: out,
    })
    expect(r.written).toBeNull()
    expect(r.problems).toContainEqual({
      table: 'm'.repeat(64),
      file: `${'m'.repeat(48)}.yaml`,
      field: 'dependent variable 2 (Events (ttbar))',
      message: 'has 2 values but there are 3 independent values (bins or points)',
    })
    expect(existsSync(out)).toBe(false)
  })
})
