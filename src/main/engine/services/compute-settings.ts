/**
 * Where the window's passes over events run, from the project's settings: `compute.threads`
 * (worker threads; 1: in the engine process itself; default: the machine's cores) and
 * `compute.memory` (bytes; default: a quarter of the machine's memory), edited with
 * data.putSetting; every service's event source takes its executor and budget from here.
 * Settings → Cluster (services/cluster.ts) can send the work to a cluster instead.
 */
import { defaultMemoryBudget } from '../app/memory-budget'
import type { TaskExecutor } from '../app/task'
import { defaultThreads, sharedPool } from '../cluster/pool'
import { clusterChoice } from './cluster'
import { getSettings } from '../store/samples'
import type { Project } from '../store/project'

export const THREADS_SETTING = 'compute.threads'
/** The memory budget of passes over events, in bytes (app/memory-budget.ts). */
export const MEMORY_SETTING = 'compute.memory'

/** The number of worker threads the project asks for (a bad value: the default). */
export function threadsSetting(project: Project): number {
  const v = getSettings(project, THREADS_SETTING)[THREADS_SETTING]
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : defaultThreads()
}

/** The project's memory budget in bytes (default: a quarter of the machine's memory). */
export function memorySetting(project: Project): number {
  const v = getSettings(project, MEMORY_SETTING)[MEMORY_SETTING]
  return typeof v === 'number' && v >= 2 ** 16 ? Math.floor(v) : defaultMemoryBudget()
}

/**
 * The executor of the settings: the cluster when Settings → Cluster says work runs there, else
 * the engine's shared pool of the project's threads, or none (one thread). Pure worker threads,
 * unlike the CLI's pool (no main lane, cli/run-options.ts): the engine thread must stay
 * responsive to the window's requests while a pass runs.
 */
export function settingExecutor(project: Project): TaskExecutor | undefined {
  return clusterChoice() ?? sharedPool(threadsSetting(project))
}
