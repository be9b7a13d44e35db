/**
 * A sample's missing-value marker (issue 17, item 16) through the real engine on the Kaggle
 * H→ττ CSVs, where −999 means "undefined": the explorer's statistics, the default histogram
 * range and the correlations leave the marked values out and count them; a cut on a missing
 * value is false (docs/expressions.md); training reads the same setting and sees exactly the
 * events and values it saw with the Train step's old −999 list. Reference numbers come from a
 * plain parse of the CSV text.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SampleSpecInput } from '../../../src/shared/contract/data'
import { TrainResult } from '../../../src/shared/contract/train'
import { weightedCorrelation } from '../../../src/main/engine/data/correlation'
import { inProcessEngine } from '../helpers/engine'
import { KAGGLE, kaggleColumn } from '../ml/kaggle-higgs'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-missing-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

const sig = (missing: number | null): SampleSpecInput => ({
  name: 'Htautau',
  role: 'signal',
  colour: '#d62728',
  files: [KAGGLE + 'train_sml_sig.csv'],
  table: '',
  missing,
})
const bkg = (missing: number | null): SampleSpecInput => ({
  name: 'bkg',
  role: 'background',
  colour: '#1f77b4',
  files: [KAGGLE + 'train_sml_bg.csv'],
  table: '',
  missing,
})

const mmc = kaggleColumn('train_sml_sig.csv', 'DER_mass_MMC')
const vis = kaggleColumn('train_sml_sig.csv', 'DER_mass_vis')
const defined = mmc.filter((v) => v !== -999)
let sigId = ''
let bkgId = ''

beforeAll(async () => {
  await engine.call('project.create', { path: join(tmp, 'missing.hepwb') })
  // The signal marks −999 as missing; the background does not (yet).
  const a = await engine.job('data.addSample', { spec: sig(-999) })
  expect(a.state, a.error).toBe('done')
  sigId = (a.result as { id: string }).id
  const b = await engine.job('data.addSample', { spec: bkg(null) })
  expect(b.state, b.error).toBe('done')
  bkgId = (b.result as { id: string }).id
  const s = await engine.job('data.summarise', {})
  expect(s.state, s.error).toBe('done')
}, 60_000)

describe("a sample's missing-value marker", () => {
  it('is left out of the statistics and counted', async () => {
    // The file really holds −999s (158 of 4999 signal events), so the test can fail.
    expect(mmc.length - defined.length).toBeGreaterThan(100)
    const { variables } = await engine.call('data.variables', {})
    const row = variables.find((v) => v.name === 'DER_mass_MMC')!
    const s = row.stats[sigId]
    expect(s.missing).toBe(mmc.length - defined.length)
    expect(s.nan).toBe(mmc.length - defined.length)
    expect(s.min).toBe(Math.min(...defined))
    expect(s.min).toBeGreaterThan(-999)
    // Unweighted sample: the plain mean of the defined values (float64 sums in both).
    const mean = defined.reduce((a, v) => a + v, 0) / defined.length
    expect(s.mean).toBeCloseTo(mean, 9)
    expect(s.sumw).toBe(defined.length)
    // The background without a marker: −999 is a value like any other.
    const b = row.stats[bkgId]
    expect(b.missing).toBe(0)
    expect(b.min).toBe(-999)
  })

  it('sets the default histogram range from the defined values only', async () => {
    const h = await engine.call('data.histogram', { variable: 'DER_mass_MMC', samples: [sigId] })
    expect(h.lo).toBeGreaterThanOrEqual(0)
    expect(h.lo).toBeLessThanOrEqual(Math.min(...defined))
    const [s] = h.samples
    expect(s.nan).toBe(mmc.length - defined.length)
    expect(s.entries).toBe(defined.length)
  })

  it('leaves missing values out of correlations (complete cases)', async () => {
    const r = await engine.call('data.correlation', {
      sample: sigId,
      variables: ['DER_mass_MMC', 'DER_mass_vis'],
    })
    const keep = mmc.map((v) => v !== -999)
    const ref = weightedCorrelation(
      [
        Float64Array.from(mmc.filter((_, i) => keep[i])),
        Float64Array.from(vis.filter((_, i) => keep[i])),
      ],
      new Float64Array(defined.length).fill(1),
    )
    expect(r.matrix[0][1]).toBeCloseTo(ref.matrix[0][1] as number, 12)
    // With −999 as a value the correlation is quite different: the marker matters here.
    const raw = weightedCorrelation(
      [Float64Array.from(mmc), Float64Array.from(vis)],
      new Float64Array(mmc.length).fill(1),
    )
    expect(Math.abs((raw.matrix[0][1] as number) - (r.matrix[0][1] as number))).toBeGreaterThan(
      0.05,
    )
  })

  it('fails every comparison in a cut; ! and x != x select the missing events', async () => {
    const cutflow = async (expr: string) => {
      await engine.call('cuts.saveRegion', { region: { name: 'R', cuts: [{ expr }] } })
      const flow = await engine.call('cuts.cutflow', { region: 'R' })
      return flow.samples['Htautau'].at(-1)!.raw
    }
    const above = defined.filter((v) => v > 100).length
    expect(await cutflow('DER_mass_MMC > 100')).toBe(above)
    expect(await cutflow('DER_mass_MMC <= 100')).toBe(defined.length - above)
    expect(await cutflow('!(DER_mass_MMC > 100)')).toBe(mmc.length - above)
    expect(await cutflow('DER_mass_MMC != DER_mass_MMC')).toBe(mmc.length - defined.length)
    expect(await cutflow('DER_mass_MMC == -999')).toBe(0)
  })

  it("gives training the events and values the Train step's −999 list gave", async () => {
    const train = async () => {
      const r = await engine.job('train.start', {
        kind: 'lda',
        inputs: ['DER_mass_MMC', 'DER_mass_vis', 'PRI_jet_leading_pt'],
        // Only the samples' setting: no further values for this training.
        ...(marked ? {} : { missing: { values: [-999], policy: 'mean' } }),
      })
      expect(r.state, r.error).toBe('done')
      return TrainResult.parse(r.result)
    }
    let marked = false
    // Before: no sample marks −999; the training's own list does.
    await engine.job('data.updateSample', { id: sigId, spec: sig(null) })
    const before = await train()
    // After: both samples mark −999, the training has no list of its own.
    marked = true
    await engine.job('data.updateSample', { id: sigId, spec: sig(-999) })
    const u = await engine.job('data.updateSample', { id: bkgId, spec: bkg(-999) })
    expect(u.state, u.error).toBe('done')
    const after = await train()
    expect(after.events).toEqual(before.events)
    expect(after.evaluation.auc_test).toBe(before.evaluation.auc_test)
    expect(after.warnings.filter((w) => /missing values/.test(w))).toEqual(
      before.warnings.filter((w) => /missing values/.test(w)),
    )
    expect(after.warnings.join(' ')).toMatch(/DER_mass_MMC.*missing values/)
  }, 60_000)

  it('warns when an undeclared −999 looks like a missing-value marker', async () => {
    await engine.job('data.updateSample', { id: sigId, spec: sig(null) })
    await engine.job('data.updateSample', { id: bkgId, spec: bkg(null) })
    const r = await engine.job('train.start', {
      kind: 'lda',
      inputs: ['DER_mass_MMC', 'DER_mass_vis'],
    })
    expect(r.state, r.error).toBe('done')
    const { warnings } = TrainResult.parse(r.result)
    expect(warnings.join(' ')).toMatch(/DER_mass_MMC.*exactly -999.*missing value in the Data step/)
    expect(warnings.join(' ')).not.toMatch(/DER_mass_vis.*exactly/)
  }, 60_000)
})

describe('a text column as a training input (issue 17)', () => {
  it('is listed as unreadable with its reason by data.variables', async () => {
    const { unreadable } = await engine.call('data.variables', {})
    expect(unreadable.map((u) => u.name).sort()).toEqual(['KaggleSet', 'Label'])
    expect(unreadable.find((u) => u.name === 'Label')!.reason).toMatch(/^text column/)
  })

  it('is named "not numeric" by the trainer, not "unknown variable"', async () => {
    const r = await engine.job('train.start', { kind: 'lda', inputs: ['DER_mass_vis', 'Label'] })
    expect(r.state).toBe('failed')
    expect(r.error).toMatch(
      /input 2 'Label' in sample 'Htautau': 'Label' is not numeric: text column/,
    )
    expect(r.error).not.toMatch(/unknown variable/)
  })
})
