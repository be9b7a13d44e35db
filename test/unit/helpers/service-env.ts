/**
 * A ServiceEnv for service tests, wired as the engine wires it but without the wire protocol: a
 * real JobRunner that records finished runs in the open project, one SampleRegistry per open
 * project (made on first use, so a sample is decoded once), no applied models, and events
 * dropped. Tests call the handlers directly and wait for their jobs with `waitForJob`.
 */
import type { JobEvent } from '../../../src/shared/api'
import { JobRunner } from '../../../src/main/engine/jobs/runner'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import type { ServiceEnv } from '../../../src/main/engine/services/env'
import type { Project } from '../../../src/main/engine/store/project'

export interface ServiceTestEnv {
  readonly env: ServiceEnv
  /** Every job event emitted so far, in order. */
  readonly events: readonly JobEvent[]
  /**
   * The result of job `jobId` once it has finished (also when it finished before this call);
   * rejects with the job's error when it failed or was cancelled.
   */
  waitForJob(jobId: string): Promise<unknown>
  /**
   * Calls `listener` with every job event as it is emitted (synchronously: from inside the job's
   * own progress call, so a test can cancel at a chosen point of the work); returns the unsubscribe.
   */
  listen(listener: (e: JobEvent) => void): () => void
}

/**
 * The env for `project`: a fixed project, none (null), or a getter for one the test switches
 * (as `spec.open` adopts a new project).
 */
export function serviceEnv(project: Project | null | (() => Project | null)): ServiceTestEnv {
  const current = typeof project === 'function' ? project : () => project
  const events: JobEvent[] = []
  const jobListeners = new Set<(e: JobEvent) => void>()
  const jobs = new JobRunner(
    (e) => {
      events.push(e)
      for (const l of jobListeners) l(e)
    },
    {
      owner: () => current()?.path ?? null,
      // This env holds one project at a time: a run is stored only if its project is open.
      finished: (run, path) => {
        const p = current()
        if (p && p.path === path) p.recordRun(run)
      },
    },
  )
  let registry: SampleRegistry | null = null
  const requireProject = (): Project => {
    const p = current()
    if (!p) throw new Error('no project')
    return p
  }
  const samples = () => {
    const p = requireProject()
    if (registry?.project !== p) registry = new SampleRegistry(p)
    return registry
  }
  const env: ServiceEnv = {
    jobs,
    scope: () => {
      const p = requireProject()
      const r = samples()
      return { requireProject: () => p, samples: () => r, computedVariables: async () => [] }
    },
    project: current,
    requireProject,
    emit: () => {},
    projectChanged: () => {},
    computedVariables: async () => [],
    modelsChanged: () => {},
    samples,
  }

  function waitForJob(jobId: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const settle = (e: JobEvent): boolean => {
        if (e.kind !== 'finished' || e.jobId !== jobId) return false
        if (e.state === 'done') resolve(e.result)
        else reject(new Error(e.error))
        return true
      }
      if (events.some(settle)) return
      const listener = (e: JobEvent) => {
        if (settle(e)) jobListeners.delete(listener)
      }
      jobListeners.add(listener)
    })
  }

  function listen(listener: (e: JobEvent) => void): () => void {
    jobListeners.add(listener)
    return () => jobListeners.delete(listener)
  }

  return { env, events, waitForJob, listen }
}
