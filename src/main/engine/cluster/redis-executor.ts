/**
 * The cluster executor: runs tasks as BullMQ jobs on a Redis server, taken by `hepwb worker`s on
 * any machine that sees the same files. One run queues its tasks at once (each job carries the
 * engine version, the run id, the task index and the payload as app/task-codec text), waits for
 * their results through BullMQ's queue events and hands them back in task order.
 *
 * Failure handling: an unreachable Redis fails before anything is queued; a Redis that stops
 * answering during the run fails it after `unreachableMs` (the connections retry meanwhile);
 * a task that fails (or is refused by a worker of another engine version) fails the run with
 * the worker's message; a worker killed mid-task loses nothing — BullMQ's stalled-job check puts
 * its task back in the queue for another worker (tasks are idempotent). Cancelling removes the
 * queued jobs, tells the workers to stop the running ones, and throws CancelledError.
 */
import { randomUUID } from 'node:crypto'
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Task, TaskExecutor, TaskMessage } from '../app/task'
import { decodeTaskValue, encodeTaskValue } from '../app/task-codec'
import { CancelledError, type JobContext } from '../jobs/context'
import { appVersion } from '../version'
import {
  connectChecked,
  maskedUrl,
  openRedis,
  redisProblem,
  within,
  type ClusterAddress,
} from './connection'
import {
  CANCEL_CHANNEL,
  PREFIX,
  QUEUE,
  cancelledKey,
  jobId,
  type TaskJobData,
  type TaskMessageProgress,
} from './protocol'
import { listWorkers } from './registry'

export interface ClusterExecutorOptions {
  /** A run fails when Redis has not answered for this long (ms, default 15 000). */
  readonly unreachableMs?: number
  /** The engine version the jobs carry (default: this package's); workers must match it. */
  readonly version?: string
  /** How often unfinished jobs are looked up directly, besides the queue events (ms). */
  readonly pollMs?: number
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** What the run waits on: each task's result text, or the run's failure. */
interface Pending {
  readonly results: (string | undefined)[]
  remaining: number
  fail(e: Error): void
  settle(index: number, text: string): void
}

/** A TaskExecutor on the cluster at `address`. Connections open per run and close after it. */
export function clusterExecutor(
  address: ClusterAddress,
  options: ClusterExecutorOptions = {},
): TaskExecutor {
  const unreachableMs = options.unreachableMs ?? 15_000
  const pollMs = options.pollMs ?? 2000
  const version = options.version ?? appVersion()
  return {
    describe: () => `cluster ${maskedUrl(address.url)}`,
    async run(tasks, ctx, onResult, weights, onMessage) {
      if (!tasks.length) return
      ctx.throwIfCancelled()
      const check = await connectChecked(address)
      check.disconnect()
      await runOnCluster(address, tasks, ctx, onResult, weights, {
        unreachableMs,
        pollMs,
        version,
        onMessage,
      })
    },
    async close() {},
  }
}

async function runOnCluster(
  address: ClusterAddress,
  tasks: readonly Task[],
  ctx: JobContext,
  onResult: (index: number, result: unknown) => void,
  weights: readonly number[] | undefined,
  options: {
    unreachableMs: number
    pollMs: number
    version: string
    onMessage?: (index: number, message: TaskMessage) => void
  },
): Promise<void> {
  const run = randomUUID()
  const ids = tasks.map((_, i) => jobId(run, i))
  const w = weights ?? tasks.map(() => 1)
  const total = w.reduce((s, x) => s + x, 0) || 1
  // Loaded here, not with the module: a worker thread imports this module through the
  // project source and the settings, and BullMQ's load (≈ 0.3 s) delayed every thread's start.
  const { Job, Queue, QueueEvents } = await import('bullmq')
  const redis = openRedis(address)
  const queue = new Queue<TaskJobData>(QUEUE, { connection: redis, prefix: PREFIX })
  const eventsConnection = openRedis(address, { blocking: true })
  const events = new QueueEvents(QUEUE, { connection: eventsConnection, prefix: PREFIX })
  const timers: NodeJS.Timeout[] = []
  let finished = false

  // The run's outcome: resolved when every result is delivered, rejected on the first failure.
  let resolveRun: () => void = () => {}
  let failRun: (e: Error) => void = () => {}
  const done = new Promise<void>((resolve, reject) => {
    resolveRun = resolve
    failRun = reject
  })
  done.catch(() => {}) // handled where it is awaited; a failure before that is not "unhandled"
  // Handed-back results wait here until every task before them has been delivered.
  let next = 0
  let doneWeight = 0
  const pending: Pending = {
    results: new Array<string | undefined>(tasks.length),
    remaining: tasks.length,
    fail: (e) => failRun(e),
    settle(index, text) {
      if (finished || this.results[index] !== undefined) return
      this.results[index] = text
      this.remaining--
      doneWeight += w[index] ?? 1
      ctx.progress(doneWeight / total, `${tasks.length - this.remaining}/${tasks.length} tasks`)
      try {
        while (next < tasks.length && this.results[next] !== undefined) {
          onResult(next, decodeTaskValue(this.results[next] as string))
          this.results[next] = '' // delivered: keep no more than the out-of-order ones
          next++
        }
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(message(e)))
        return
      }
      if (this.remaining === 0) resolveRun()
    },
  }
  const indexOf = (id: string): number | undefined => {
    if (!id.startsWith(`${run}-`)) return undefined
    const i = Number(id.slice(run.length + 1))
    return Number.isInteger(i) && i >= 0 && i < tasks.length ? i : undefined
  }
  const failedTask = (i: number, reason: string) =>
    new Error(
      reason === 'cancelled'
        ? `task ${i} (${tasks[i].kind}) was cancelled on its worker`
        : reason.includes(tasks[i].kind) || /refused/.test(reason)
          ? reason
          : `${tasks[i].kind} task ${i} failed: ${reason}`,
    )

