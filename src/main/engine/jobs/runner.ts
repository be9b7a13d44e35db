/**
 * Runs long engine work as jobs: returns an id at once, streams progress / metric / log events,
 * ends in done, failed or cancelled. Each job belongs to the project open when it started
 * (`JobHooks.owner`, captured at start): its run is begun and finished in that project through
 * the hooks, whatever the window has open by then. The runner keeps each job's metrics so far,
 * and a finished job for a while, so a window that reloads or reconnects can re-attach to it
 * (`attach`). A job whose work stores its result in a table of its own says so
 * (`RunContext.stored`): its run then records a reference to that row, not a second copy
 * (shared/run-result.ts), while the window still receives the whole result.
 *
 * A training job is started `pausable`: it gets a pause / step gate (jobs/gate.ts) in its
 * context, which `pause`, `resume`, `step` and `set` drive; each change is sent as a `gate`
 * event and shown in JobInfo.gate.
 */
import { randomUUID } from 'node:crypto'
import type {
  JobAttachment,
  JobEnd,
  JobEvent,
  JobInfo,
  JobMetric,
  JobSnapshot,
  JobState,
  RunRecord,
} from '../../../shared/api'
import { storedRunResult, type StoredKind, type StoredRef } from '../../../shared/run-result'
import type { JobGateState } from '../../../shared/contract/gate'
import { CancelledError, type JobContext, type SettingValue, type StepUnit } from './context'
import { JobGate } from './gate'

/** Progress events at most this often (ms); the final state is always sent. */
const PROGRESS_INTERVAL_MS = 100
/** Metric values kept per job for re-attaching; the oldest go first beyond this. */
const METRICS_KEPT = 200_000
/** Finished jobs kept for re-attaching: at most this many, for at most this long (ms). */
const ENDED_KEPT = 20
const ENDED_KEPT_MS = 10 * 60_000

interface RunningJob {
  info: JobInfo
  controller: AbortController
  lastProgressSent: number
  metrics: JobMetric[]
  /** Where the work stored its result, if it did. */
  stored: StoredRef | null
  /** The pause / step gate of a pausable job. */
  gate: JobGate | null
  /** The latest snapshot of each name (JobContext.snapshot), for re-attaching. */
  snapshots: Map<string, JobSnapshot>
}

/** How a job runs. */
export interface StartOptions {
  /** A training the user may pause, step and re-tune while it runs (its context has a gate). */
  readonly pausable?: boolean
}

/** The context a job's work receives: a JobContext, and where the job stored its result. */
export interface RunContext extends JobContext {
  /**
   * The result the work returns is stored whole in the `kind` table as row `id` (call it once
   * the row is written): the run records only a reference to it and a brief summary.
   */
  stored(kind: StoredKind, id: string): void
}

interface EndedJob {
  attachment: JobAttachment
  at: number
}

/** Where jobs belong and what happens to their runs. */
export interface JobHooks {
  /** The project a job started now belongs to (its path), or null when none is open. */
  owner(): string | null
  /** A job began: e.g. record its run as running in its project, so a crash leaves a trace. */
  started?(run: RunRecord, project: string | null): void
  /** A job ended: store its run (and nothing else) in `project`, the one it started in. */
  finished(run: RunRecord, project: string | null): void
}

export class JobRunner {
  private readonly jobs = new Map<string, RunningJob>()
  private readonly ended = new Map<string, EndedJob>()

  constructor(
    private readonly emit: (event: JobEvent) => void,
    private readonly hooks: JobHooks,
  ) {}

