/**
 * The Anomaly service through the real engine (wire protocol, real project file, the Kaggle
 * H→ττ CSVs, background only in training): an autoencoder and a VAE are trained as jobs with
 * live loss components, stored apart from the classifiers, their display histograms add up to
 * the samples' yields, a scaled momentum is found by the sanity test, the score applied as a
 * variable is cut on in a region, the VAE generates events whose comparison is consistent, and
 * a background process left out of training is scored.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AnomalyTrainResult,
  GenerationComparison,
  SanityOutcome,
} from '../../../src/shared/contract/anomaly'
import { inProcessEngine } from '../helpers/engine'
import { anomalyScoreSave } from '../../../src/renderer/src/components/anomaly/score-save'
import { kaggleColumn, KAGGLE } from '../ml/kaggle-higgs'

// Inputs without the −999 sentinel, so plain recomputations need no missing-value policy.
const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-anomaly-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

/** Plain Mann–Whitney AUC of "larger is signal" (ties count ½), unweighted. */
function plainAuc(signal: number[], background: number[]): number {
  const b = [...background].sort((x, y) => x - y)
  let sum = 0
  for (const s of signal) {
    let lo = 0
    let hi = b.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (b[mid] < s) lo = mid + 1
      else hi = mid
    }
    let eq = lo
    while (eq < b.length && b[eq] === s) eq++
    sum += lo + (eq - lo) / 2
  }
  return sum / (signal.length * b.length)
}

beforeAll(async () => {
  await engine.call('project.create', { path: join(tmp, 'anomaly.hepwb') })
  for (const [name, role, file] of [
    ['Htautau', 'signal', 'train_sml_sig.csv'],
    ['bkg', 'background', 'train_sml_bg.csv'],
  ] as const) {
    const r = await engine.job('data.addSample', {
      spec: { name, role, colour: '#1f77b4', files: [KAGGLE + file], table: '' },
    })
    expect(r.state, r.error).toBe('done')
  }
}, 60_000)

