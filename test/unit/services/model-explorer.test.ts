/**
 * Applied model outputs and derived-variable metadata in the Data step's explorer, through the
 * real engine (wire protocol, real project file, the Kaggle H→ττ CSVs): a Fisher discriminant is
 * trained and applied as `fisher`; the explorer lists it as a model output, summarises,
 * histograms, cross-plots and correlates it. The references are plain loops over the CSV rows
 * with the stored Fisher coefficients. Applying another model under the same name must not
 * serve the first one's statistics.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrainResult } from '../../../src/shared/contract/train'
import { inProcessEngine } from '../helpers/engine'
import { DATA } from '../io/shared-data'

const KAGGLE = DATA + 'ATLAS-UK-ML_kaggle-higgs/'
// Inputs without the −999 "undefined" sentinel, so the plain computation needs no policy.
const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']
const FILES = { Htautau: 'train_sml_sig.csv', bkg: 'train_sml_bg.csv' } as const

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-model-explorer-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

/** The CSV rows of a Kaggle file as objects of numbers. */
function csvRows(file: string): Record<string, number>[] {
  const [head, ...lines] = readFileSync(KAGGLE + file, 'utf8')
    .trim()
    .split('\n')
  const names = head.split(',')
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], Number(v)])))
}

/** Trains a Fisher discriminant and returns its id and output as a plain function of a row. */
async function trainFisher(name: string, inputs: string[], region?: string) {
  const r = await engine.job('train.start', { kind: 'lda', name, inputs, region })
  expect(r.state, r.error).toBe('done')
  const result = TrainResult.parse(r.result)
  if (result.summary.kind !== 'lda') throw new Error('lda summary expected')
  const { coefficients, offset } = result.summary
  const output = (row: Record<string, number>) =>
    offset + coefficients.reduce((s, c) => s + c.value * row[c.input], 0)
  return { id: result.model.id, output }
}

/** Weighted-by-1 Pearson coefficient of two equally long arrays. */
function pearson(x: number[], y: number[]): number {
  const n = x.length
  const mx = x.reduce((a, b) => a + b, 0) / n
  const my = y.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my)
    sxx += (x[i] - mx) ** 2
    syy += (y[i] - my) ** 2
  }
  return sxy / Math.sqrt(sxx * syy)
}

const ids: Record<string, string> = {}
/** The first applied model's output as a plain function of a CSV row. */
let firstOutput: (row: Record<string, number>) => number = () => NaN
const rows = { Htautau: csvRows(FILES.Htautau), bkg: csvRows(FILES.bkg) }

beforeAll(async () => {
  await engine.call('project.create', { path: join(tmp, 'explorer.hepwb') })
  for (const [name, role] of [
    ['Htautau', 'signal'],
    ['bkg', 'background'],
  ] as const) {
    const r = await engine.job('data.addSample', {
      spec: { name, role, colour: '#d62728', files: [KAGGLE + FILES[name]], table: '' },
    })
    expect(r.state, r.error).toBe('done')
    ids[name] = (r.result as { id: string }).id
  }
}, 60_000)