  /** Starts `work` as a job and returns its id; the work receives a RunContext. */
  start(
    method: string,
    title: string,
    params: unknown,
    work: (ctx: RunContext) => Promise<unknown>,
    options: StartOptions = {},
  ): string {
    const id = randomUUID()
    const controller = new AbortController()
    // The gate exists as soon as the id does: a pause may come before the work begins.
    const gate = options.pausable ? new JobGate(controller.signal) : null
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
        project: this.hooks.owner(),
        params,
      },
      controller,
      lastProgressSent: 0,
      metrics: [],
      stored: null,
      gate,
      snapshots: new Map(),
    }
    if (gate) {
      job.info.gate = gate.state
      gate.onChange = () => {
        const state = gate.state
        job.info.gate = state
        if (this.jobs.get(id) === job) this.emit({ kind: 'gate', jobId: id, gate: state })
      }
    }
    this.jobs.set(id, job)
    try {
      this.hooks.started?.(this.record(job, 'running'), job.info.project)
    } catch (e) {
      this.emit({ kind: 'log', jobId: id, message: `could not record the run: ${String(e)}` })
    }
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

  /** Holds a pausable job at its next batch; its state after the request. */
  pause(id: string): JobGateState {
    return this.control(id, (g) => g.pause())
  }

  resume(id: string): JobGateState {
    return this.control(id, (g) => g.resume())
  }

  /** Runs one batch or (the rest of) one epoch of a paused job; answers once it has run. */
  async step(id: string, unit: StepUnit): Promise<JobGateState> {
    const g = this.gateOf(id)
    g.step(unit)
    await g.settled()
    return { jobId: id, ...g.state }
  }

  /** Changes a setting the job's trainer offers, applied at its next batch or epoch. */
  set(id: string, name: string, value: SettingValue): JobGateState {
    return this.control(id, (g) => g.set(name, value))
  }

  /** A pausable job's gate state now. */
  gateState(id: string): JobGateState {
    return this.control(id, () => {})
  }

  private control(id: string, act: (g: JobGate) => void): JobGateState {
    const g = this.gateOf(id)
    act(g)
    return { jobId: id, ...g.state }
  }

  private gateOf(id: string): JobGate {
    const job = this.jobs.get(id)
    if (!job) throw new Error(`no running job with id ${id} (it may have finished)`)
    if (!job.gate) throw new Error(`${job.info.title} is not a training: it cannot be paused`)
    return job.gate
  }

  /** The running jobs, of every project (JobInfo.project says whose). */
  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }))
  }

  /** The running jobs that belong to `project` (its path). */
  of(project: string): JobInfo[] {
    return this.list().filter((j) => j.project === project)
  }

  /**
   * A running or recently finished job with its metrics so far and its end, if it ended; throws
   * when the engine knows no such job (never started here, or finished long ago).
   */
  attach(id: string): JobAttachment {
    const job = this.jobs.get(id)
    if (job)
      return {
        job: { ...job.info },
        metrics: [...job.metrics],
        end: null,
        snapshots: [...job.snapshots.values()],
      }
    this.forgetOld()
    const e = this.ended.get(id)
    if (e) return e.attachment
    throw new Error(`no job with id ${id} (it finished a while ago or the engine restarted)`)
  }

  get busy(): boolean {
    return this.jobs.size > 0
  }

  private context(job: RunningJob): RunContext {
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
      metric: (name, step, value) => {
        job.metrics.push({ name, step, value })
        if (job.metrics.length > METRICS_KEPT) job.metrics.splice(0, job.metrics.length >> 4)
        this.emit({ kind: 'metric', jobId: id, name, step, value })
      },
      log: (message) => this.emit({ kind: 'log', jobId: id, message }),
      snapshot: (name, step, data) => {
        job.snapshots.set(name, { name, step, data })
        this.emit({ kind: 'snapshot', jobId: id, name, step, data })
      },
      throwIfCancelled: () => {
        if (signal.aborted) throw new CancelledError()
      },
      stored: (kind, id) => {
        job.stored = { kind, id }
      },
      ...(job.gate ? { gate: job.gate } : {}),
    }
  }

  private record(job: RunningJob, state: JobState, end?: JobEnd): RunRecord {
    const now = Date.now()
    return {
      id: job.info.id,
      method: job.info.method,
      title: job.info.title,
      state,
      params: job.info.params,
      // Stored whole in its own table only when the work finished: a partial result (a
      // cancelled training) lives in its run alone.
      result:
        end?.state === 'done' && job.stored && end.result !== undefined
          ? storedRunResult(job.stored, end.result)
          : end?.result,
      error: end?.error,
      startedAt: new Date(job.info.startedAt).toISOString(),
      finishedAt: new Date(now).toISOString(),
      seconds: (now - job.info.startedAt) / 1000,
    }
  }

  private finish(
    job: RunningJob,
    state: Exclude<JobState, 'running'>,
    result?: unknown,
    error?: string,
  ): void {
    this.jobs.delete(job.info.id)
    job.gate?.close()
    const end: JobEnd = { state, result, error }
    try {
      this.hooks.finished(this.record(job, state, end), job.info.project)
    } catch (e) {
      // The result still reaches the user; say that it could not be stored.
      this.emit({
        kind: 'log',
        jobId: job.info.id,
        message: `could not store the run: ${(e as Error).message}`,
      })
    }
    this.ended.set(job.info.id, {
      attachment: { job: { ...job.info, state }, metrics: job.metrics, end },
      at: Date.now(),
    })
    this.forgetOld()
    this.emit({ kind: 'finished', jobId: job.info.id, state, result, error })
  }

  private forgetOld(): void {
    const now = Date.now()
    for (const [id, e] of this.ended)
      if (this.ended.size > ENDED_KEPT || now - e.at > ENDED_KEPT_MS) this.ended.delete(id)
  }
}
