/**
 * What clients and `hepwb worker`s agree on in Redis: the BullMQ queue, the data of a job,
 * the cancel channel and the workers' registry keys. Every name lives under the `hepwb` prefix,
 * so a Redis shared with other programs keeps them apart.
 */

/** BullMQ key prefix (instead of BullMQ's default `bull`). */
export const PREFIX = 'hepwb'
/** The one queue of tasks; each job carries the engine version that sent it. */
export const QUEUE = 'tasks'

/** A job's data: one Task of one run. */
export interface TaskJobData {
  /** Engine version of the client; a worker of another version refuses the job. */
  readonly version: string
  /** The run (one TaskExecutor.run call) the task belongs to. */
  readonly run: string
  /** The task's index in its run (results are handed back in this order). */
  readonly index: number
  readonly kind: string
  /** The payload as app/task-codec text. */
  readonly payload: string
  /**
   * The client wants the task's messages (its metrics and log lines, app/task.ts TaskMessage):
   * the worker sends each as the job's progress, `{ message: task-codec text }`.
   */
  readonly messages?: boolean
}

/** A task message as BullMQ job progress (QueueEvents 'progress' carries it to the client). */
export interface TaskMessageProgress {
  /** The TaskMessage as app/task-codec text (NaN and ±Infinity survive). */
  readonly message: string
}

/** BullMQ job id of task `index` of `run` (ids are unique per queue; ':' is reserved). */
export function jobId(run: string, index: number): string {
  return `${run}-${index}`
}

/** Pub/sub channel on which a client announces a cancelled run (the message is the run id). */
export const CANCEL_CHANNEL = `${PREFIX}:cancel`
/** Set while a run is cancelled, for workers that take one of its jobs after the announcement. */
export function cancelledKey(run: string): string {
  return `${PREFIX}:cancelled:${run}`
}

/** Key of a live worker's registry entry (expires when its heartbeat stops). */
export function workerKey(id: string): string {
  return `${PREFIX}:workers:${id}`
}
export const WORKER_KEY_PATTERN = `${PREFIX}:workers:*`