describe('anomaly service', () => {
  let aeId = ''
  let aeAuc = NaN

  it('trains an autoencoder on background only, with live losses and honest ROCs', async () => {
    const r = await engine.job('anomaly.train', {
      kind: 'ae',
      name: 'ae5',
      inputs: INPUTS,
      options: { encoder: [8], latent: 2, epochs: 4, patience: 0, batchSize: 128 },
    })
    expect(r.state, r.error).toBe('done')
    const result = AnomalyTrainResult.parse(r.result)
    aeId = result.model.id
    const run = (await engine.call('project.runs', {})).find((x) => x.id === result.model.runId)
    expect(run?.result).toMatchObject({ stored: { kind: 'anomaly', id: aeId } })
    // Live metrics: one loss, val_loss and reconstruction value per epoch.
    for (const m of ['loss', 'val_loss', 'reconstruction'])
      expect(r.metrics.filter((x) => x.name === m)).toHaveLength(4)
    expect(result.events.signal).toEqual({ Htautau: 4999 })
    expect(result.events.train + result.events.validation).toBe(4999)
    // 40% validation split (binomial, σ ≈ 35 events).
    expect(Math.abs(result.events.validation - 0.4 * 4999)).toBeLessThan(175)

    // The best single variable over all signal, recomputed plainly on every background event
    // (the engine uses the ~2000 validation events: a few hundredths apart at most).
    const best = result.evaluation.best_single_variable
    expect(best).not.toBeNull()
    const sign = best!.direction === 'above' ? 1 : -1
    const col = (f: string) => kaggleColumn(f, best!.name).map((v) => sign * v)
    const reference = plainAuc(col('train_sml_sig.csv'), col('train_sml_bg.csv'))
    expect(Math.abs(best!.auc! - reference)).toBeLessThan(0.03)
    // No input does better than the one chosen (plain AUC folded to ≥ 0.5, same tolerance).
    for (const input of INPUTS) {
      const a = plainAuc(
        kaggleColumn('train_sml_sig.csv', input),
        kaggleColumn('train_sml_bg.csv', input),
      )
      expect(Math.max(a, 1 - a)).toBeLessThan(reference + 0.03)
    }
    const auc = result.model.auc['Htautau']
    expect(auc).not.toBeNull()
    expect(auc!).toBeGreaterThan(0.3)
    expect(auc!).toBeLessThan(1)

    // Display: with unit weights, Σ sumw is each sample's event count (background: its
    // validation events scaled up to the whole sample).
    const byName = Object.fromEntries(result.display.score.samples.map((s) => [s.name, s]))
    const total = (v: number[]) => v.reduce((a, b) => a + b, 0)
    expect(total(byName['Htautau'].sumw)).toBeCloseTo(4999, 6)
    expect(total(byName['bkg'].sumw)).toBeCloseTo(4999, 6)
    expect(result.display.score.edges).toHaveLength(51)
    for (const f of result.display.reconstruction) {
      expect(total(f.input_hist)).toBeCloseTo(1, 9)
      expect(total(f.reconstructed)).toBeCloseTo(1, 9)
    }
    // Bump histograms hold the same yields as the score histograms.
    for (const b of result.display.bump) {
      expect(total(b.signal)).toBeCloseTo(4999, 6)
      expect(total(b.background)).toBeCloseTo(4999, 6)
    }
    expect(result.display.latent.samples.map((s) => s.points.length)).toEqual([600, 600])
    const explained = result.display.latent.explained
    expect(explained[0]).toBeGreaterThanOrEqual(explained[1])
    expect(explained[0] + explained[1]).toBeCloseTo(1, 9) // latent size 2: all the variance

    // Each input's term of the score, per process, with the same yields as the total.
    expect(result.display.features.map((f) => f.input)).toEqual(INPUTS)
    for (const f of result.display.features) {
      const sample = Object.fromEntries(f.samples.map((s) => [s.name, s]))
      expect(total(sample['Htautau'].sumw)).toBeCloseTo(4999, 6)
      expect(total(sample['bkg'].sumw)).toBeCloseTo(4999, 6)
      expect(f.edges).toHaveLength(51)
    }
    // t-SNE of the same 300 points per sample (600 in all, the cap).
    expect(result.display.latent.tsne!.samples.map((s) => s.points.length)).toEqual([600, 600])
    aeAuc = auc!

    // Stored apart from the classifiers.
    expect((await engine.call('anomaly.models', {})).map((m) => m.name)).toEqual(['ae5'])
    expect(await engine.call('train.models', {})).toEqual([])
    const again = await engine.call('anomaly.model', { id: aeId })
    expect(again.model.auc).toEqual(result.model.auc)
  }, 60_000)

  it('saves the score distribution with its threshold to Plots, drawn on a log axis', async () => {
    const { model, display } = await engine.call('anomaly.model', { id: aeId })
    const cut = display.score.edges[30]
    const saved = await engine.call(
      'plots.save',
      anomalyScoreSave(model.name, display.score, cut, 'anomaly score (reconstruction MSE)'),
    )
    expect(saved).toMatchObject({ name: 'Anomaly score · ae5', settings: { logY: true } })
    if (saved.figure.kind !== 'stack') throw new Error('a stack figure')
    expect(saved.figure.cuts).toEqual([cut])
    expect(saved.figure.components.map((c) => [c.name, c.role, c.sumw])).toEqual(
      display.score.samples.map((s) => [s.name, s.role, s.sumw]),
    )
    const { svg } = await engine.call('plots.render', { id: saved.id, settings: {} })
    expect(svg).toContain('anomaly score (reconstruction MSE)')
    expect(svg).toMatch(/<line[^>]*stroke="#d62728"[^>]*stroke-dasharray/)
    // Log axis: tick labels as powers of ten.
    expect(svg).toMatch(/10<\/tspan><tspan[^>]*>\d/)
    await engine.call('plots.remove', { id: saved.id })
    // One input's term: no threshold (it cuts the total score).
    const term = await engine.call(
      'plots.save',
      anomalyScoreSave(model.name, display.features[0], null, 'its term of the MSE'),
    )
    expect(term.figure.kind === 'stack' && term.figure.cuts).toEqual([])
    await engine.call('plots.remove', { id: term.id })
  })

  it('streams the background from the sample file under a memory budget (megasets)', async () => {
    const r = await engine.job('anomaly.train', {
      kind: 'ae',
      name: 'ae5-streamed',
      inputs: INPUTS,
      options: {
        encoder: [8],
        latent: 2,
        epochs: 4,
        patience: 0,
        batchSize: 128,
        stream: true,
        memoryBudgetMB: 1,
      },
    })
    expect(r.state, r.error).toBe('done')
    const result = AnomalyTrainResult.parse(r.result)
    // 1 MB: chunks of 2978 entries (2 for 4999 events); a seeded subsample of ≈ 1489 validation
    // events scored (a quarter of the budget at 176 bytes an event; binomial σ ≈ 20).
    const note =
      /streaming from the sample files \(2 chunks, a 1 MB budget\); scored on (\d+) of (\d+)/
    const [, scored, validation] = result.warnings[0].match(note) ?? []
    expect(Number(validation)).toBe(result.events.validation)
    expect(Math.abs(Number(scored) - 1489)).toBeLessThan(60)
    expect(result.events.signal).toEqual({ Htautau: 4999 })
    expect(result.events.train + result.events.validation).toBe(4999)
    // The same model as in memory, scored on a 3/4 subsample of its validation background.
    expect(Math.abs(result.model.auc['Htautau']! - aeAuc)).toBeLessThan(0.02)
    const total = (v: number[]) => v.reduce((a, b) => a + b, 0)
    const byName = Object.fromEntries(result.display.score.samples.map((s) => [s.name, s]))
    expect(total(byName['bkg'].sumw)).toBeCloseTo(4999, 6)
    expect(total(byName['Htautau'].sumw)).toBeCloseTo(4999, 6)
    await engine.call('anomaly.remove', { id: result.model.id })
  }, 60_000)

  it('finds a momentum scaled ×5 on 5% of the validation background', async () => {
    const r = await engine.job('anomaly.sanity', {
      id: aeId,
      test: { kind: 'scale', input: 'PRI_tau_pt', factor: 5, fraction: 0.05 },
      seed: 3,
    })
    expect(r.state, r.error).toBe('done')
    const out = SanityOutcome.parse(r.result)
    expect(out.auc!).toBeGreaterThan(0.9)
    // ~5% of ~2000 validation events modified.
    expect(out.events.modified).toBeGreaterThan(50)
    expect(out.events.modified).toBeLessThan(160)
    expect(out.background.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
  }, 30_000)

  it('applies the score as a variable that a region cuts on', async () => {
    const result = await engine.call('anomaly.model', { id: aeId })
    const models = await engine.call('anomaly.apply', { id: aeId, name: 'aescore' })
    expect(models.map((m) => m.appliedAs)).toEqual(['aescore'])
    const k = 20
    const cut = result.display.score.edges[k]
    await engine.call('cuts.saveRegion', {
      region: { name: 'SRae', blinded: false, cuts: [{ name: 'AE', expr: `aescore >= ${cut}` }] },
    })
    const flow = await engine.call('cuts.cutflow', { region: 'SRae', sigmaB: 0 })
    // The engine's histograms (TensorFlow.js scores) against the applied variable (plain
    // JavaScript scores, float64): unit weights make Σ sumw a count; an event within float32
    // rounding of the edge may fall on either side.
    const signal = result.display.score.samples.find((x) => x.name === 'Htautau')!
    const expected = signal.sumw.slice(k).reduce((a, b) => a + b, 0)
    expect(expected).toBeGreaterThan(10)
    expect(Math.abs(flow.samples['Htautau'].at(-1)!.raw - expected)).toBeLessThanOrEqual(3)
    // Background: every event (training ones too) is cut on; the display scaled validation
    // events to the sample's total, so the two agree only statistically (±25% here).
    const bkg = result.display.score.samples.find((x) => x.name === 'bkg')!
    const scaled = bkg.sumw.slice(k).reduce((a, b) => a + b, 0)
    const raw = flow.samples['bkg'].at(-1)!.raw
    expect(raw).toBeGreaterThan(0.75 * scaled - 10)
    expect(raw).toBeLessThan(1.25 * scaled + 10)
  }, 30_000)

  it('refuses a leave-one-out test with a single background process, naming why', async () => {
    const r = await engine.job('anomaly.sanity', {
      id: aeId,
      test: { kind: 'leave_out', sample: 'bkg' },
    })
    expect(r.state).toBe('failed')
    expect(r.error).toMatch(/another background sample/)
  }, 30_000)

  it('trains a VAE with KL metrics and generates events from its prior', async () => {
    const r = await engine.job('anomaly.train', {
      kind: 'vae',
      name: 'vae5',
      inputs: INPUTS,
      options: { encoder: [8], latent: 2, epochs: 3, patience: 0, batchSize: 128, beta: 1 },
    })
    expect(r.state, r.error).toBe('done')
    const result = AnomalyTrainResult.parse(r.result)
    expect(r.metrics.filter((x) => x.name === 'kl')).toHaveLength(3)
    expect(result.summary.history.val_kl).toHaveLength(3)
    const g = GenerationComparison.parse(
      await engine.call('anomaly.generate', { id: result.model.id, count: 2000, seed: 2 }),
    )
    const d = INPUTS.length
    expect(g.features.map((f) => f.input)).toEqual(INPUTS)
    for (const f of g.features) expect(f.kl).toBeGreaterThanOrEqual(0)
    for (let j = 0; j < d; j++) expect(g.correlation.real[j * d + j]).toBeCloseTo(1, 9)
    // difference = generated − real, element by element.
    g.correlation.difference.forEach((v, k) =>
      expect(v).toBeCloseTo(g.correlation.generated[k] - g.correlation.real[k], 12),
    )
    // An autoencoder cannot generate.
    await expect(engine.call('anomaly.generate', { id: aeId, count: 100 })).rejects.toThrow(
      /only a VAE/,
    )
    const left = await engine.call('anomaly.remove', { id: aeId })
    expect(left.map((m) => m.name)).toEqual(['vae5'])
  }, 60_000)
  it('leaves one background process out of training and scores it', async () => {
    // A second background that is a copy of the first: left out, it must look like background
    // (AUC ≈ 0.5), and every one of its events is scored against the other's validation part.
    await engine.call('project.create', { path: join(tmp, 'leave-out.hepwb') })
    for (const [name, role, file] of [
      ['Htautau', 'signal', 'train_sml_sig.csv'],
      ['bkg', 'background', 'train_sml_bg.csv'],
      ['bkgCopy', 'background', 'train_sml_bg.csv'],
    ] as const) {
      const r = await engine.job('data.addSample', {
        spec: { name, role, colour: '#1f77b4', files: [KAGGLE + file], table: '' },
      })
      expect(r.state, r.error).toBe('done')
    }
    const t = await engine.job('anomaly.train', {
      kind: 'ae',
      inputs: INPUTS,
      options: { encoder: [8], latent: 2, epochs: 2, patience: 0, batchSize: 256 },
    })
    expect(t.state, t.error).toBe('done')
    const id = AnomalyTrainResult.parse(t.result).model.id
    const r = await engine.job('anomaly.sanity', {
      id,
      test: { kind: 'leave_out', sample: 'bkgCopy' },
    })
    expect(r.state, r.error).toBe('done')
    const out = SanityOutcome.parse(r.result)
    expect(out.events.modified).toBe(4999)
    // The other background's validation part: 40% of 4999 (binomial, σ ≈ 35).
    expect(Math.abs(out.events.background - 0.4 * 4999)).toBeLessThan(175)
    expect(Math.abs(out.auc! - 0.5)).toBeLessThan(0.05)
  }, 60_000)
})
