/**
 * The Train service through the real engine (wire protocol, real project file, the Kaggle
 * H→ττ CSVs): a Fisher discriminant and a small network are trained as jobs, stored as models
 * with their runs, applied as a variable that cuts read, exported; bad set-ups fail with a
 * message and a cancelled network is kept as a cancelled run. The run records a reference to the
 * stored model, not a second copy of its result (issue 18), and still summarises in one line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrainResult } from '../../../src/shared/contract/train'
import { runSummary } from '../../../src/renderer/src/views/run-summary'
import {
  efficiencySave,
  inputShapeSave,
  overtrainingSave,
  trainCorrelationSave,
} from '../../../src/renderer/src/components/train/train-save'
import { Project } from '../../../src/main/engine/store/project'
import { finishRun } from '../../../src/main/engine/store/runs'
import { inProcessEngine } from '../helpers/engine'
import { windowCheck } from '../helpers/window-check'
import { addKaggleSamples, KAGGLE } from '../ml/kaggle-higgs'

// Inputs without the −999 "undefined" sentinel, so the test can recompute Fisher's output.
const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-train-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

/** The CSV rows of a Kaggle file as objects of numbers. */
function csvRows(file: string): Record<string, number>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
  const names = head.split(',')
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], Number(v)])))
}

beforeAll(async () => {
  await engine.call('project.create', { path: join(tmp, 'train.hepwb') })
  await addKaggleSamples(engine)
}, 60_000)

