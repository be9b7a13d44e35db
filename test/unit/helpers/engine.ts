/**
 * The real engine service in-process, driven through the wire protocol (requests validated,
 * responses and job events as the host sees them). For service tests that need the whole
 * engine: samples, regions, models and applied variables together.
 */
import type { EngineMessage, JobEvent, MethodName, Params, Result } from '../../../src/shared/api'
import { EngineService } from '../../../src/main/engine/service'

export interface FinishedJob {
  state: 'done' | 'failed' | 'cancelled'
  result: unknown
  error?: string
  metrics: { name: string; step: number; value: number }[]
  /** The job's progress messages, in order. */
  progress: string[]
}

export function inProcessEngine() {
  let next = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const jobListeners = new Set<(e: JobEvent) => void>()
  const service = new EngineService((msg: EngineMessage) => {
    if (msg.type === 'response') {
      const p = pending.get(msg.id)
      pending.delete(msg.id)
      if (msg.ok) p?.resolve(msg.result)
      else p?.reject(new Error(msg.error.message))
    } else if (msg.event === 'job') jobListeners.forEach((l) => l(msg.payload as JobEvent))
  })

  function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = next++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      void service.handle({ type: 'request', id, method, params })
    })
  }

  /** Starts a job method and waits for its end, collecting its metric events. */
  async function job<M extends MethodName>(
    method: M,
    params: Params<M>,
    onStart?: (jobId: string) => void,
  ): Promise<FinishedJob> {
    const metrics: FinishedJob['metrics'] = []
    const progress: string[] = []
    let jobId: string | undefined
    const early: JobEvent[] = []
    const done = new Promise<FinishedJob>((resolve) => {
      const listener = (e: JobEvent) => {
        if (jobId === undefined) {
          early.push(e)
          return
        }
        if (e.kind === 'metric' && e.jobId === jobId) metrics.push(e)
        if (e.kind === 'progress' && e.jobId === jobId) progress.push(e.message)
        if (e.kind === 'finished' && e.jobId === jobId) {
          jobListeners.delete(listener)
          resolve({
            state: e.state as FinishedJob['state'],
            result: e.result,
            error: e.error,
            metrics,
            progress,
          })
        }
      }
      jobListeners.add(listener)
      void call(method, params).then((r) => {
        jobId = (r as { jobId: string }).jobId
        onStart?.(jobId)
        early.splice(0).forEach(listener)
      })
    })
    return done
  }

  return { service, call, job, close: () => service.shutdown() }
}
