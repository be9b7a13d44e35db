/**
 * The study loop: a failing trial is recorded with its reason and the study goes on; a resumed
 * study runs its pending trials first with their parameters and counts its finished ones; the
 * time budget stops starting trials; a cancel keeps the finished trials.
 */
import { describe, expect, it } from 'vitest'
import { CancelledError } from '../../../src/main/engine/jobs/context'
import { parseSpace } from '../../../src/main/engine/tune/space'
import {
  StudyError,
  runStudy,
  type StudySettings,
  type StudyTrial,
} from '../../../src/main/engine/tune/study'

const settings: StudySettings = {
  space: parseSpace({ x: { float: [0, 1] } }),
  algorithm: 'random',
  direction: 'minimize',
  trials: 6,
  parallel: 2,
  seed: 1,
  pruner: { name: 'none', maxResource: 1 },
}
const ok = (value: number) => ({
  state: 'complete' as const,
  value,
  intermediate: [],
  epochs: 1,
  seconds: 0,
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('study', () => {
  it('stops on a StudyError (trials cannot run): no new trial starts, the error is thrown', async () => {
    const started: number[] = []
    const finished: number[] = []
    const run = runStudy(
      settings,
      async ({ number, params }) => {
        if (number === 1) throw new StudyError('cannot reach Redis')
        await sleep(20)
        return ok(params.x as number)
      },
      { onStart: (n) => started.push(n), onTrial: (t) => finished.push(t.number) },
    )
    await expect(run).rejects.toThrow('cannot reach Redis')
    // Trial 0 (running beside it) finished and was recorded; none started after the error.
    expect(started).toEqual([0, 1])
    expect(finished).toEqual([0])
  })

  it('records a failing trial with its reason and goes on', async () => {
    const r = await runStudy(settings, async ({ number, params }) => {
      if (number === 2) throw new Error('reading the spec: no such file')
      return ok(params.x as number)
    })
    expect(r.trials.map((t) => t.state)).toEqual([
      'complete',
      'complete',
      'failed',
      'complete',
      'complete',
      'complete',
    ])
    expect(r.trials[2].reason).toBe('reading the spec: no such file')
    expect(r.best!.value).toBe(
      Math.min(...r.trials.filter((t) => t.value !== null).map((t) => t.value!)),
    )
  })

  it('resumes: pending trials first with their parameters, finished ones counted', async () => {
    const full = await runStudy(settings, async ({ params }) => ok(params.x as number))
    const finished: StudyTrial[] = full.trials.slice(0, 3)
    const pending = [{ number: 3, params: full.trials[3].params }]
    const order: number[] = []
    const r = await runStudy(
      settings,
      async ({ number, params }) => {
        order.push(number)
        return ok(params.x as number)
      },
      { finished, pending },
    )
    expect(order[0]).toBe(3)
    expect(order.sort()).toEqual([3, 4, 5])
    expect(r.trials).toEqual(full.trials)
  })

  it('stops starting trials at the time budget', async () => {
    const r = await runStudy(
      { ...settings, trials: 100, parallel: 1, timeout: 0.08 },
      async ({ params }) => {
        await sleep(20)
        return ok(params.x as number)
      },
    )
    expect(r.timedOut).toBe(true)
    expect(r.trials.length).toBeGreaterThan(1)
    expect(r.trials.length).toBeLessThan(20)
  })

  it('a cancel keeps the finished trials', async () => {
    const abort = new AbortController()
    const r = await runStudy(
      { ...settings, trials: 50, parallel: 1 },
      async ({ number, params }) => {
        if (number === 3) {
          abort.abort()
          throw new CancelledError()
        }
        return ok(params.x as number)
      },
      { signal: abort.signal },
    )
    expect(r.cancelled).toBe(true)
    expect(r.trials.map((t) => t.number)).toEqual([0, 1, 2])
  })
})
