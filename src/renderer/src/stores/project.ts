/**
 * The open project and the recent list; every change is saved by the engine as it happens.
 * Leaving a project (close, open or create another) while some of its jobs run asks first
 * (`question`): cancel them, keep them running (their results are still stored in it), or stay.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { JobInfo, ProjectSummary, RecentProject, RunningJobsChoice } from '../../../shared/api'
import { api } from '../api'

/** The question asked before leaving a project whose jobs run; null answers "stay". */
export interface LeaveQuestion {
  readonly jobs: readonly JobInfo[]
  answer(choice: RunningJobsChoice | null): void
}

export const useProjectStore = defineStore('project', () => {
  const current = ref<ProjectSummary | null>(null)
  const recent = ref<RecentProject[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const question = ref<LeaveQuestion | null>(null)

  /** Bumped by every change; a refresh that started before a change must not undo it. */
  let generation = 0

  async function refresh(): Promise<void> {
    const started = generation
    const cur = await api.call('project.current', {})
    const rec = await api.call('project.recent', {})
    if (started !== generation) return
    current.value = cur
    recent.value = rec
    loaded.value = true
  }

  /**
   * What to do with the open project's running jobs before leaving it: undefined when none run,
   * null when the user chose to stay.
   */
  async function leaving(): Promise<RunningJobsChoice | null | undefined> {
    const path = current.value?.path
    if (!path) return undefined
    const jobs = (await api.call('jobs.list', {})).filter((j) => j.project === path)
    if (!jobs.length) return undefined
    question.value?.answer(null)
    return new Promise((resolve) => {
      question.value = {
        jobs,
        answer: (choice) => {
          question.value = null
          resolve(choice)
        },
      }
    })
  }

  /**
   * Runs an action that leaves the open project, asking first when some of its jobs run;
   * false when the user chose to stay or it failed.
   */
  async function leave(
    action: (running: RunningJobsChoice | undefined) => Promise<ProjectSummary | null>,
  ): Promise<boolean> {
    let running: RunningJobsChoice | null | undefined
    try {
      running = await leaving()
    } catch (e) {
      error.value = (e as Error).message
      return false
    }
    if (running === null) return false
    return attempt(() => action(running))
  }

  /** Runs a project action; a failure is shown and leaves the current project as it was. */
  async function attempt(action: () => Promise<ProjectSummary | null>): Promise<boolean> {
    error.value = null
    generation++
    try {
      current.value = await action()
      recent.value = await api.call('project.recent', {})
      return true
    } catch (e) {
      error.value = (e as Error).message
      return false
    }
  }

  api.on('project', (e) => {
    generation++
    current.value = e.project
  })
  api.on('engine', (s) => {
    if (s.state === 'ready') void refresh().catch(() => {})
  })
  api.transport.onConnection((c) => {
    if (c) void refresh().catch(() => {})
  })

  return {
    current,
    recent,
    loaded,
    error,
    question,
    refresh,
    create: (path: string, name?: string) =>
      leave((running) => api.call('project.create', { path, name, running })),
    open: (path: string) =>
      path === current.value?.path
        ? attempt(() => api.call('project.open', { path }))
        : leave((running) => api.call('project.open', { path, running })),
    saveAs: (path: string) => attempt(() => api.call('project.saveAs', { path })),
    close: () => leave((running) => api.call('project.close', { running })),
    rename: (name: string) => attempt(() => api.call('project.rename', { name })),
  }
})