describe('train service', () => {
  let fisherId = ''
  let fisherResult: TrainResult | null = null

  it('trains Fisher, stores the model and the run, and applies its output as a variable', async () => {
    const r = await engine.job('train.start', { kind: 'lda', name: 'fisher5', inputs: INPUTS })
    expect(r.state, r.error).toBe('done')
    const result = TrainResult.parse(r.result)
    expect(result.summary.kind).toBe('lda')
    // Kaggle H→ττ with five kinematic inputs: a linear discriminant separates clearly but far
    // from perfectly.
    expect(result.evaluation.auc_test).toBeGreaterThan(0.7)
    expect(result.evaluation.auc_test).toBeLessThan(0.95)
    expect(
      result.events.test.signal + result.events.train.signal + result.events.validation.signal,
    ).toBe(4999)
    fisherId = result.model.id
    fisherResult = result
    const models = await engine.call('train.models', {})
    expect(models.map((m) => m.name)).toEqual(['fisher5'])
    const runs = await engine.call('project.runs', {})
    expect(runs.some((x) => x.id === result.model.runId && x.state === 'done')).toBe(true)

    await engine.call('train.apply', { id: fisherId, name: 'fisher' })
    const check = await windowCheck(engine, 'fisher > 0')
    expect(check.ok).toBe(true)
    // A derived variable may read the model output; a variable may not take its name.
    await engine.call('cuts.saveVariable', { variable: { name: 'fisher2', expr: '2 * fisher' } })
    await expect(
      engine.call('cuts.saveVariable', { variable: { name: 'fisher', expr: '1' } }),
    ).rejects.toThrow(/output of a trained model/)
    await engine.call('cuts.saveRegion', {
      region: { name: 'SRfisher', blinded: false, cuts: [{ name: 'Fisher', expr: 'fisher > 0' }] },
    })
    const flow = await engine.call('cuts.cutflow', { region: 'SRfisher', sigmaB: 0 })
    // Independent count: the stored linear function evaluated on the CSV rows.
    if (result.summary.kind !== 'lda') throw new Error('lda summary expected')
    const { coefficients, offset } = result.summary
    const passing = (file: string) =>
      csvRows(KAGGLE + file).filter(
        (row) => offset + coefficients.reduce((s, c) => s + c.value * row[c.input], 0) > 0,
      ).length
    expect(flow.samples['Htautau'].at(-1)?.raw).toBe(passing('train_sml_sig.csv'))
    expect(flow.samples['bkg'].at(-1)?.raw).toBe(passing('train_sml_bg.csv'))
  }, 60_000)

  it('saves the overtraining check and the efficiencies vs cut to Plots with their numbers', async () => {
    const e = fisherResult!.evaluation
    if (!e.output || !e.efficiency) throw new Error('Fisher has an output')
    const over = await engine.call('plots.save', overtrainingSave('fisher5', e.output))
    expect(over.figure.kind).toBe('lines')
    if (over.figure.kind !== 'lines') return
    // Test signal as points: unit area, as the chart draws it.
    const sTest = over.figure.series[2]
    const width = (e.output.test.hi - e.output.test.lo) / e.output.bins
    const area = sTest.y.reduce<number>((a, y) => a + (y ?? 0) * width, 0)
    expect(area).toBeCloseTo(1, 9)
    expect(sTest.draw).toBe('points')
    expect(over.figure.series[0]).toMatchObject({ draw: 'step' })
    const eff = await engine.call('plots.save', efficiencySave('fisher5', e.efficiency))
    expect(eff.figure.kind === 'lines' && eff.figure.series[0].y).toEqual(e.efficiency.eff_s)
    const svgOver = (await engine.call('plots.render', { id: over.id, settings: {} })).svg
    expect(svgOver).toContain('fisher5 output')
    expect(svgOver).toContain('Signal (test), KS p =')
    const svgEff = (await engine.call('plots.render', { id: eff.id, settings: {} })).svg
    expect(svgEff).toContain('Background efficiency')
    expect(svgEff).toContain('best S/')
    const corr = await engine.call(
      'plots.save',
      trainCorrelationSave('fisher5', 'Signal', INPUTS, e.correlation.signal),
    )
    expect(corr.figure.kind === 'heatmap' && corr.figure.values).toEqual(e.correlation.signal)
    const svgCorr = (await engine.call('plots.render', { id: corr.id, settings: {} })).svg
    expect(svgCorr).toContain('DER_mass_vis')
    await engine.call('plots.remove', { id: corr.id })
    const shape = await engine.call('plots.save', inputShapeSave('fisher5', e.inputs[0]))
    if (shape.figure.kind !== 'lines') throw new Error('lines')
    // Unit area: Σ y × width over the bins (the step's last point repeats the last bin).
    const w = (e.inputs[0].hi - e.inputs[0].lo) / e.inputs[0].signal.sumw.length
    const shapeArea = shape.figure.series[0].y
      .slice(0, -1)
      .reduce<number>((a, y) => a + (y ?? 0) * w, 0)
    expect(shapeArea).toBeCloseTo(1, 9)
    await engine.call('plots.remove', { id: shape.id })
    const list = await engine.call('plots.list', {})
    expect(list.map((p) => [p.name, p.step])).toEqual([
      ['Overtraining · fisher5', 'train'],
      ['Efficiency vs cut · fisher5', 'train'],
    ])
    for (const p of list) await engine.call('plots.remove', { id: p.id })
  }, 60_000)

  it('records the run as a reference to the stored model, which holds the whole result', async () => {
    const full = fisherResult!
    const run = (await engine.call('project.runs', {})).find((x) => x.id === full.model.runId)!
    expect(run.state).toBe('done')
    expect(run.result).toMatchObject({ stored: { kind: 'model', id: full.model.id } })
    // A brief, not the ROC curves and histograms a second time.
    expect(JSON.stringify(run.result).length).toBeLessThan(1000)
    expect(JSON.stringify(full).length).toBeGreaterThan(10_000)
    const stored = await engine.call('train.model', { id: full.model.id })
    // (Applied as a variable by the test before.)
    expect({ ...stored, model: { ...stored.model, appliedAs: null } }).toEqual(full)
    // The Project page's line: the model and its AUC, as from the whole result.
    const line = runSummary(run)
    expect(line).toMatch(/^model fisher5 · AUC 0\.\d+ · events\/s \d+$/)
    expect(line).toBe(runSummary({ state: 'done', result: full }))
    expect(runSummary(run, 12)).toBe(runSummary({ state: 'done', result: full }, 12))

    // A project written before: its run holds the whole result, and still reads and summarises.
    const path = join(tmp, 'train.hepwb')
    await engine.call('project.close', {})
    const p = Project.open(path)
    finishRun(p, { ...run, id: 'old-run', result: full })
    p.close()
    await engine.call('project.open', { path })
    const old = (await engine.call('project.runs', {})).find((x) => x.id === 'old-run')!
    expect(old.result).toEqual(full)
    expect(runSummary(old)).toBe(line)
  }, 60_000)

  it('trains a small network with live loss metrics and exports it in TensorFlow.js format', async () => {
    const r = await engine.job('train.start', {
      kind: 'mlp',
      inputs: INPUTS,
      options: { layers: [16, 16], epochs: 4, patience: 0, batchSize: 128, learningRate: 3e-3 },
    })
    expect(r.state, r.error).toBe('done')
    const result = TrainResult.parse(r.result)
    if (result.summary.kind !== 'mlp') throw new Error('mlp summary expected')
    expect(result.summary.epochs).toBe(4)
    expect(r.metrics.filter((m) => m.name === 'loss')).toHaveLength(4)
    expect(r.metrics.filter((m) => m.name === 'val_loss')).toHaveLength(4)
    expect(result.evaluation.auc_test).toBeGreaterThan(0.75)
    expect(result.evaluation.output?.ks_p_signal).not.toBeNull()
    const dir = join(tmp, 'export')
    const { files } = await engine.call('train.export', { id: result.model.id, dir })
    expect(files.some((f) => f.endsWith('model.json'))).toBe(true)
    for (const f of files) expect(existsSync(f)).toBe(true)
    // Exporting again over those files is refused unless the request says overwrite.
    await expect(engine.call('train.export', { id: result.model.id, dir })).rejects.toThrow(
      /already exists/,
    )
    const again = await engine.call('train.export', { id: result.model.id, dir, overwrite: true })
    expect(again.files).toEqual(files)
  }, 120_000)

  it('fails with a message for an unknown input and for a region without signal', async () => {
    const bad = await engine.job('train.start', {
      kind: 'lda',
      inputs: ['DER_mass_vis', 'PRI_nope'],
    })
    expect(bad.state).toBe('failed')
    expect(bad.error).toMatch(/input 2 'PRI_nope'.*unknown/)
    await engine.call('cuts.saveRegion', {
      region: {
        name: 'empty',
        blinded: false,
        cuts: [{ name: 'none', expr: 'DER_mass_vis < -1' }],
      },
    })
    const empty = await engine.job('train.start', { kind: 'lda', inputs: INPUTS, region: 'empty' })
    expect(empty.state).toBe('failed')
    expect(empty.error).toMatch(/no signal events/)
  }, 60_000)

  it('keeps a cancelled network as a cancelled run with what it learned, not as a model', async () => {
    const before = (await engine.call('train.models', {})).length
    const r = await engine.job(
      'train.start',
      { kind: 'mlp', inputs: INPUTS, options: { layers: [8], epochs: 500, patience: 0 } },
      (jobId) => setTimeout(() => void engine.call('jobs.cancel', { jobId }), 1500),
    )
    expect(r.state).toBe('cancelled')
    const partial = TrainResult.parse(r.result)
    if (partial.summary.kind !== 'mlp') throw new Error('mlp summary expected')
    expect(partial.summary.stopped).toBe('cancelled')
    expect(partial.summary.epochs).toBeLessThan(500)
    expect(await engine.call('train.models', {})).toHaveLength(before)
  }, 60_000)
})

