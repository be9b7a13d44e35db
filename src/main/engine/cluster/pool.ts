/**
 * The worker-thread pool (DESIGN.md §10): a TaskExecutor that runs tasks on N threads of this
 * process through piscina (a maintained pool: queueing, abort of queued and running tasks,
 * thread restart after a crash — nothing of which is ours to get wrong). Each thread loads
 * cluster/worker.ts, which registers every task kind; results come back by structured clone
 * and are handed on in task order, so the merge — and the answer — is the inline one.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Piscina } from 'piscina'
import { CancelledError, type JobContext } from '../jobs/context'
import type { MessagePort } from 'node:worker_threads'
import type { Task, TaskExecutor, TaskMessage } from '../app/task'
import { openTaskChannel } from './task-channel'

/** What a worker thread receives for one task. */
export interface WorkerRequest {
  readonly task: Task
  /** The task's message channel, when the run asked for its messages (task-channel.ts). */
  readonly port?: MessagePort
}

/**
 * The worker's entry: out/main/worker.js beside the bundle that imports this (electron-vite
 * builds it), else the source tree's worker-source.cjs, which loads the TypeScript through tsx
 * (tests, `npm run bench`).
 */
export function workerEntry(): string {
  // The bundler may put this module in out/main/chunks/: the entry is beside or above it.
  for (const dir of [__dirname, join(__dirname, '..')]) {
    const built = join(dir, 'worker.js')
    if (existsSync(built)) return built
  }
  return pathToFileURL(join(__dirname, 'worker-source.cjs')).href
}

/** The default number of threads: the machine's cores. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism())
}

/**
 * A pool of `threads` worker threads (≥ 1), started at its first run (a command that never
 * has more than one partition starts none); close() when done.
 */
export function poolExecutor(threads = defaultThreads()): TaskExecutor {
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new RangeError(`the number of threads must be an integer ≥ 1, got ${threads}`)
  let pool: Piscina<WorkerRequest, unknown> | undefined
  const started = () => {
    if (pool) return pool
    pool = new Piscina<WorkerRequest, unknown>({
      filename: workerEntry(),
      minThreads: threads,
      maxThreads: threads,
      // Threads stay up between runs: each keeps the sources and samples it opened.
      idleTimeout: 60_000,
    })
    // piscina reports a result that arrives from a thread whose task was just aborted (a
    // cancel or a failed sibling racing the thread's last message) as an 'error' event;
    // unheard, it would throw in the engine process. The aborted run was already answered.
    pool.on('error', () => {})
    return pool
  }
  return {
    describe: () => `${threads} thread${threads === 1 ? '' : 's'}`,
    run: (tasks, ctx, onResult, weights, onMessage) =>
      runOnPool(started(), threads, tasks, ctx, onResult, weights, onMessage),
    close: async () => {
      await pool?.destroy()
      pool = undefined
    },
  }
}

let shared: { threads: number; executor: TaskExecutor } | undefined

/**
 * The engine process's pool of `threads` threads, kept between requests (its threads keep the
 * samples they opened); a different count closes the old one and starts a new one. Undefined
 * for one thread: work then runs in this process, without a thread of its own.
 */
export function sharedPool(threads: number): TaskExecutor | undefined {
  if (threads <= 1) return undefined
  if (shared?.threads !== threads) {
    void shared?.executor.close()
    shared = { threads, executor: poolExecutor(threads) }
  }
  return shared.executor
}

/**
 * Runs `tasks` with at most 2 × threads submitted ahead of the next result to hand on (so
 * out-of-order results held in memory stay bounded), results delivered in task order.
 */
async function runOnPool(
  pool: Piscina<WorkerRequest, unknown>,
  threads: number,
  tasks: readonly Task[],
  ctx: JobContext,
  onResult: (index: number, result: unknown) => void,
  weights?: readonly number[],
  onMessage?: (index: number, message: TaskMessage) => void,
): Promise<void> {
  ctx.throwIfCancelled()
  const w = weights ?? tasks.map(() => 1)
  const total = w.reduce((s, x) => s + x, 0) || 1
  const ahead = 2 * threads
  const abort = new AbortController()
  const cancel = () => abort.abort()
  ctx.signal.addEventListener('abort', cancel)
  const results = new Map<number, unknown>()
  let next = 0 // next index to hand on
  let submitted = 0
  let done = 0
  let failure: unknown
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        if (failure !== undefined) return
        failure = e
        abort.abort() // the other tasks are of no use now
        reject(e)
      }
      const submit = () => {
        while (failure === undefined && submitted < tasks.length && submitted < next + ahead) {
          const i = submitted++
          const task = tasks[i]
          const channel = onMessage && openTaskChannel((m) => onMessage(i, m))
          const running = channel
            ? channel.settle(
                pool.run(
                  { task, port: channel.port },
                  { signal: abort.signal, transferList: [channel.port] },
                ),
              )
            : pool.run({ task }, { signal: abort.signal })
          running.then(
            (r) => {
              if (failure !== undefined) return
              results.set(i, r)
              done += w[i] ?? 1
              ctx.progress(done / total)
              try {
                while (results.has(next)) {
                  const result = results.get(next)
                  results.delete(next)
                  onResult(next++, result)
                }
              } catch (e) {
                fail(e)
                return
              }
              if (next === tasks.length) resolve()
              else submit()
            },
            (e: unknown) =>
              fail(ctx.signal.aborted ? new CancelledError() : taskError(e, task, i, tasks.length)),
          )
        }
      }
      if (tasks.length === 0) resolve()
      else submit()
    })
  } finally {
    ctx.signal.removeEventListener('abort', cancel)
  }
}

/** A worker's error with what it ran on (the kind and task number) in the message. */
function taskError(e: unknown, task: Task, index: number, count: number): Error {
  const message = e instanceof Error ? e.message : String(e)
  return new Error(
    `${message} (task '${task.kind}' ${index + 1} of ${count}, in a worker thread)`,
    {
      cause: e,
    },
  )
}
