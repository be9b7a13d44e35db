/**
 * A cluster worker (`hepwb worker`): takes tasks from the BullMQ queue on Redis, runs each with
 * its registered handler (app/task) and hands the result back through Redis. It registers itself
 * (host, pid, cores, engine version, current tasks) with a heartbeat, refuses tasks sent by
 * another engine version, stops a task whose run was cancelled, and on close finishes the tasks
 * it holds before it goes. A worker that dies without closing (kill -9) stops renewing its
 * tasks' locks; after `lockMs` another worker's stalled-job check puts them back in the queue.
 */
import { randomUUID } from 'node:crypto'
import { availableParallelism, hostname } from 'node:os'
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { WorkerInfo, WorkerTask } from '../../../shared/contract/cluster'
import {
  messageContext,
  runTask,
  type Task,
  type TaskExecutor,
  type TaskMessage,
} from '../app/task'
import { decodeTaskValue, encodeTaskValue } from '../app/task-codec'
import { CancelledError, type JobContext } from '../jobs/context'
import { appVersion } from '../version'
import { connectChecked, openRedis, within, type ClusterAddress } from './connection'
import {
  CANCEL_CHANNEL,
  PREFIX,
  QUEUE,
  cancelledKey,
  type TaskJobData,
  type TaskMessageProgress,
} from './protocol'
import { HEARTBEAT_MS, announceWorker, withdrawWorker } from './registry'
// Every task kind and event-source kind, as the pool's threads have them.
import './task-kinds'

export interface WorkerOptions {
  /** Tasks run at once (default: the machine's logical cores). */
  readonly concurrency?: number
  /**
   * How long a task stays locked to this worker without a renewal (ms, default 30 000): after a
   * crash its tasks go back to the queue within about twice this. Tasks must not block the
   * event loop for longer (the lock is renewed every lockMs / 2).
   */
  readonly lockMs?: number
  /** The engine version this worker announces and accepts (default: this package's). */
  readonly version?: string
  /** Lines for the worker's log (task started, finished, refused). */
  readonly log?: (line: string) => void
  /**
   * Where the tasks run: a pool of worker threads (cluster/pool.ts), so `concurrency` tasks use
   * as many cores; default: in this thread, one after the other between their awaits.
   */
  readonly runner?: TaskExecutor
}

