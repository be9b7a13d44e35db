/**
 * The Fit view's signal grid: the two files it runs on, the running job (progress, cancel) and
 * the last grid of this project — the one just run, or, after a reload or reopening the project,
 * the newest one recorded in the project's runs; a grid still running is re-attached.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import { GridOutcome } from '../../../shared/contract/grid'
import { api } from '../api'
import { ApiError } from '../api/client'
import { useProjectStore } from './project'
import { runningJob } from './running-job'

/** The form's files per project (a view state, kept in the browser). */
const memoryKey = (projectPath: string) => `hepwb.fit.grid.${projectPath}`

export const useGridStore = defineStore('grid', () => {
  const project = useProjectStore()
  const workspace = ref('')
  const patchset = ref('')
  /** Also the upper limit of every point (about 4× the time of the CLs alone). */
  const limits = ref(false)
  const job = ref<{ jobId: string; fraction: number; message: string } | null>(null)
  const result = shallowRef<GridOutcome | null>(null)
  const error = ref<string | null>(null)

  function remember(): void {
    const path = project.current?.path
    if (path)
      localStorage.setItem(
        memoryKey(path),
        JSON.stringify({ workspace: workspace.value, patchset: patchset.value }),
      )
  }

  /** The newest grid recorded in the project's runs, or null. */
  async function lastRecorded(): Promise<GridOutcome | null> {
    const runs = await api.call('project.runs', {})
    const last = runs
      .filter((r) => r.method === 'fit.grid' && r.state === 'done')
      .sort((a, b) => b.finishedAt.localeCompare(a.finishedAt))[0]
    const parsed = last ? GridOutcome.safeParse(last.result) : null
    return parsed?.success ? parsed.data : null
  }

  /** Follows grid job `jobId` of project `path` to its end; its result is shown if still there. */
  async function follow(jobId: string, path: string | undefined): Promise<void> {
    try {
      const r = await api.attachJob('fit.grid', jobId, (e) => {
        if (e.kind === 'progress' && job.value?.jobId === jobId)
          job.value = { jobId, fraction: e.fraction, message: e.message }
      })
      if (project.current?.path === path) result.value = r
    } catch (e) {
      if (project.current?.path === path)
        error.value =
          e instanceof ApiError && e.info.code === 'cancelled'
            ? 'Signal grid cancelled.'
            : (e as Error).message
    } finally {
      if (job.value?.jobId === jobId) job.value = null
    }
  }

  /** Runs the grid of the form's files as a job. */
  async function run(): Promise<void> {
    error.value = null
    remember()
    try {
      const { jobId } = await api.call('fit.grid', {
        workspace: workspace.value.trim(),
        patchset: patchset.value.trim(),
        settings: { hypotest: true, limit: limits.value },
      })
      job.value = { jobId, fraction: 0, message: '' }
      await follow(jobId, project.current?.path)
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function cancel(): Promise<void> {
    const jobId = job.value?.jobId
    if (jobId) await api.call('jobs.cancel', { jobId })
  }

  watch(
    () => project.current?.path,
    async (path) => {
      job.value = null
      result.value = null
      error.value = null
      if (!path) return
      const saved = JSON.parse(localStorage.getItem(memoryKey(path)) ?? 'null') as {
        workspace: string
        patchset: string
      } | null
      workspace.value = saved?.workspace ?? ''
      patchset.value = saved?.patchset ?? ''
      const running = await runningJob(['fit.grid'], path).catch(() => null)
      if (project.current?.path !== path) return
      if (running && !job.value) {
        job.value = { jobId: running.id, fraction: running.fraction, message: running.message }
        void follow(running.id, path)
      }
      const last = await lastRecorded().catch(() => null)
      if (project.current?.path === path && !result.value) result.value = last
    },
    { immediate: true },
  )

  return { workspace, patchset, limits, job, result, error, run, cancel }
})
