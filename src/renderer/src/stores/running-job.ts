/**
 * The job of a step still running in the engine when the window (re)loads or opens a project:
 * each step store asks for it and re-attaches to it (api.attachJob), so progress, live metrics
 * and the result come back after a reload, and a job kept running in a closed project shows
 * again when that project is reopened.
 */
import type { JobInfo } from '../../../shared/api'
import { api } from '../api'

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