export interface RunningWorker {
  /** The registry entry as now. */
  info(): WorkerInfo
  /** Stops taking tasks, finishes the running ones, leaves the registry and disconnects. */
  close(): Promise<void>
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** One task on `runner`, its result; its messages to `send` when given. */
async function runOne(
  runner: TaskExecutor,
  task: Task,
  ctx: JobContext,
  send?: (message: TaskMessage) => void,
): Promise<unknown> {
  let result: unknown
  await runner.run([task], ctx, (_, r) => (result = r), undefined, send && ((_, m) => send(m)))
  return result
}

/**
 * Sends a job's task messages as its progress, one after the other (so they reach the client in
 * order); `flushed()` resolves when all sent so far are in Redis (before the result goes).
 */
function progressSender(job: Job<TaskJobData>) {
  let sent: Promise<unknown> = Promise.resolve()
  return {
    send(message: TaskMessage) {
      const progress: TaskMessageProgress = {
        message: encodeTaskValue(message, `message of ${job.data.kind}`),
      }
      // A message that cannot be sent (Redis gone) is lost; the task's result decides.
      sent = sent.then(() => job.updateProgress(progress as object)).catch(() => {})
    },
    flushed: () => sent,
  }
}

/** Starts a worker on `address`; rejects with a clear error when Redis cannot be reached. */
export async function startWorker(
  address: ClusterAddress,
  options: WorkerOptions = {},
): Promise<RunningWorker> {
  const probe = await connectChecked(address)
  probe.disconnect()
  const log = options.log ?? (() => {})
  const version = options.version ?? appVersion()
  const lockMs = options.lockMs ?? 30_000
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()))
  const host = hostname()
  const current = new Map<string, WorkerTask>()
  const state = { id: `${host}-${process.pid}-${randomUUID().slice(0, 8)}`, done: 0 }
  const startedAt = Date.now()
  const info = (): WorkerInfo => ({
    id: state.id,
    host,
    pid: process.pid,
    cores: availableParallelism(),
    concurrency,
    version,
    startedAt,
    done: state.done,
    tasks: [...current.values()],
  })
  const who = `${host} (pid ${process.pid})`

  const redis = openRedis(address)
  const announce = () => announceWorker(redis, info()).catch(() => {})

  const processor = async (job: Job<TaskJobData>, _token?: string, signal?: AbortSignal) => {
    const data = job.data
    if (data.version !== version) {
      log(`refused ${data.kind} task ${data.index}: sent by engine ${data.version}`)
      throw new UnrecoverableError(
        `worker ${who} runs engine ${version} and refused a task sent by engine ` +
          `${data.version}: run workers of the same version as the window or CLI`,
      )
    }
    if (await redis.exists(cancelledKey(data.run))) throw new UnrecoverableError('cancelled')
    const id = job.id ?? ''
    current.set(id, { kind: data.kind, run: data.run, index: data.index, since: Date.now() })
    void announce()
    const abort = signal ?? new AbortController().signal
    const ctx: JobContext = {
      signal: abort,
      progress() {},
      metric() {},
      log: (m) => log(`${data.kind} ${data.index}: ${m}`),
      throwIfCancelled() {
        if (abort.aborted) throw new CancelledError()
      },
    }
    const messages = data.messages ? progressSender(job) : undefined
    try {
      const task = { kind: data.kind, payload: decodeTaskValue(data.payload) }
      const result = options.runner
        ? await runOne(options.runner, task, ctx, messages?.send)
        : await runTask(task, messages ? messageContext(ctx, messages.send) : ctx)
      await messages?.flushed()
      return encodeTaskValue(result, `result of ${data.kind}`)
    } catch (e) {
      if (e instanceof CancelledError || abort.aborted) throw new UnrecoverableError('cancelled')
      throw new UnrecoverableError(
        `${data.kind} task ${data.index} failed on worker ${who}: ${message(e)}`,
      )
    } finally {
      current.delete(id)
      state.done++
      void announce()
    }
  }

  const connection = openRedis(address, { blocking: true })
  const worker = new Worker<TaskJobData>(QUEUE, processor, {
    connection,
    prefix: PREFIX,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A task whose worker died twice is more likely the cause than the victim.
    maxStalledCount: 2,
    autorun: true,
  })
  worker.on('error', (e) => log(`queue error: ${message(e)}`))
  worker.on('completed', (job) => log(`done ${job.data.kind} task ${job.data.index}`))
  worker.on('failed', (job, e) =>
    log(`failed ${job?.data.kind} task ${job?.data.index}: ${e.message}`),
  )

  // Cancelled runs: stop their running tasks here (queued ones the client removes itself).
  const subscriber = openRedis(address, { blocking: true })
  subscriber.on('message', (_channel: string, run: string) => {
    for (const [id, task] of current) if (task.run === run) worker.cancelJob(id, 'cancelled')
  })
  await subscriber.subscribe(CANCEL_CHANNEL)

  await announce()
  const heartbeat = setInterval(() => void announce(), HEARTBEAT_MS)
  const where = options.runner ? options.runner.describe() : 'one thread'
  log(`worker ${state.id}: engine ${version}, ${concurrency} at once on ${where}, on ${who}`)

  let closing: Promise<void> | undefined
  return {
    info,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat)
        await worker.close() // waits for the running tasks
        await within(withdrawWorker(redis, state.id), 2000, () => undefined).catch(() => {})
        subscriber.disconnect()
        connection.disconnect()
        redis.disconnect()
        await options.runner?.close()
      })()
      return closing
    },
  }
}
