/** The open project and the recent list; every change is saved by the engine as it happens. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ProjectSummary, RecentProject } from '../../../shared/api'
import { api } from '../api'

export const useProjectStore = defineStore('project', () => {
  const current = ref<ProjectSummary | null>(null)
  const recent = ref<RecentProject[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)

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
    refresh,
    create: (path: string, name?: string) =>
      attempt(() => api.call('project.create', { path, name })),
    open: (path: string) => attempt(() => api.call('project.open', { path })),
    saveAs: (path: string) => attempt(() => api.call('project.saveAs', { path })),
    close: () => attempt(() => api.call('project.close', {})),
    rename: (name: string) => attempt(() => api.call('project.rename', { name })),
  }
})
