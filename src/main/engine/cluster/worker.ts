/**
 * A worker thread of the pool (cluster/pool.ts): every task kind and every event-source kind
 * registered, then one call per task. Sources and opened samples stay cached in the thread
 * between tasks (app/source-description.ts).
 */
import './task-kinds'
import { runTask } from '../app/task'
import { silentContext } from '../jobs/context'
import type { WorkerRequest } from './pool'

/** Runs one task; piscina calls this with what runOnPool submitted. */
export default function runWorkerTask(request: WorkerRequest): Promise<unknown> {
  return runTask(request.task, silentContext())
}