  // Connection trouble is the watchdog's to report (below), not the console's.
  queue.on('error', () => {})
  events.on('error', () => {})
  events.on('completed', ({ jobId: id, returnvalue }) => {
    const i = indexOf(id)
    if (i !== undefined) pending.settle(i, String(returnvalue))
  })
  // A task's messages: its worker sends each as the job's progress, before the result.
  const { onMessage } = options
  if (onMessage)
    events.on('progress', ({ jobId: id, data }) => {
      const i = indexOf(id)
      const text = (data as Partial<TaskMessageProgress> | null)?.message
      if (i === undefined || finished || pending.results[i] !== undefined) return
      if (typeof text !== 'string') return
      try {
        onMessage(i, decodeTaskValue(text) as TaskMessage)
      } catch (e) {
        pending.fail(e instanceof Error ? e : new Error(message(e)))
      }
    })
  events.on('failed', ({ jobId: id, failedReason }) => {
    const i = indexOf(id)
    if (i !== undefined) pending.fail(failedTask(i, failedReason))
  })

  // Redis gone for too long: fail instead of waiting for ever.
  let downSince: number | undefined
  let lastProblem = 'no answer'
  for (const c of [redis, eventsConnection])
    c.on('error', (e) => (lastProblem = redisProblem(address, e)))
  timers.push(
    setInterval(() => {
      const up = redis.status === 'ready' && eventsConnection.status === 'ready'
      if (up) downSince = undefined
      else if (downSince === undefined) downSince = Date.now()
      else if (Date.now() - downSince > options.unreachableMs) {
        pending.fail(
          new Error(
            `lost the cluster's Redis for ${Math.round(options.unreachableMs / 1000)} s during the run ` +
              `(${lastProblem}); ${pending.remaining} of ${tasks.length} tasks had not finished`,
          ),
        )
      }
    }, 250),
  )

  // Besides the events (which a reconnect can miss), look the unfinished jobs up now and then.
  timers.push(
    setInterval(() => {
      void (async () => {
        for (let i = next; i < tasks.length && !finished; i++) {
          if (pending.results[i] !== undefined) continue
          const job = await Job.fromId<TaskJobData>(queue, ids[i]).catch(() => undefined)
          if (!job || finished) continue
          if (job.failedReason && job.finishedOn) pending.fail(failedTask(i, job.failedReason))
          else if (job.finishedOn) pending.settle(i, String(job.returnvalue))
        }
      })()
    }, options.pollMs),
  )

  const onAbort = () => pending.fail(new CancelledError())
  ctx.signal.addEventListener('abort', onAbort, { once: true })
  try {
    const ready = within(events.waitUntilReady(), options.unreachableMs, () => {
      throw new Error(redisProblem(address, new Error('timed out')))
    })
    await Promise.race([ready, done])
    const workers = await listWorkers(redis)
    ctx.progress(
      0,
      workers.length
        ? `${tasks.length} tasks queued for ${workers.length} workers`
        : `${tasks.length} tasks queued; no worker is running yet`,
    )
    await Promise.race([
      queue.addBulk(
        tasks.map((task, index) => ({
          name: task.kind,
          data: {
            version: options.version,
            run,
            index,
            kind: task.kind,
            payload: encodeTaskValue(task.payload, `payload of ${task.kind} task ${index}`),
            ...(options.onMessage ? { messages: true } : {}),
          },
          opts: {
            jobId: ids[index],
            attempts: 1,
            // A backstop: the run removes its jobs itself; these go even if it cannot.
            removeOnComplete: { age: 24 * 3600 },
            removeOnFail: { age: 24 * 3600 },
          },
        })),
      ),
      done,
    ])
    await done
  } catch (e) {
    // Cancelled, a task failed or Redis is gone: the other tasks are of no use any more.
    if (redis.status === 'ready') {
      await within(cancelRun(redis, queue, run, ids), 3000, () => undefined).catch(() => {})
    }
    if (ctx.signal.aborted) throw new CancelledError()
    throw e instanceof Error ? e : new Error(message(e))
  } finally {
    finished = true
    for (const t of timers) clearInterval(t)
    ctx.signal.removeEventListener('abort', onAbort)
    // Tidy up only while Redis answers: a lost Redis must not hold the error back.
    if (redis.status === 'ready') {
      await within(removeJobs(queue, ids), 5000, () => undefined).catch(() => {})
      await within(events.close(), 1000, () => undefined).catch(() => {})
      await within(queue.close(), 1000, () => undefined).catch(() => {})
    }
    eventsConnection.disconnect()
    redis.disconnect()
  }
}

/** Announces the cancel to the workers and removes the run's queued jobs. */
async function cancelRun(redis: Redis, queue: Queue, run: string, ids: readonly string[]) {
  await redis.set(cancelledKey(run), '1', 'EX', 3600)
  await redis.publish(CANCEL_CHANNEL, run)
  await removeJobs(queue, ids)
}

/** Removes the run's jobs that are not running (a running one is locked and left to expire). */
async function removeJobs(queue: Queue, ids: readonly string[]) {
  for (const id of ids) await queue.remove(id).catch(() => 0)
}
