/**
 * Settings → Cluster: the named cluster, where work runs, and the connection test with the live
 * workers (refreshed every few seconds while the Settings view shows them).
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ClusterState, ClusterStatus, ExecutionPlace } from '../../../shared/contract/cluster'
import { api } from '../api'

function text(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export const useClusterStore = defineStore('cluster', () => {
  const state = ref<ClusterState>({ place: 'local', url: null, hasPassword: false })
  const status = ref<ClusterStatus | null>(null)
  const error = ref<string | null>(null)
  const testing = ref(false)

  async function load(): Promise<void> {
    try {
      state.value = await api.call('cluster.get', {})
      error.value = null
    } catch (e) {
      error.value = text(e)
    }
  }

  /** Saves the cluster and the choice; `password` undefined keeps the stored one. */
  async function save(url: string, password: string | undefined, place: ExecutionPlace) {
    try {
      state.value = await api.call('cluster.set', { url, password, place })
      error.value = null
      return true
    } catch (e) {
      error.value = text(e)
      return false
    }
  }

  /** Connects (to `url` as typed, or the saved cluster) and lists the live workers. */
  async function test(url?: string, password?: string): Promise<void> {
    testing.value = true
    try {
      status.value = await api.call('cluster.status', {
        ...(url ? { url } : {}),
        ...(password ? { password } : {}),
      })
      error.value = null
    } catch (e) {
      status.value = null
      error.value = text(e)
    } finally {
      testing.value = false
    }
  }

  return { state, status, error, testing, load, save, test }
})
