/**
 * Where the window's passes over events run, from the project's settings: `compute.threads`
 * (worker threads; 1: in the engine process itself; default: the machine's cores). The Project
 * view edits it (data.putSetting); every service's event source takes its executor from here.
 * Settings → Cluster (services/cluster.ts) can send the work to a cluster instead.
 */
import type { TaskExecutor } from '../app/task'
import { defaultThreads, sharedPool } from '../cluster/pool'
import { clusterChoice } from './cluster'
import { getSettings } from '../store/samples'
import type { Project } from '../store/project'

export const THREADS_SETTING = 'compute.threads'

/** The number of worker threads the project asks for (a bad value: the default). */
export function threadsSetting(project: Project): number {
  const v = getSettings(project, THREADS_SETTING)[THREADS_SETTING]
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : defaultThreads()
}

/**
 * The executor of the settings: the cluster when Settings → Cluster says work runs there, else
 * the engine's shared pool of the project's threads, or none (one thread).
 */
export function settingExecutor(project: Project): TaskExecutor | undefined {
  return clusterChoice() ?? sharedPool(threadsSetting(project))
}