describe('model outputs and derived variables in the explorer', () => {
  it('lists derived variables with unit, label and origin', async () => {
    await engine.call('cuts.saveVariable', {
      variable: { name: 'mvis2', expr: 'DER_mass_vis * 2', unit: 'GeV', label: 'm_{vis} × 2' },
    })
    const list = await engine.call('data.variables', {})
    const row = list.variables.find((r) => r.name === 'mvis2')
    expect(row).toMatchObject({ origin: 'derived', unit: 'GeV', label: 'm_{vis} × 2' })
    const file = list.variables.find((r) => r.name === 'DER_mass_vis')
    expect(file?.origin).toBe('file')
    expect(file?.unit).toBeUndefined()
  }, 30_000)

  it('lists, summarises, histograms and cross-plots an applied model output', async () => {
    const fisher = await trainFisher('fisher5', INPUTS)
    await engine.call('train.apply', { id: fisher.id, name: 'fisher' })
    firstOutput = fisher.output
    const plain = {
      Htautau: rows.Htautau.map(fisher.output),
      bkg: rows.bkg.map(fisher.output),
    }

    let list = await engine.call('data.variables', {})
    let row = list.variables.find((r) => r.name === 'fisher')
    expect(row?.origin).toBe('model')
    expect(row?.jagged).toBe(false)
    expect(row?.samples.sort()).toEqual([ids.Htautau, ids.bkg].sort())
    expect(list.complete).toBe(false)

    expect((await engine.job('data.summarise', {})).state).toBe('done')
    list = await engine.call('data.variables', {})
    expect(list.complete).toBe(true)
    row = list.variables.find((r) => r.name === 'fisher')
    for (const name of ['Htautau', 'bkg'] as const) {
      const v = plain[name]
      const stats = row?.stats[ids[name]]
      expect(stats?.count).toBe(v.length)
      expect(stats?.mean).toBeCloseTo(v.reduce((a, b) => a + b, 0) / v.length, 9)
      expect(stats?.min).toBeCloseTo(Math.min(...v), 9)
      expect(stats?.max).toBeCloseTo(Math.max(...v), 9)
    }

    // Histogram stacked by process: per-sample Σw per bin equals a plain count (weights 1).
    const all = [...plain.Htautau, ...plain.bkg]
    const lo = Math.floor(Math.min(...all))
    const hi = Math.ceil(Math.max(...all)) + 1
    const bins = 12
    const h = await engine.call('data.histogram', { variable: 'fisher', bins, lo, hi })
    expect(h.missing).toEqual([])
    for (const name of ['Htautau', 'bkg'] as const) {
      const expected = new Array<number>(bins).fill(0)
      for (const x of plain[name]) expected[Math.floor(((x - lo) / (hi - lo)) * bins)] += 1
      const got = h.samples.find((s) => s.sampleId === ids[name])
      expect(got?.sumw).toEqual(expected)
      expect(got?.underflow.sumw).toBe(0)
      expect(got?.overflow.sumw).toBe(0)
    }
    // Default binning covers every value.
    const auto = await engine.call('data.histogram', { variable: 'fisher' })
    expect(auto.lo).toBeLessThanOrEqual(Math.min(...all))
    expect(auto.hi).toBeGreaterThan(Math.max(...all))

    // 2-D histogram and correlation read it like a column.
    const h2 = await engine.call('data.hist2d', {
      sample: ids.bkg,
      x: 'fisher',
      y: 'DER_pt_h',
      xbins: 5,
      ybins: 5,
    })
    expect(h2.inside + h2.outside).toBe(rows.bkg.length)
    const corr = await engine.call('data.correlation', {
      sample: ids.bkg,
      variables: ['fisher', 'DER_pt_h', 'mvis2'],
    })
    const pt = rows.bkg.map((r) => r.DER_pt_h)
    const m2 = rows.bkg.map((r) => 2 * r.DER_mass_vis)
    expect(corr.matrix[0][1]).toBeCloseTo(pearson(plain.bkg, pt), 9)
    expect(corr.matrix[0][2]).toBeCloseTo(pearson(plain.bkg, m2), 9)
  }, 60_000)

  it('serves the new model after another one is applied under the same name', async () => {
    const models = await engine.call('train.models', {})
    const first = models.find((m) => m.appliedAs === 'fisher')
    expect(first).toBeDefined()
    // Same inputs, other training events: only the model's identity tells the outputs apart.
    await engine.call('cuts.saveRegion', {
      region: { name: 'lowm', blinded: false, cuts: [{ name: 'low', expr: 'DER_mass_vis < 90' }] },
    })
    const second = await trainFisher('fisher2', INPUTS, 'lowm')
    await engine.call('train.apply', { id: first?.id ?? '', name: null })
    await engine.call('train.apply', { id: second.id, name: 'fisher' })

    // The first model's statistics are not offered for the second.
    let list = await engine.call('data.variables', {})
    expect(list.complete).toBe(false)
    expect(list.variables.find((r) => r.name === 'fisher')?.stats).toEqual({})
    expect((await engine.job('data.summarise', {})).state).toBe('done')
    list = await engine.call('data.variables', {})
    const v = rows.Htautau.map(second.output)
    const mean = v.reduce((a, b) => a + b, 0) / v.length
    const before = rows.Htautau.reduce((a, r) => a + firstOutput(r), 0) / v.length
    // The two models differ enough for the check to tell them apart.
    expect(Math.abs(mean - before)).toBeGreaterThan(1e-3 * Math.abs(before) + 1e-6)
    const stats = list.variables.find((r) => r.name === 'fisher')?.stats[ids.Htautau]
    expect(stats?.mean).toBeCloseTo(mean, 9)

    const h = await engine.call('data.histogram', {
      variable: 'fisher',
      bins: 1,
      lo: Math.min(...v) - 1,
      hi: Math.max(...v) + 1,
      samples: [ids.Htautau],
    })
    expect(h.samples[0].sumw[0]).toBe(v.length)

    // Un-applied: no longer listed, and a histogram of it names it.
    await engine.call('train.apply', { id: second.id, name: null })
    list = await engine.call('data.variables', {})
    expect(list.variables.some((r) => r.name === 'fisher')).toBe(false)
    await expect(engine.call('data.histogram', { variable: 'fisher' })).rejects.toThrow(/fisher/)
  }, 60_000)
})
