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

  async function refresh(): Promise<void> {
    current.value = await api.call('project.current', {})
    recent.value = await api.call('project.recent', {})
    loaded.value = true
  }

  /** Runs a project action; a failure is shown and leaves the current project as it was. */
  async function attempt(action: () => Promise<ProjectSummary | null>): Promise<boolean> {
    error.value = null
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
