/**
 * The Tune service through the real engine (wire protocol, a real project file, the Kaggle
 * H→ττ CSVs): a study runs as a job and its trials are stored in the project; a study the
 * engine stopped under (a trial left 'running') is interrupted after a restart and resumes with
 * that trial re-run; cancel keeps the finished trials; the best trial opens as a Train model.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TuneStart } from '../../../src/shared/contract/tune'
import { Project } from '../../../src/main/engine/store/project'
import { putTrial, setStudyState } from '../../../src/main/engine/store/tune-studies'
import { inProcessEngine } from '../helpers/engine'
import {
  buildSpace,
  defaultInfernoTuneForm,
  defaultSpace,
  infernoTuneConfig,
} from '../../../src/renderer/src/stores/tune-space'
import { historySave, intermediateSave } from '../../../src/renderer/src/components/tune/tune-save'
import { addKaggleSamples } from '../ml/kaggle-higgs'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-tune-'))
const file = join(tmp, 'tune.hepwb')
let engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  await engine.call('project.create', { path: file })
  await addKaggleSamples(engine)
}, 60_000)

const settings = (over: Partial<TuneStart> = {}) =>
  ({
    name: 'small',
    train: {
      kind: 'mlp',
      inputs: ['DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met'],
      options: { epochs: 3, layers: [8] },
    },
    space: {
      'options.learningRate': { float: [1e-3, 1e-2], log: true },
      'options.layers.0': { choice: [8, 16] },
    },
    objective: { metric: 'auc_test', direction: 'maximize' },
    algorithm: 'random',
    pruner: 'none',
    trials: 3,
    parallel: 1,
    seed: 4,
    ...over,
  }) as TuneStart

describe('tune service', () => {
  let studyId = ''

  it('runs a study as a job and stores its trials in the project', async () => {
    const r = await engine.job('tune.start', settings())
    expect(r.state, r.error).toBe('done')
    studyId = (r.result as { studyId: string }).studyId
    const study = await engine.call('tune.study', { id: studyId })
    expect(study.state).toBe('done')
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete'])
    for (const t of study.trials) {
      expect(t.intermediate).toHaveLength(3)
      expect(t.value).toBeGreaterThan(0.5)
    }
    const best = study.trials.reduce((a, b) => (b.value! > a.value! ? b : a))
    expect(study.best).toEqual({ number: best.number, value: best.value })
    // Per-trial live metrics.
    expect(r.metrics.some((m) => m.name === 'trial 0/val_loss')).toBe(true)
  }, 120_000)

  it('parallel 2: trials run on two worker threads, with the serial study’s values, live', async () => {
    const space = {
      'options.learningRate': { float: [1e-3, 1e-2], log: true },
      // 0.95 is above the network's largest dropout: its trial fails where it runs.
      'options.dropout': { choice: [0, 0.95] },
    }
    const values = async (parallel: number) => {
      const r = await engine.job('tune.start', settings({ space, parallel, trials: 4, seed: 5 }))
      expect(r.state, r.error).toBe('done')
      const { studyId: id } = r.result as { studyId: string }
      // The live per-epoch values of each trial, as the Tune view draws them.
      const live = new Map<number, number[]>()
      for (const m of r.metrics) {
        const trial = /^trial (\d+)\/val_loss$/.exec(m.name)
        if (!trial) continue
        const epochs = live.get(Number(trial[1])) ?? []
        epochs[m.step] = m.value
        live.set(Number(trial[1]), epochs)
      }
      return { trials: (await engine.call('tune.study', { id })).trials, live }
    }
    const { trials: serial, live: serialLive } = await values(1)
    const { trials: threads, live: threadsLive } = await values(2)
    const strip = (ts: typeof serial) =>
      ts.map(({ number, params, state, value, intermediate, epochs }) => ({
        ...{ number, params, state, value, intermediate, epochs },
      }))
    expect(strip(threads)).toEqual(strip(serial))
    expect(serial.some((t) => t.state === 'complete')).toBe(true)
    const failed = threads.filter((t) => t.state === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    for (const t of failed) expect(t.reason).toMatch(/dropout/)
    // Trials on worker threads stream their epochs live as trials in the engine's thread do:
    // every epoch of every complete trial, with the value stored for it.
    for (const [trials, live] of [
      [serial, serialLive],
      [threads, threadsLive],
    ] as const)
      for (const t of trials.filter((t) => t.state === 'complete')) {
        expect(live.get(t.number)).toHaveLength(t.epochs)
        expect(live.get(t.number)).toEqual(t.intermediate)
      }
  }, 120_000)

  it('tunes INFERNO on the paper benchmark from the view’s request, minimising σ(POI)', async () => {
    const t = infernoTuneConfig({
      ...defaultInfernoTuneForm(),
      epochs: 2,
      trainEvents: 2000,
      testEvents: 4000,
    })
    if (!t.ok) throw new Error(t.errors.join('; '))
    const r = await engine.job('tune.start', {
      name: 'inferno',
      train: { ...t.config, patience: 0 },
      space: buildSpace(defaultSpace('inferno')).space,
      objective: { metric: 'sigma_poi', direction: 'minimize' },
      algorithm: 'random',
      pruner: 'none',
      trials: 2,
      parallel: 1,
      seed: 1,
    } as TuneStart)
    expect(r.state, r.error).toBe('done')
    const { studyId: id } = r.result as { studyId: string }
    const study = await engine.call('tune.study', { id })
    expect(study.kind).toBe('inferno')
    expect(study.objective).toEqual({ metric: 'sigma_poi', direction: 'minimize' })
    for (const tr of study.trials) {
      expect(tr.state, tr.reason ?? '').toBe('complete')
      expect(Object.keys(tr.params).sort()).toEqual(['batchSize', 'bins', 'learningRate', 'tau'])
      // σ(s) of a 50-event signal over 1000 background events: between √50 and the yield.
      expect(tr.value).toBeGreaterThan(7)
      expect(tr.value).toBeLessThan(60)
      expect(tr.intermediate).toHaveLength(2)
    }
    await expect(engine.call('tune.openTrial', { id })).rejects.toThrow(/hepwb bench inferno/)
  }, 120_000)
  it('saves the objective history and the intermediate values to Plots', async () => {
    const study = await engine.call('tune.study', { id: studyId })
    const objective = { name: 'auc_test', direction: 'maximize' as const }
    const h = await engine.call(
      'plots.save',
      historySave(study.name, study.trials, objective, false, false),
    )
    if (h.figure.kind !== 'lines') throw new Error('a lines figure')
    const complete = h.figure.series.find((q) => q.name === 'complete')
    expect(complete?.y).toEqual(study.trials.map((t) => t.value))
    const best = h.figure.series.find((q) => q.name === 'best so far')
    expect(best?.y.at(-1)).toBe(study.best?.value)
    const c = await engine.call('plots.save', intermediateSave(study.name, study.trials, false))
    if (c.figure.kind !== 'lines') throw new Error('a lines figure')
    // Three trials of three epochs, each followed by a gap.
    expect(c.figure.series[0].y).toHaveLength(12)
    expect(c.figure.series[0].y.filter((v) => v === null)).toHaveLength(3)
    for (const p of [h, c]) {
      const { svg } = await engine.call('plots.render', { id: p.id, settings: {} })
      expect(svg).toContain(p.id === h.id ? 'auc_test' : 'Validation loss')
      await engine.call('plots.remove', { id: p.id })
    }
  }, 60_000)

  it('resumes an interrupted study after an engine restart, re-running the unfinished trial', async () => {
    const r = await engine.job('tune.start', settings({ name: 'crash', trials: 4 }))
    expect(r.state, r.error).toBe('done')
    const id = (r.result as { studyId: string }).studyId
    const before = await engine.call('tune.study', { id })
    engine.close()
    // What an engine killed mid-trial leaves: the study running, trial 3 started, not ended.
    const p = Project.open(file)
    setStudyState(p, id, 'running')
    const t3 = before.trials[3]
    putTrial(p, id, { ...t3, state: 'running', value: null, intermediate: [], epochs: 0 })
    p.close()
    engine = inProcessEngine()
    await engine.call('project.open', { path: file })
    const studies = await engine.call('tune.studies', {})
    const s = studies.find((x) => x.id === id)!
    expect(s.state).toBe('interrupted')
    expect(s.counts).toMatchObject({ complete: 3, running: 1 })
    const resumed = await engine.job('tune.resume', { id })
    expect(resumed.state, resumed.error).toBe('done')
    const after = await engine.call('tune.study', { id })
    expect(after.state).toBe('done')
    expect(after.trials).toHaveLength(4)
    // The same parameters and the same seeded training: the same value.
    expect(after.trials[3].params).toEqual(t3.params)
    expect(after.trials[3].value).toBeCloseTo(t3.value!, 6)
    expect(after.trials[3].state).toBe('complete')
  }, 120_000)

  it('cancel keeps the finished trials', async () => {
    let jobId = ''
    let cancelled = false
    const done = engine.job(
      'tune.start',
      settings({
        name: 'cancel',
        trials: 50,
        train: { ...settings().train, options: { epochs: 2, layers: [8] } } as TuneStart['train'],
      }),
      (id) => (jobId = id),
    )
    for (let i = 0; i < 600 && !cancelled; i++) {
      await new Promise((res) => setTimeout(res, 100))
      const studies = await engine.call('tune.studies', {})
      const s = studies.find((x) => x.name === 'cancel')
      if (jobId && s && s.counts.complete >= 2) {
        await engine.call('jobs.cancel', { jobId })
        cancelled = true
      }
    }
    const r = await done
    expect(r.state).toBe('cancelled')
    const s = (await engine.call('tune.studies', {})).find((x) => x.name === 'cancel')!
    expect(s.state).toBe('cancelled')
    expect(s.counts.complete).toBeGreaterThanOrEqual(2)
    expect(s.counts.complete).toBeLessThan(50)
    expect(s.counts.running).toBe(0)
  }, 120_000)

  it('opens the best trial as a Train model with its parameters', async () => {
    const study = await engine.call('tune.study', { id: studyId })
    const r = await engine.job('tune.openTrial', { id: studyId })
    expect(r.state, r.error).toBe('done')
    const result = r.result as {
      model: { name: string; auc_test: number }
      config: { options: { learningRate: number } }
    }
    expect(result.model.name).toBe(`small #${study.best!.number}`)
    const best = study.trials[study.best!.number]
    expect(result.config.options.learningRate).toBe(best.params['options.learningRate'])
    expect(result.model.auc_test).toBeCloseTo(study.best!.value, 6)
  }, 120_000)

  it('tunes an autoencoder on its anomaly AUC and opens the best as an Anomaly model', async () => {
    const r = await engine.job('tune.start', {
      name: 'ae',
      train: {
        kind: 'ae',
        inputs: ['DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met'],
        options: { epochs: 2 },
      },
      space: { 'options.latent': { int: [1, 3] } },
      objective: { metric: 'anomaly_auc', direction: 'maximize' },
      algorithm: 'grid',
      pruner: 'none',
      trials: 5,
      parallel: 1,
      seed: 1,
    } as unknown as TuneStart)
    expect(r.state, r.error).toBe('done')
    const id = (r.result as { studyId: string }).studyId
    const study = await engine.call('tune.study', { id })
    expect(study.kind).toBe('ae')
    expect(study.trials.map((t) => t.params['options.latent']).sort()).toEqual([1, 2, 3])
    for (const t of study.trials) {
      expect(t.state).toBe('complete')
      expect(t.intermediate).toHaveLength(2)
    }
    const opened = await engine.job('tune.openTrial', { id })
    expect(opened.state, opened.error).toBe('done')
    const models = await engine.call('anomaly.models', {})
    expect(models.map((m) => m.name)).toContain(`ae #${study.best!.number}`)
  }, 120_000)
})

describe('tune service on a project without samples', () => {
  it('tunes INFERNO’s benchmark (no samples needed); a classifier study fails, not interrupted', async () => {
    const e = inProcessEngine()
    try {
      await e.call('project.create', { path: join(tmp, 'empty.hepwb') })
      const t = infernoTuneConfig({
        ...defaultInfernoTuneForm(),
        epochs: 1,
        trainEvents: 1000,
        testEvents: 2000,
      })
      if (!t.ok) throw new Error(t.errors.join('; '))
      const base = {
        space: { bins: { int: [4, 8] } },
        objective: { metric: 'sigma_poi', direction: 'minimize' },
        algorithm: 'random',
        pruner: 'none',
        trials: 1,
        parallel: 1,
        seed: 1,
        timeout: null,
        resource: 'epochs',
      } as const
      const ok = await e.job('tune.start', { ...base, name: 'inf', train: t.config } as TuneStart)
      expect(ok.state, ok.error).toBe('done')
      const bad = await e.job('tune.start', {
        ...settings(),
        name: 'net',
      })
      expect(bad.state).toBe('failed')
      const studies = await e.call('tune.studies', {})
      const net = studies.find((x) => x.name === 'net')!
      expect(net.state).toBe('failed')
      expect(net.error).toMatch(/at least one sample/)
      expect(studies.find((x) => x.name === 'inf')!.counts.complete).toBe(1)
    } finally {
      e.close()
    }
  }, 60_000)
})
