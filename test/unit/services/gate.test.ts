/**
 * The job runner's pause / step gate (issue 14) through the real engine (wire protocol, a real
 * project, the Kaggle H→ττ CSVs), for each kind of training: the classifier network, an
 * autoencoder, a VAE and INFERNO. A paused job does not advance; a step runs exactly one batch
 * or one epoch; a learning rate changed while paused applies at the next step (and a run whose
 * rate was changed before its first batch equals a run started with that rate); cancel while
 * paused ends the job as cancelled with what it had learned.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/main/engine/service'
import type { EngineMessage, JobEvent, MethodName, Params, Result } from '../../../src/shared/api'
import { AnomalyTrainResult } from '../../../src/shared/contract/anomaly'
import { TrainResult } from '../../../src/shared/contract/train'
import { KAGGLE } from '../ml/kaggle-higgs'

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

/** The engine in-process with every job event recorded. */
function harness() {
  let next = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const events: JobEvent[] = []
  const service = new EngineService((msg: EngineMessage) => {
    if (msg.type === 'response') {
      const p = pending.get(msg.id)
      pending.delete(msg.id)
      if (msg.ok) p?.resolve(msg.result)
      else p?.reject(new Error(msg.error.message))
    } else if (msg.event === 'job') events.push(msg.payload as JobEvent)
  })
  function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = next++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      void service.handle({ type: 'request', id, method, params })
    })
  }
  const count = (jobId: string, name: string) =>
    events.filter((e) => e.kind === 'metric' && e.jobId === jobId && e.name === name).length
  const finished = (jobId: string) =>
    events.find(
      (e): e is Extract<JobEvent, { kind: 'finished' }> =>
        e.kind === 'finished' && e.jobId === jobId,
    )
  return { service, call, events, count, finished }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) {
  const t0 = Date.now()
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-gate-'))
const e = harness()
afterAll(() => {
  e.service.shutdown()
  rmSync(tmp, { recursive: true, force: true })
})
beforeAll(async () => {
  await e.call('project.create', { path: join(tmp, 'gate.hepwb') })
  for (const [name, role, file] of [
    ['Htautau', 'signal', 'train_sml_sig.csv'],
    ['bkg', 'background', 'train_sml_bg.csv'],
  ] as const) {
    const { jobId } = await e.call('data.addSample', {
      spec: { name, role, colour: '#1f77b4', files: [KAGGLE + file], table: '' },
    })
    await until('the sample', () => e.finished(jobId) !== undefined)
    expect(e.finished(jobId)!.state, e.finished(jobId)!.error).toBe('done')
  }
}, 60_000)

/** Paused, then held by the trainer with its learning rate offered: the state then. */
async function heldWithSettings(jobId: string) {
  await e.call('jobs.pause', { jobId })
  let s = await e.call('jobs.gate', { jobId })
  await until('the trainer to offer its settings', async () => {
    s = await e.call('jobs.gate', { jobId })
    return s.settings.some((x) => x.name === 'learningRate')
  })
  return s
}

/**
 * The scenario every trainer must pass: no progress while paused, one batch, the rest of the
 * epoch, one whole epoch, a learning rate applied at the next step, cancel while paused.
 * `loss`: the name of the per-epoch training loss metric. Returns the finished event.
 */
async function scenario(jobId: string, loss: string) {
  const s0 = await heldWithSettings(jobId)
  expect(s0.paused).toBe(true)
  const n0 = e.count(jobId, loss)
  // A paused job does not advance.
  await sleep(400)
  expect((await e.call('jobs.gate', { jobId })).batches).toBe(s0.batches)
  expect(e.count(jobId, loss)).toBe(n0)
  // One batch, exactly, answered once it has run, with its loss.
  const b1 = await e.call('jobs.step', { jobId, unit: 'batch' })
  expect(b1.batches).toBe(s0.batches + 1)
  expect(b1.paused).toBe(true)
  expect(Number.isFinite(b1.batchLoss)).toBe(true)
  await sleep(300)
  expect((await e.call('jobs.gate', { jobId })).batches).toBe(s0.batches + 1)
  expect(e.count(jobId, loss)).toBe(n0)
  // Inside an epoch: a step 'epoch' finishes it and holds at the next one's start.
  await e.call('jobs.step', { jobId, unit: 'epoch' })
  await until('the epoch to end', () => e.count(jobId, loss) === n0 + 1)
  await sleep(300)
  expect(e.count(jobId, loss)).toBe(n0 + 1)
  const atBoundary = await e.call('jobs.gate', { jobId })
  // At the boundary: one whole epoch, no more.
  await e.call('jobs.step', { jobId, unit: 'epoch' })
  await until('a whole epoch', () => e.count(jobId, loss) === n0 + 2)
  await sleep(300)
  const after = await e.call('jobs.gate', { jobId })
  expect(e.count(jobId, loss)).toBe(n0 + 2)
  expect(after.epochs).toBe(atBoundary.epochs + 1)
  const batchesPerEpoch = after.batches - atBoundary.batches
  expect(batchesPerEpoch).toBeGreaterThan(1)
  // A learning rate set while paused waits for the next step, then is in use.
  const lr = after.settings.find((x) => x.name === 'learningRate')!.value as number
  const set = await e.call('jobs.set', { jobId, name: 'learningRate', value: lr / 2 })
  expect(set.settings.find((x) => x.name === 'learningRate')).toEqual({
    name: 'learningRate',
    value: lr / 2,
    pending: true,
  })
  await sleep(200)
  expect((await e.call('jobs.gate', { jobId })).settings.find((x) => x.pending)).toBeDefined()
  const applied = await e.call('jobs.step', { jobId, unit: 'batch' })
  expect(applied.settings.find((x) => x.name === 'learningRate')).toEqual({
    name: 'learningRate',
    value: lr / 2,
    pending: false,
  })
  // A value the trainer cannot take is refused, saying why.
  await expect(e.call('jobs.set', { jobId, name: 'learningRate', value: -1 })).rejects.toThrow(
    /learningRate must be a positive number/,
  )
  // The status bar's view: the job list says paused.
  expect((await e.call('jobs.list', {})).find((j) => j.id === jobId)?.gate?.paused).toBe(true)
  // Cancel while paused: the job ends as cancelled, with what it had learned.
  await e.call('jobs.cancel', { jobId })
  await until('the cancel', () => e.finished(jobId) !== undefined, 10_000)
  const f = e.finished(jobId)!
  expect(f.state).toBe('cancelled')
  expect(e.events.some((x) => x.kind === 'gate' && x.jobId === jobId && x.gate.paused)).toBe(true)
  return { f, wholeEpochs: n0 + 2 }
}

describe('pause / step / resume gate', () => {
  it('the classifier network: paused, stepped, re-tuned and cancelled with its partial network', async () => {
    const { jobId } = await e.call('train.start', {
      kind: 'mlp',
      inputs: INPUTS,
      options: { layers: [8], epochs: 50, patience: 0, batchSize: 256, learningRate: 3e-3 },
    })
    const { f, wholeEpochs } = await scenario(jobId, 'loss')
    const partial = TrainResult.parse(f.result)
    if (partial.summary.kind !== 'mlp') throw new Error('mlp summary expected')
    expect(partial.summary.stopped).toBe('cancelled')
    // The two whole epochs and the one cut short after a batch (its loss over that batch).
    expect(partial.summary.history.loss.length).toBe(wholeEpochs + 1)
    expect(partial.evaluation.auc_test).toBeGreaterThan(0.5)
    // A non-network classifier is no training to pause.
    const lda = await e.call('train.start', { kind: 'lda', inputs: INPUTS })
    await expect(e.call('jobs.pause', { jobId: lda.jobId })).rejects.toThrow(/cannot be paused/)
    await until('the Fisher run', () => e.finished(lda.jobId) !== undefined)
  }, 120_000)

  it('a learning rate changed before the first batch trains the same network as one started with it', async () => {
    const options = { layers: [8], epochs: 2, patience: 0, batchSize: 256 }
    const run = async (learningRate: number, setTo?: number) => {
      const { jobId } = await e.call('train.start', {
        kind: 'mlp',
        inputs: INPUTS,
        options: { ...options, learningRate },
      })
      if (setTo !== undefined) {
        const s = await heldWithSettings(jobId)
        expect(s.batches).toBe(0)
        await e.call('jobs.set', { jobId, name: 'learningRate', value: setTo })
        await e.call('jobs.resume', { jobId })
      }
      await until('the run', () => e.finished(jobId) !== undefined, 60_000)
      const r = TrainResult.parse(e.finished(jobId)!.result)
      if (r.summary.kind !== 'mlp') throw new Error('mlp summary expected')
      return r.summary.history.loss
    }
    const reference = await run(1e-2)
    const changed = await run(5e-2, 1e-2)
    const unchanged = await run(5e-2)
    expect(changed).toEqual(reference)
    expect(unchanged).not.toEqual(reference)
  }, 120_000)

  for (const kind of ['ae', 'vae'] as const)
    it(`the ${kind === 'ae' ? 'autoencoder' : 'VAE'}: paused, stepped, re-tuned and cancelled with its partial model`, async () => {
      const { jobId } = await e.call('anomaly.train', {
        kind,
        inputs: INPUTS,
        options: { encoder: [8], latent: 2, epochs: 50, patience: 0, batchSize: 128 },
      })
      const { f, wholeEpochs } = await scenario(jobId, 'loss')
      const partial = AnomalyTrainResult.parse(f.result)
      expect(partial.summary.stopped).toBe('cancelled')
      expect(partial.summary.history.loss.length).toBe(wholeEpochs + 1)
      if (kind === 'vae') expect(partial.summary.history.kl.length).toBe(wholeEpochs + 1)
    }, 120_000)

  it('INFERNO: paused, stepped, re-tuned and cancelled with the epochs it had run', async () => {
    const { jobId } = await e.call('inferno.benchmark', {
      benchmark: 'B2',
      seeds: 1,
      epochs: 100,
      bceEpochs: 1,
      trainEvents: 4000,
      testEvents: 4000,
      batchSize: 1000,
      patience: 0,
    })
    const { f, wholeEpochs } = await scenario(jobId, 'inferno.loss')
    // INFERNO keeps whole epochs only (an epoch cut short has no validated summary).
    expect(f.result).toMatchObject({
      seeds: [],
      stopped: { training: 'inferno', epochs: wholeEpochs },
    })
  }, 120_000)
})
