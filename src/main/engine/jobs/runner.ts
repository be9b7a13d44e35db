/**
 * Runs long engine work as jobs: returns an id at once, streams progress / metric / log events,
 * ends in done, failed or cancelled, and hands the finished job to `onFinished` (which stores it
 * in the project as a run).
 */
import { randomUUID } from 'node:crypto'
import type { JobEvent, JobInfo, JobState, RunRecord } from '../../../shared/api'
import { CancelledError, type JobContext } from './context'

/** Progress events at most this often (ms); the final state is always sent. */
const PROGRESS_INTERVAL_MS = 100

interface RunningJob {
  info: JobInfo
  params: unknown
  controller: AbortController
  lastProgressSent: number
}

export class JobRunner {
  private readonly jobs = new Map<string, RunningJob>()

  constructor(
    private readonly emit: (event: JobEvent) => void,
    private readonly onFinished: (run: RunRecord) => void,
  ) {}

  /** Starts `work` as a job and returns its id; the work receives a JobContext. */
  start(
    method: string,
    title: string,
    params: unknown,
    work: (ctx: JobContext) => Promise<unknown>,
  ): string {
    const id = randomUUID()
    const controller = new AbortController()
    const job: RunningJob = {
      info: {
        id,
        method,
        title,
        state: 'running',
        fraction: 0,
        message: '',
        startedAt: Date.now(),
        eta: null,
      },
      params,
      controller,
      lastProgressSent: 0,
    }
    this.jobs.set(id, job)
    this.emit({ kind: 'started', job: { ...job.info } })
    const ctx = this.context(job)
    // Start on the next turn so the caller receives the id before the first event of the work.
    setImmediate(() => {
      void Promise.resolve()
        .then(() => work(ctx))
        .then(
          (result) => this.finish(job, 'done', result),
          (e: unknown) =>
            controller.signal.aborted || e instanceof CancelledError
              ? this.finish(
                  job,
                  'cancelled',
                  e instanceof CancelledError ? e.partial : undefined,
                  'cancelled by the user',
                )
              : this.finish(job, 'failed', undefined, e instanceof Error ? e.message : String(e)),
        )
    })
    return id
  }

  /** Asks a running job to stop; returns false when no such job is running. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id)
    if (!job) return false
    job.controller.abort()
    return true
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }))
  }

  get busy(): boolean {
    return this.jobs.size > 0
  }

  private context(job: RunningJob): JobContext {
    const { signal } = job.controller
    const id = job.info.id
    return {
      signal,
      progress: (fraction, message) => {
        const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0))
        const elapsed = (Date.now() - job.info.startedAt) / 1000
        job.info.fraction = f
        if (message !== undefined) job.info.message = message
        job.info.eta = f > 0.01 && f < 1 ? (elapsed * (1 - f)) / f : null
        const now = Date.now()
        if (now - job.lastProgressSent < PROGRESS_INTERVAL_MS && f < 1) return
        job.lastProgressSent = now
        this.emit({
          kind: 'progress',
          jobId: id,
          fraction: f,
          message: job.info.message,
          eta: job.info.eta,
        })
      },
      metric: (name, step, value) => this.emit({ kind: 'metric', jobId: id, name, step, value }),
      log: (message) => this.emit({ kind: 'log', jobId: id, message }),
      throwIfCancelled: () => {
        if (signal.aborted) throw new CancelledError()
      },
    }
  }

  private finish(
    job: RunningJob,
    state: Exclude<JobState, 'running'>,
    result?: unknown,
    error?: string,
  ): void {
    this.jobs.delete(job.info.id)
    const finishedAt = Date.now()
    try {
      this.onFinished({
        id: job.info.id,
        method: job.info.method,
        title: job.info.title,
        state,
        params: job.params,
        result,
        error,
        startedAt: new Date(job.info.startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        seconds: (finishedAt - job.info.startedAt) / 1000,
      })
    } catch (e) {
      // The result still reaches the user; say that it could not be stored.
      this.emit({
        kind: 'log',
        jobId: job.info.id,
        message: `could not store the run: ${(e as Error).message}`,
      })
    }
    this.emit({ kind: 'finished', jobId: job.info.id, state, result, error })
  }
}
