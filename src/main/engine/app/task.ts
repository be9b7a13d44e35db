/**
 * Work that can run somewhere else (DESIGN.md §10): a worker thread of this machine or a
 * `hepwb worker` of a cluster. What crosses is a Task — a registered kind and a payload that is
 * a description (spec-like JSON: files, expressions, the partition), never live objects; the
 * other side looks the kind up in the registry (app/tasks.ts imports every kind) and runs it.
 * Executors (inline, pool, cluster) run a list of tasks and hand the results back in task
 * order, so a use case that merges them in that order gets the same answer from all three.
 */
import type { JobContext } from '../jobs/context'

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
   */
  run(
    tasks: readonly Task[],
    ctx: JobContext,
    onResult: (index: number, result: unknown) => void,
    weights?: readonly number[],
  ): Promise<void>
  /** Frees threads and connections; the executor is not used after. */
  close(): Promise<void>
}

/** One task after the other in this process. */
export const inlineExecutor: TaskExecutor = {
  describe: () => 'this process',
  async run(tasks, ctx, onResult, weights) {
    const w = weights ?? tasks.map(() => 1)
    const total = w.reduce((s, x) => s + x, 0) || 1
    let done = 0
    for (const [i, task] of tasks.entries()) {
      ctx.throwIfCancelled()
      onResult(i, await runTask(task, ctx))
      done += w[i] ?? 1
      ctx.progress(done / total)
    }
  },
  async close() {},
}
