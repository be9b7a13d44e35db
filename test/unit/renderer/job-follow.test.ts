import { describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { ApiError } from '../../../src/renderer/src/api/client'
import { followJob, trainingFailure } from '../../../src/renderer/src/stores/job-follow'

/** A job slot on a window whose open project the test switches. */
function window(path: string | undefined) {
  const state = { path }
  const job = ref<unknown>({ id: 'j1' })
  return { state, job, slot: { job, projectPath: () => state.path } }
}

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)))
  return { promise, resolve, reject }
}

describe('followJob', () => {
  it('shows the result, clears the slot and settles while the project stays open', async () => {
    const w = window('/p/a.hepwb')
    const end = { show: vi.fn(), fail: vi.fn(), settle: vi.fn(async () => undefined) }
    await followJob(w.slot, Promise.resolve(42), end)
    expect(end.show).toHaveBeenCalledWith(42)
    expect(end.fail).not.toHaveBeenCalled()
    expect(end.settle).toHaveBeenCalledTimes(1)
    expect(w.job.value).toBeNull()
  })

  it('hands a failure to fail, and still clears the slot and settles', async () => {
    const w = window('/p/a.hepwb')
    const end = { show: vi.fn(), fail: vi.fn(), settle: vi.fn(async () => undefined) }
    const boom = new Error('diverged')
    await followJob(w.slot, Promise.reject(boom), end)
    expect(end.show).not.toHaveBeenCalled()
    expect(end.fail).toHaveBeenCalledWith(boom)
    expect(end.settle).toHaveBeenCalledTimes(1)
    expect(w.job.value).toBeNull()
  })

  it('ignores the end of a job whose project the window has left meanwhile', async () => {
    const w = window('/p/a.hepwb')
    const end = { show: vi.fn(), fail: vi.fn(), settle: vi.fn(async () => undefined) }
    const d = deferred<number>()
    const done = followJob(w.slot, d.promise, end)
    w.state.path = '/p/b.hepwb'
    d.resolve(1)
    await done
    expect(end.show).not.toHaveBeenCalled()
    expect(end.settle).not.toHaveBeenCalled()
    // The slot still held this job (nothing replaced it), so it is cleared.
    expect(w.job.value).toBeNull()

    const failing = deferred<number>()
    w.job.value = { id: 'j2' }
    const next = followJob(w.slot, failing.promise, end)
    w.state.path = undefined
    failing.reject(new Error('late'))
    await next
    expect(end.fail).not.toHaveBeenCalled()
  })

  it('leaves a job that replaced the followed one in the slot', async () => {
    const w = window('/p/a.hepwb')
    const d = deferred<number>()
    const done = followJob(w.slot, d.promise, { show: vi.fn(), fail: vi.fn() })
    const other = { id: 'j9' }
    w.job.value = other
    d.resolve(1)
    await done
    expect(w.job.value).toEqual({ id: 'j9' })
  })
})

describe('trainingFailure', () => {
  it('says a cancelled training kept its set-up, and names any other failure', () => {
    expect(trainingFailure(new ApiError({ code: 'cancelled', message: 'cancelled' }))).toBe(
      'Training cancelled; the set-up is kept.',
    )
    expect(trainingFailure(new ApiError({ code: 'failed', message: 'loss is NaN' }))).toBe(
      'Training failed: loss is NaN',
    )
  })
})
