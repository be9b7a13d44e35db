/**
 * A worker thread of the pool (cluster/pool.ts): every task kind and every event-source kind
 * registered, then one call per task. Sources and opened samples stay cached in the thread
 * between tasks (app/source-description.ts).
 */
import './task-kinds'
import { runTask } from '../app/task'
import { silentContext } from '../jobs/context'
import type { WorkerRequest } from './pool'
import { threadChannel } from './task-channel'

/**
 * Runs one task; piscina calls this with what runOnPool submitted. With a port, what the task
 * reports through its context goes back on it (cluster/task-channel.ts).
 */
export default async function runWorkerTask(request: WorkerRequest): Promise<unknown> {
  if (!request.port) return runTask(request.task, silentContext())
  const channel = threadChannel(request.port, silentContext())
  try {
    return await runTask(request.task, channel.ctx)
  } finally {
    channel.done()
  }
}
