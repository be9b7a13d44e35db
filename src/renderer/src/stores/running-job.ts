/**
 * The job of a step still running in the engine when the window (re)loads or opens a project:
 * each step store asks for it and re-attaches to it (api.attachJob), so progress, live metrics
 * and the result come back after a reload, and a job kept running in a closed project shows
 * again when that project is reopened.
 */
import type { JobInfo } from '../../../shared/api'
import { api } from '../api'
import type { JobSlot } from './job-follow'

/** The latest running job of `project` started by one of `methods`, or null. */
export async function runningJob(
  methods: readonly string[],
  project: string,
): Promise<JobInfo | null> {
  const jobs = await api.call('jobs.list', {})
  return (
    jobs
      .filter((j) => methods.includes(j.method) && j.project === project)
      .sort((a, b) => b.startedAt - a.startedAt)[0] ?? null
  )
}

/**
 * Re-attaches a step store to its project's job still running in the engine: `resume` gets the
 * job when the window still has that project open and the store shows no job (none started
 * while the engine was asked); a failed question leaves the store as it is.
 */
export async function reattachJob(
  slot: JobSlot,
  methods: readonly string[],
  resume: (running: JobInfo) => Promise<void>,
): Promise<void> {
  const path = slot.projectPath()
  if (!path || slot.job.value) return
  const running = await runningJob(methods, path).catch(() => null)
  if (!running || slot.job.value || slot.projectPath() !== path) return
  await resume(running)
}
