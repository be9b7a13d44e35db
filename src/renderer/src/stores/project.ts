/**
 * The open project and the recent list; every change is saved by the engine as it happens.
 * Leaving a project (close, open or create another) while some of its jobs run asks first
 * (`question`): cancel them, keep them running (their results are still stored in it), or stay.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  JobEvent,
  JobInfo,
  ProjectSummary,
  RecentProject,
  RunningJobsChoice,
} from '../../../shared/api'
import { api } from '../api'
import { writeAsking } from '../api/overwrite'

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
    action: (running: RunningJobsChoice | undefined) => Promise<ProjectSummary | null | undefined>,
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

  /**
   * Runs a project action; a failure is shown and leaves the current project as it was. An
   * action that resolves undefined was declined by the user (an existing file kept): nothing
   * changes and it reports false.
   */
  async function attempt(
    action: () => Promise<ProjectSummary | null | undefined>,
  ): Promise<boolean> {
    error.value = null
    generation++
    try {
      const next = await action()
      if (next === undefined) return false
      current.value = next
      recent.value = await api.call('project.recent', {})
      return true
    } catch (e) {
      error.value = (e as Error).message
      return false
    }
  }

  /** A write that asks before replacing a file; undefined when the user kept the file. */
  async function replacing(
    write: (overwrite: boolean) => Promise<ProjectSummary>,
    confirmed: boolean,
  ): Promise<ProjectSummary | undefined> {
    return (await writeAsking(write, confirmed)) ?? undefined
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
    /** `confirmed`: the path comes from a native save dialog, which asked about replacing. */
    create: (path: string, name?: string, confirmed = false) =>
      leave((running) =>
        replacing(
          (overwrite) => api.call('project.create', { path, name, overwrite, running }),
          confirmed,
        ),
      ),
    open: (path: string) =>
      path === current.value?.path
        ? attempt(() => api.call('project.open', { path }))
        : leave((running) => api.call('project.open', { path, running })),
    saveAs: (path: string, confirmed = false) =>
      attempt(() =>
        replacing((overwrite) => api.call('project.saveAs', { path, overwrite }), confirmed),
      ),
    close: () => leave((running) => api.call('project.close', { running })),
    rename: (name: string) => attempt(() => api.call('project.rename', { name })),
    /** The runs recorded in the open project, oldest first. */
    runs: () => api.call('project.runs', {}),
    /** How many samples, regions, models (classifiers and anomaly) and workspaces it holds. */
    contents: async () => {
      const [samples, regions, models, anomaly, workspaces] = await Promise.all([
        api.call('data.samples', {}),
        api.call('cuts.regions', {}),
        api.call('train.models', {}),
        api.call('anomaly.models', {}),
        api.call('fit.workspaces', {}),
      ])
      return {
        samples: samples.length,
        regions: regions.length,
        models: models.length + anomaly.length,
        workspaces: workspaces.length,
      }
    },
    /** Creates (or reuses) the demo project in the config folder; resolves with its path. */
    createDemo: () => api.call('project.createDemo', {}),
    /**
     * Writes the open project as a SPEC.json, asking before replacing a file (`confirmed`: a
     * native save dialog asked); null when the user kept the file.
     */
    exportSpec: (path: string, confirmed = false) =>
      writeAsking((overwrite) => api.call('spec.export', { path, overwrite }), confirmed),
    /**
     * Builds a project file from a SPEC.json (a job; `onEvent` hears its progress), asking
     * before replacing a file; null when the user kept the file.
     */
    openSpec: (spec: string, project: string, onEvent?: (e: JobEvent) => void) =>
      writeAsking((overwrite) => api.runJob('spec.open', { spec, project, overwrite }, onEvent)),
  }
})
