/**
 * Work that can run somewhere else (DESIGN.md §10): a worker thread of this machine or a
 * `hepwb worker` of a cluster. What crosses is a Task — a registered kind and a payload that is
 * a description (spec-like JSON: files, expressions, the partition), never live objects; the
 * other side looks the kind up in the registry (app/tasks.ts imports every kind) and runs it.
 * Executors (inline, pool, cluster) run a list of tasks and hand the results back in task
 * order, so a use case that merges them in that order gets the same answer from all three.
 */
import type { JobContext } from '../jobs/context'
import { runInOrder } from './executor'

/** One unit of work: `kind` names a handler registered with defineTask; `payload` is its input. */
export interface Task {
  readonly kind: string
  /** Structured-cloneable and JSON-encodable through app/task-codec (typed arrays allowed). */
  readonly payload: unknown
}

/** Runs one task's payload; pure and idempotent (a retried task gives the same result). */
export type TaskHandler = (payload: unknown, ctx: JobContext) => Promise<unknown>

const handlers = new Map<string, TaskHandler>()
/** Kinds registered by defineLazyTask whose module has not been loaded yet. */
const lazy = new Set<string>()

/**
 * Registers the handler of `kind` (once per kind; a second registration is a programming error,
 * except over a defineLazyTask placeholder, which the loaded module replaces).
 */
export function defineTask(kind: string, handler: TaskHandler): void {
  if (handlers.has(kind) && !lazy.has(kind)) throw new Error(`task kind '${kind}' is defined twice`)
  lazy.delete(kind)
  handlers.set(kind, handler)
}

/**
 * Registers `kind` whose defining module `load` imports at the kind's first task, so a worker
 * that never runs it never loads its code (a tuning trial's TensorFlow.js in a worker thread
 * that only fills histograms).
 */
export function defineLazyTask(kind: string, load: () => Promise<unknown>): void {
  if (handlers.has(kind)) return
  lazy.add(kind)
  handlers.set(kind, async (payload, ctx) => {
    await load()
    const handler = handlers.get(kind)
    if (!handler || lazy.has(kind)) throw new Error(`loading task kind '${kind}' did not define it`)
    return handler(payload, ctx)
  })
}

/** Runs `task` in this process with its registered handler. */
export function runTask(task: Task, ctx: JobContext): Promise<unknown> {
  const handler = handlers.get(task.kind)
  if (!handler) throw new Error(`no task kind '${task.kind}' in this engine`)
  return handler(task.payload, ctx)
}

/** The registered kinds (a worker reports them; tests check every kind is registered). */
export function taskKinds(): string[] {
  return [...handlers.keys()].sort()
}

/**
 * What a running task sends back before its result, when the run asks for it (TaskExecutor.run's
 * `onMessage`): the task's own `ctx.metric` and `ctx.log` calls (a tuning trial's per-epoch
 * values for the Tune view's live curves). Plain data: it crosses threads and Redis.
 */
export type TaskMessage =
  | {
      readonly type: 'metric'
      readonly name: string
      readonly step: number
      readonly value: number
    }
  | { readonly type: 'log'; readonly message: string }

/**
 * `ctx` for a task whose metrics and log lines go to `send` (the run's per-task channel) instead
 * of `ctx`: the same on every executor — in this process, in a worker thread, on a cluster worker.
 */
export function messageContext(ctx: JobContext, send: (message: TaskMessage) => void): JobContext {
  return {
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(f, m),
    metric: (name, step, value) => send({ type: 'metric', name, step, value }),
    log: (message) => send({ type: 'log', message }),
    throwIfCancelled: () => ctx.throwIfCancelled(),
    ...(ctx.gate ? { gate: ctx.gate } : {}),
  }
}

/** Where tasks run. */
export interface TaskExecutor {
  /** For the status bar and logs: "this process", "2 threads", "cluster redis://h:6379". */
  describe(): string
  /**
   * Runs every task and calls `onResult(index, result)` in task-index order (a result that
   * finishes early waits for the ones before it), so callers can merge as results come and
   * hold no more than the out-of-order ones. `ctx.progress` runs 0 → 1 by finished tasks,
   * weighted by `weights` (e.g. entries per partition) when given. Cancelling `ctx.signal`
   * removes the queued tasks and stops the running ones, then throws CancelledError. The
   * first failing task's error is thrown (with what it ran on in the message).
   * `onMessage`, when given, opens a channel per task: what the task reports through its
   * context's `metric` and `log` while it runs comes back as `onMessage(index, message)`, each
   * task's messages in the order sent and before its result. Without it, only results cross
   * (a task run in this process still reports to `ctx`).
   */
  run(
    tasks: readonly Task[],
    ctx: JobContext,
    onResult: (index: number, result: unknown) => void,
    weights?: readonly number[],
    onMessage?: (index: number, message: TaskMessage) => void,
  ): Promise<void>
  /** Frees threads and connections; the executor is not used after. */
  close(): Promise<void>
}

/**
 * One task after the other in this process, on the same loop as a use case's partitions
 * (app/executor.ts runInOrder): each task reports its progress within its own share of the job.
 */
export const inlineExecutor: TaskExecutor = {
  describe: () => 'this process',
  run: (tasks, ctx, onResult, weights, onMessage) =>
    runInOrder(
      tasks.length,
      (i, c) => runTask(tasks[i], onMessage ? messageContext(c, (m) => onMessage(i, m)) : c),
      onResult,
      ctx,
      weights,
    ),
  async close() {},
}
