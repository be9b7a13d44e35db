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
import {
  messageContext,
  runTask,
  type Task,
  type TaskExecutor,
  type TaskMessage,
} from '../app/task'
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

/** How a pool runs its tasks. */
export interface PoolOptions {
  /**
   * This thread is one of the `threads` lanes (`threads − 1` worker threads start): it takes
   * tasks from the same queue as the workers and runs them inline (runTask), so a command that
   * has nothing else to do saves one thread's start-up and warm-up. Only for a process whose
   * thread may be busy for a partition at a time (the CLI); the window's engine keeps pure
   * worker threads so that it stays responsive to requests.
   */
  readonly mainLane?: boolean
}

/**
 * A pool of `threads` lanes (≥ 1): worker threads, started at its first run (a command that
 * never has more than one partition starts none), and with `mainLane` this thread; close()
 * when done.
 */
export function poolExecutor(
  threads = defaultThreads(),
  { mainLane = false }: PoolOptions = {},
): TaskExecutor {
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new RangeError(`the number of threads must be an integer ≥ 1, got ${threads}`)
  const workers = mainLane ? threads - 1 : threads
  let pool: Piscina<WorkerRequest, unknown> | undefined
  const started = () => {
    if (pool) return pool
    pool = new Piscina<WorkerRequest, unknown>({
      filename: workerEntry(),
      minThreads: workers,
      maxThreads: workers,
      // Threads stay up between runs: each keeps the sources and samples it opened.
      idleTimeout: 60_000,
    })
    // piscina reports a result that arrives from a thread whose task was just aborted (a
    // cancel or a failed sibling racing the thread's last message) as an 'error' event;
    // unheard, it would throw in the engine process. The aborted run was already answered.
    pool.on('error', () => {})
    return pool
  }
  const lanes = { threads, workers, mainLane }
  return {
    // The same words with or without a main lane: N threads work on the tasks either way.
    describe: () => `${threads} thread${threads === 1 ? '' : 's'}`,
    run: async (tasks, ctx, onResult, weights, onMessage) => {
      // The main lane runs any kind in this thread: register them all, as a worker does.
      if (mainLane) await import('./task-kinds')
      return runOnPool(
        workers > 0 ? started() : undefined,
        lanes,
        tasks,
        ctx,
        onResult,
        weights,
        onMessage,
      )
    },
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
 * out-of-order results held in memory stay bounded), results delivered in task order. With a
 * main lane, the workers hold one task each and this thread takes the next one from the same
 * queue whenever it is free; its task's reads yield to the event loop, which hands the workers
 * their next task meanwhile.
 */
async function runOnPool(
  pool: Piscina<WorkerRequest, unknown> | undefined,
  lanes: { threads: number; workers: number; mainLane: boolean },
  tasks: readonly Task[],
  ctx: JobContext,
  onResult: (index: number, result: unknown) => void,
  weights?: readonly number[],
  onMessage?: (index: number, message: TaskMessage) => void,
): Promise<void> {
  ctx.throwIfCancelled()
  const w = weights ?? tasks.map(() => 1)
  const total = w.reduce((s, x) => s + x, 0) || 1
  const ahead = 2 * lanes.threads
  // Without a main lane piscina queues what its threads have not taken yet.
  const perWorkers = lanes.mainLane ? lanes.workers : Infinity
  const abort = new AbortController()
  let cancel = () => abort.abort()
  const onCancel = () => cancel()
  ctx.signal.addEventListener('abort', onCancel)
  const results = new Map<number, unknown>()
  let next = 0 // next index to hand on
  let submitted = 0
  let done = 0
  let inPool = 0
  let failure: unknown
  let lane: Promise<void> | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        if (failure !== undefined) return
        failure = e
        abort.abort() // the other tasks are of no use now
        reject(e)
      }
      // The main lane may be between tasks when the run is cancelled: nothing else would answer.
      cancel = () => fail(new CancelledError())
      const failed = (e: unknown, i: number, where: string) =>
        fail(
          ctx.signal.aborted
            ? new CancelledError()
            : taskError(e, tasks[i], i, tasks.length, where),
        )
      const more = () =>
        failure === undefined && submitted < tasks.length && submitted < next + ahead
      const finished = (i: number, r: unknown) => {
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
      }
      const onWorker = (i: number) => {
        const task = tasks[i]
        const channel = onMessage && openTaskChannel((m) => onMessage(i, m))
        const running = channel
          ? channel.settle(
              pool!.run(
                { task, port: channel.port },
                { signal: abort.signal, transferList: [channel.port] },
              ),
            )
          : pool!.run({ task }, { signal: abort.signal })
        running.then(
          (r) => {
            inPool--
            finished(i, r)
          },
          (e: unknown) => {
            inPool--
            failed(e, i, 'in a worker thread')
          },
        )
      }
      // This thread's lane: one task after the other while the queue has one, as the inline
      // executor runs them (runTask, messageContext); progress counts finished tasks only.
      const mainLane = async () => {
        while (more()) {
          const i = submitted++
          const base: JobContext = {
            signal: abort.signal,
            progress: () => {},
            metric: (name, step, value) => ctx.metric(name, step, value),
            log: (m) => ctx.log(m),
            throwIfCancelled: () => {
              if (abort.signal.aborted) throw new CancelledError()
            },
            ...(ctx.gate ? { gate: ctx.gate } : {}),
          }
          let r: unknown
          try {
            r = await runTask(
              tasks[i],
              onMessage ? messageContext(base, (m) => onMessage(i, m)) : base,
            )
          } catch (e) {
            failed(e, i, "in the command's thread")
            return
          }
          finished(i, r)
          // Let the workers' results and their next tasks through before the next inline task.
          await new Promise((resume) => setImmediate(resume))
        }
      }
      const submit = () => {
        while (pool && inPool < perWorkers && more()) {
          inPool++
          onWorker(submitted++)
        }
        if (lanes.mainLane && !lane && more())
          lane = mainLane().finally(() => {
            lane = undefined
          })
      }
      if (tasks.length === 0) resolve()
      else submit()
    })
  } finally {
    ctx.signal.removeEventListener('abort', onCancel)
    // A main-lane task still running (a sibling failed or the run was cancelled) ends first.
    await lane
  }
}

/** A worker's error with what it ran on (the kind and task number) in the message. */
function taskError(e: unknown, task: Task, index: number, count: number, where: string): Error {
  const message = e instanceof Error ? e.message : String(e)
  return new Error(`${message} (task '${task.kind}' ${index + 1} of ${count}, ${where})`, {
    cause: e,
  })
}
