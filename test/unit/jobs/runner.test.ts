/**
 * The job runner's own mechanisms (issue 17, items 1 and 2): a job belongs to the project open
 * when it started, whatever is open when it ends; its run is begun and finished there; its
 * metrics so far and its end are kept so a window can re-attach. A result the work stored in
 * a table of its own is recorded in the run as a reference (issue 18: once, not in two tables).
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent, RunRecord } from '../../../src/shared/api'
import { CancelledError } from '../../../src/main/engine/jobs/context'
import { JobRunner } from '../../../src/main/engine/jobs/runner'

function runner(owner: () => string | null) {
  const events: JobEvent[] = []
  const started: [RunRecord, string | null][] = []
  const finished: [RunRecord, string | null][] = []
  const jobs = new JobRunner((e) => events.push(e), {
    owner,
    started: (run, p) => started.push([run, p]),
    finished: (run, p) => finished.push([run, p]),
  })
  const ended = (id: string) =>
    new Promise<void>((resolve) => {
      const poll = () =>
        events.some((e) => e.kind === 'finished' && e.jobId === id)
          ? resolve()
          : setTimeout(poll, 5)
      poll()
    })
  return { jobs, events, started, finished, ended }
}

describe('JobRunner', () => {
  it('gives a job the project open at its start, and stores its run there at its end', async () => {
    let open: string | null = '/a.hepwb'
    const r = runner(() => open)
    let release = () => {}
    const id = r.jobs.start('m', 'T', { x: 1 }, async (ctx) => {
      ctx.metric('loss', 0, 0.5)
      await new Promise<void>((res) => (release = res))
      ctx.metric('loss', 1, 0.25)
      return 42
    })
    expect(r.started).toEqual([[expect.objectContaining({ id, state: 'running' }), '/a.hepwb']])
    expect(r.jobs.of('/a.hepwb').map((j) => j.id)).toEqual([id])
    // The window opens another project while the job runs.
    open = '/b.hepwb'
    await new Promise((res) => setTimeout(res, 20))
    const during = r.jobs.attach(id)
    expect(during.job).toMatchObject({ id, project: '/a.hepwb', params: { x: 1 } })
    expect(during.metrics).toEqual([{ name: 'loss', step: 0, value: 0.5 }])
    expect(during.end).toBeNull()
    release()
    await r.ended(id)
    expect(r.finished).toEqual([
      [expect.objectContaining({ id, state: 'done', result: 42 }), '/a.hepwb'],
    ])
    expect(r.jobs.of('/a.hepwb')).toEqual([])
    // Finished, it can still be attached to (a reload right at its end), with all its metrics.
    const after = r.jobs.attach(id)
    expect(after.end).toEqual({ state: 'done', result: 42, error: undefined })
    expect(after.metrics.map((m) => m.step)).toEqual([0, 1])
    expect(() => r.jobs.attach('unknown')).toThrow(/no job with id unknown/)
  })

  it('still reports the end when storing the run fails, and says so', async () => {
    const events: JobEvent[] = []
    const jobs = new JobRunner((e) => events.push(e), {
      owner: () => '/gone.hepwb',
      finished: () => {
        throw new Error('disk full')
      },
    })
    const id = jobs.start('m', 'T', {}, async () => 'ok')
    await new Promise((res) => setTimeout(res, 20))
    expect(events).toContainEqual({
      kind: 'log',
      jobId: id,
      message: 'could not store the run: disk full',
    })
    expect(events.at(-1)).toMatchObject({ kind: 'finished', jobId: id, state: 'done' })
  })

  it('records a reference, not a copy, of a result the work stored in its own table', async () => {
    const r = runner(() => '/a.hepwb')
    const big = {
      model: { id: 'm1', name: 'fisher', kind: 'lda', auc_test: 0.8, inputs: ['a', 'b'] },
      evaluation: { roc: Array.from({ length: 500 }, (_, i) => [i / 500, i / 500]) },
      backend: 'cpu',
      seconds: 1.5,
      events_per_second: 1e5,
    }
    const id = r.jobs.start('train.start', 'T', {}, async (ctx) => {
      ctx.stored('model', 'm1')
      return big
    })
    // Another job stores nothing: its whole result is its run's.
    const plain = r.jobs.start('ml.backendCheck', 'B', {}, async () => big)
    await Promise.all([r.ended(id), r.ended(plain)])
    const run = (job: string) => r.finished.find(([x]) => x.id === job)![0]
    expect(run(id).result).toEqual({
      stored: { kind: 'model', id: 'm1' },
      model: { name: 'fisher', auc_test: 0.8 },
      backend: 'cpu',
      seconds: 1.5,
      events_per_second: 1e5,
    })
    expect(run(plain).result).toEqual(big)
    // The window still gets the whole result, at the end and on re-attaching.
    expect(r.events).toContainEqual(
      expect.objectContaining({ kind: 'finished', jobId: id, result: big }),
    )
    expect(r.jobs.attach(id).end?.result).toEqual(big)
  })

  it('gives a pausable job a gate: paused in its info and events, cancelled while paused with its partial result', async () => {
    const r = runner(() => null)
    const id = r.jobs.start(
      'train',
      'T',
      {},
      async (ctx) => {
        const gate = ctx.gate!
        let batches = 0
        for (let e = 0; e < 100; e++) {
          if (!(await gate.beforeEpoch())) break
          for (let b = 0; b < 4; b++) {
            if (!(await gate.beforeBatch())) break
            batches++
            ctx.snapshot?.('picture', batches, { batches })
          }
        }
        if (ctx.signal.aborted) throw new CancelledError({ batches })
        return { batches }
      },
      { pausable: true },
    )
    expect(r.jobs.pause(id)).toMatchObject({ jobId: id, paused: true })
    expect(r.jobs.list()[0].gate).toMatchObject({ paused: true, batches: 0 })
    expect(r.events.some((e) => e.kind === 'gate' && e.jobId === id && e.gate.paused)).toBe(true)
    const s = await r.jobs.step(id, 'epoch')
    expect(s).toMatchObject({ paused: true, epochs: 1, batches: 4 })
    // The latest picture of each name comes back on attach.
    expect(r.jobs.attach(id).snapshots).toEqual([
      { name: 'picture', step: 4, data: { batches: 4 } },
    ])
    expect(r.events.filter((e) => e.kind === 'snapshot')).toHaveLength(4)
    r.jobs.cancel(id)
    await r.ended(id)
    const end = r.events.find((e) => e.kind === 'finished' && e.jobId === id)
    expect(end).toMatchObject({ state: 'cancelled', result: { batches: 4 } })
    expect(() => r.jobs.pause(id)).toThrow(/no running job/)
    // A job not started pausable has no gate.
    const plain = r.jobs.start('m', 'P', {}, async (ctx) => (ctx.gate ? 'gated' : 'open'))
    expect(() => r.jobs.pause(plain)).toThrow(/cannot be paused/)
    await r.ended(plain)
  })
})
