/**
 * INFERNO results survive (issue 17, item 3), through the real engine (wire protocol, real
 * project file, the Kaggle H→ττ CSVs): a summary trained on the project's samples is stored as a
 * model with its whole evaluation, listed and reopened after the project is closed and opened
 * again, and applied as a variable — each event's summary bin, ordered by S/B as the result is.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InfernoProjectResult } from '../../../src/shared/contract/inferno'
import { inProcessEngine } from '../helpers/engine'
import { windowCheck } from '../helpers/window-check'
import { addKaggleSamples } from '../ml/kaggle-higgs'

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt']
const BINS = 5

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-infmodels-'))
process.env.HEPWB_CONFIG_DIR ??= join(tmp, 'config')
const PATH = join(tmp, 'inferno.hepwb')
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  await engine.call('project.create', { path: PATH })
  await addKaggleSamples(engine)
}, 60_000)

describe('INFERNO models', () => {
  it('are stored with their evaluation, reopened, and applied as the summary bin', async () => {
    const r = await engine.job('inferno.train', {
      name: 'summary5',
      inputs: INPUTS,
      nuisances: [{ kind: 'norm', name: 'bkg_norm', samples: ['bkg'], width: 0.1 }],
      options: { epochs: 3, bceEpochs: 1, bins: BINS, layers: [8], batchSize: 400 },
    })
    expect(r.state, r.error).toBe('done')
    const trained = InfernoProjectResult.parse(r.result)
    expect(trained.model?.name).toBe('summary5')

    // Closed and opened again: the model is listed and its whole result comes back.
    await engine.call('project.close', {})
    await engine.call('project.open', { path: PATH })
    const models = await engine.call('inferno.models', {})
    expect(models).toHaveLength(1)
    expect(models[0]).toMatchObject({
      name: 'summary5',
      bins: BINS,
      inputs: INPUTS,
      sigma: trained.inferno.profile.sigma,
      sigmaBce: trained.bce.profile.sigma,
      appliedAs: null,
    })
    const runs = await engine.call('project.runs', {})
    expect(runs.find((x) => x.id === models[0].runId)?.state).toBe('done')
    expect(runs.find((x) => x.id === models[0].runId)?.result).toMatchObject({
      stored: { kind: 'inferno', id: models[0].id },
      model: { name: 'summary5' },
    })
    const reopened = await engine.call('inferno.model', { id: models[0].id })
    expect(reopened.inferno.templates).toEqual(trained.inferno.templates)
    expect(reopened.inferno.profile).toEqual(trained.inferno.profile)
    expect(reopened.bce.profile.scan).toEqual(trained.bce.profile.scan)
    // INFERNO summaries are not classifiers.
    expect(await engine.call('train.models', {})).toEqual([])

    // Applied: a variable cuts accept, whose values are the bins 0 … 4 in the result's order.
    const applied = await engine.call('inferno.apply', { id: models[0].id, name: 'infbin' })
    expect(applied[0].appliedAs).toBe('infbin')
    expect((await windowCheck(engine, 'infbin >= 3')).ok).toBe(true)
    const h = await engine.call('data.histogram', {
      variable: 'infbin',
      bins: BINS,
      lo: -0.5,
      hi: BINS - 0.5,
    })
    const [sig, bkg] = h.samples
    for (const s of [sig, bkg]) {
      expect(s.nan).toBe(0)
      expect(s.underflow.sumw + s.overflow.sumw).toBe(0)
    }
    // The result's bins go by increasing S/B: so do the variable's, on all events.
    const sb = sig.sumw.map((v, j) => v / bkg.sumw[j])
    expect(sb[BINS - 1]).toBeGreaterThan(sb[0])
    const shown = trained.inferno.templates.processes
    const tsb = shown[0].nominal.map((v, j) => v / shown[1].nominal[j])
    expect(Math.max(...tsb)).toBe(tsb[tsb.length - 1])
    // Removing it removes the variable too.
    expect(await engine.call('inferno.remove', { id: models[0].id })).toEqual([])
    expect((await windowCheck(engine, 'infbin >= 3')).ok).toBe(false)
  }, 120_000)
})