describe('train service out of core', () => {
  it('trains Fisher under a 64 KiB compute.memory out of core: the in-memory model, its ROC from bins', async () => {
    const config = { kind: 'lda', name: 'fisher-ooc', inputs: INPUTS } as const
    const inMemory = await engine.job('train.start', config)
    expect(inMemory.state, inMemory.error).toBe('done')
    const a = TrainResult.parse(inMemory.result)
    expect(a.streamed).toBeUndefined()
    await engine.call('data.putSetting', { key: 'compute.memory', value: 2 ** 16 })
    try {
      const streamed = await engine.job('train.start', config)
      expect(streamed.state, streamed.error).toBe('done')
      const b = TrainResult.parse(streamed.result)
      expect(b.streamed?.partitions).toBeGreaterThan(50)
      expect(b.streamed?.budget_bytes).toBe(2 ** 16)
      expect(b.events).toEqual(a.events)
      // The test rows do not fit a quarter of 64 KiB: the importance says it used a subsample;
      // nor do the outputs: the ROC, AUC and KS tests come from bins, and a warning says so.
      const importance = /^permutation importance on [\d.]+% of the test events/
      const binned = /^ROC, AUC and KS tests from 4096 bins of the output/
      expect(b.warnings.filter((w) => !importance.test(w) && !binned.test(w))).toEqual(a.warnings)
      expect(b.warnings.some((w) => importance.test(w))).toBe(true)
      expect(b.warnings.some((w) => binned.test(w))).toBe(true)
      if (a.summary.kind !== 'lda' || b.summary.kind !== 'lda') throw new Error('Fisher expected')
      const close = (x: number, y: number) =>
        expect(Math.abs(x - y)).toBeLessThan(1e-10 * Math.abs(x))
      a.summary.coefficients.forEach((c, j) =>
        close(c.value, b.summary.kind === 'lda' ? b.summary.coefficients[j].value : NaN),
      )
      close(a.summary.offset, b.summary.offset)
      // A bin of the output's 4096 ties its events: the AUC moves by less than 10⁻³.
      expect(Math.abs(a.evaluation.auc_test! - b.evaluation.auc_test!)).toBeLessThan(1e-3)
      expect(Math.abs(a.evaluation.auc_train! - b.evaluation.auc_train!)).toBeLessThan(1e-3)
      for (const m of [a, b]) await engine.call('train.remove', { id: m.model.id })
    } finally {
      await engine.call('data.putSetting', { key: 'compute.memory', value: null })
    }
  }, 120_000)
})
