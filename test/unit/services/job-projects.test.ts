/**
 * Jobs belong to the project they were started in (issue 17, items 1 and 12), through the real
 * engine (wire protocol, real project files, the Kaggle H→ττ CSVs): a network trained in one
 * project is stored there even when the window closes it and opens another meanwhile; closing a
 * project with running jobs is refused until the window says what to do with them; a run left
 * 'running' by an engine that died is marked failed when its project is opened again.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Project } from '../../../src/main/engine/store/project'
import { ENGINE_STOPPED, beginRun } from '../../../src/main/engine/store/runs'
import { inProcessEngine } from '../helpers/engine'
import { addKaggleSamples } from '../ml/kaggle-higgs'

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-jobprojects-'))
process.env.HEPWB_CONFIG_DIR ??= join(tmp, 'config')
const A = join(tmp, 'kaggle.hepwb')
const B = join(tmp, 'demo.hepwb')
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  await engine.call('project.create', { path: B })
  await engine.call('project.create', { path: A })
  await addKaggleSamples(engine)
}, 60_000)

describe('a job and its project', () => {
  it('stores its model and run in the project it started in, not the one open when it ends', async () => {
    let refused: unknown = null
    let closed: Promise<unknown> = Promise.resolve()
    const finished = engine.job(
      'train.start',
      {
        kind: 'mlp',
        name: 'net-of-A',
        inputs: INPUTS,
        options: { layers: [8], epochs: 3, patience: 0, batchSize: 256 },
      },
      (jobId) => {
        // While it runs: the window lists it under A; closing A needs a choice.
        closed = (async () => {
          const jobs = await engine.call('jobs.list', {})
          expect(jobs.find((j) => j.id === jobId)?.project).toBe(A)
          refused = await engine.call('project.close', {}).catch((e: Error) => e)
          await engine.call('project.close', { running: 'keep' })
          await engine.call('project.open', { path: B })
        })()
      },
    )
    const r = await finished
    await closed
    expect(r.state, r.error).toBe('done')
    expect(String(refused)).toMatch(/a job is running in this project \(Train Neural network\)/)
    // B, open when the job ended, has neither the model nor the run.
    expect(await engine.call('train.models', {})).toEqual([])
    expect(await engine.call('project.runs', {})).toEqual([])
    // A has both once reopened.
    await engine.call('project.open', { path: A })
    const models = await engine.call('train.models', {})
    expect(models.map((m) => m.name)).toEqual(['net-of-A'])
    const runs = await engine.call('project.runs', {})
    expect(runs.find((x) => x.id === models[0].runId)?.state).toBe('done')
  }, 60_000)

  it('cancels the running jobs when asked to, and records them as cancelled in their project', async () => {
    let jobId = ''
    let switched: Promise<unknown> = Promise.resolve()
    const r = await engine.job(
      'train.start',
      {
        kind: 'mlp',
        name: 'cancelled',
        inputs: INPUTS,
        options: { layers: [8], epochs: 500, patience: 0 },
      },
      (id) => {
        jobId = id
        switched = engine.call('project.open', { path: B, running: 'cancel' })
      },
    )
    await switched
    expect(r.state).toBe('cancelled')
    expect(await engine.call('project.runs', {})).toEqual([])
    await engine.call('project.open', { path: A })
    const run = (await engine.call('project.runs', {})).find((x) => x.id === jobId)
    expect(run?.state).toBe('cancelled')
    expect((await engine.call('train.models', {})).map((m) => m.name)).toEqual(['net-of-A'])
  }, 60_000)

  it('re-attaches: a running or just finished job comes back with its metrics so far', async () => {
    let attached: Promise<unknown> = Promise.resolve()
    const r = await engine.job(
      'train.start',
      {
        kind: 'mlp',
        name: 'attached',
        inputs: INPUTS,
        options: { layers: [8], epochs: 3, patience: 0, batchSize: 256 },
      },
      (id) => {
        attached = engine.call('jobs.attach', { jobId: id })
      },
    )
    const during = await attached
    expect(during).toMatchObject({ job: { state: 'running', project: A }, end: null })
    const jobId = (during as { job: { id: string } }).job.id
    const after = await engine.call('jobs.attach', { jobId })
    expect(after.end?.state).toBe('done')
    expect(after.end?.result).toEqual(r.result)
    // Every metric the job emitted is in the attachment, in order.
    expect(after.metrics).toEqual(r.metrics.map(({ name, step, value }) => ({ name, step, value })))
    expect(after.metrics.filter((m) => m.name === 'loss').length).toBe(3)
    await expect(engine.call('jobs.attach', { jobId: 'nope' })).rejects.toThrow(/no job with id/)
  }, 60_000)

  it('marks failed a run left running by an engine that died, and only such runs', async () => {
    await engine.call('project.close', {})
    const p = Project.open(A)
    const run = (id: string) => ({
      id,
      method: 'train.start',
      title: `Train ${id}`,
      state: 'running' as const,
      params: {},
      startedAt: new Date(Date.now() - 5000).toISOString(),
      finishedAt: new Date().toISOString(),
      seconds: 0,
    })
    // A dead engine on this machine (no process has pid 2^22 + 1 on Linux) and a live one (ours'
    // parent, which is another process that runs).
    beginRun(p, run('dead'), `${hostname()}:${2 ** 22 + 1}`)
    beginRun(p, run('alive'), `${hostname()}:${process.ppid}`)
    p.close()
    await engine.call('project.open', { path: A })
    const runs = await engine.call('project.runs', {})
    expect(runs.find((x) => x.id === 'dead')).toMatchObject({
      state: 'failed',
      error: ENGINE_STOPPED,
    })
    expect(runs.find((x) => x.id === 'dead')!.seconds).toBeGreaterThanOrEqual(5)
    expect(runs.find((x) => x.id === 'alive')?.state).toBe('running')
  })

  it('records a run as running while its job runs', async () => {
    let seen: unknown = null
    const r = await engine.job(
      'train.start',
      { kind: 'lda', name: 'lda', inputs: INPUTS },
      (id) => {
        seen = engine.call('project.runs', {}).then((runs) => runs.find((x) => x.id === id))
      },
    )
    expect(r.state).toBe('done')
    expect(await seen).toMatchObject({ state: 'running' })
  }, 60_000)
})
