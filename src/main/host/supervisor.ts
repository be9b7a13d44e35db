/**
 * The host's view of the engine process: starts it, relays requests and events, tracks its
 * state (starting / ready / busy / crashed), and restarts it when it dies, reopening the project
 * that was open. Used by Electron main (utilityProcess) and by `hepwb serve` (child_process.fork);
 * the way the process is spawned is the only difference (`Spawn`).
 */
import {
  EngineMessage,
  type EngineStatus,
  type ErrorInfo,
  EventMessage,
  type JobEvent,
  type MethodName,
  type Params,
  type Result,
  events as eventSchemas,
  describeZodError,
} from '../../shared/api'

/** A started engine process, whatever spawned it. */
export interface EngineProcess {
  send(msg: unknown): void
  onMessage(listener: (msg: unknown) => void): void
  onExit(listener: (code: number | null, signal: string | null) => void): void
  kill(): void
}
export type Spawn = () => EngineProcess

export class EngineCallError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message)
    this.name = 'EngineCallError'
  }
}

interface Pending {
  resolve(result: unknown): void
  reject(error: EngineCallError): void
}

/**
 * A job that does not stop this long after cancel is stopped by restarting the engine: numeric
 * work runs synchronously in the engine and cannot read the cancel message until it yields.
 */
export const HARD_CANCEL_MS = 3000

/** Restarts allowed within `RESTART_WINDOW_MS` before we stop and report the crash instead. */
const MAX_RESTARTS = 5
const RESTART_WINDOW_MS = 60_000

export class EngineSupervisor {
  private proc: EngineProcess | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly runningJobs = new Set<string>()
  private readonly eventListeners = new Set<(msg: EventMessage) => void>()
  private status: EngineStatus = { state: 'starting', backend: null, restarts: 0 }
  private projectPath: string | null = null
  private crashes: number[] = []
  private stopping = false
  /** Jobs being stopped by an engine restart: reported as cancelled, not failed. */
  private readonly hardCancelled = new Set<string>()
  /** Jobs stopped by the last restart, recorded as cancelled in the project once it reopens. */
  private stoppedJobs: string[] = []

  constructor(
    private readonly spawn: Spawn,
    private readonly options: { hardCancelMs?: number } = {},
  ) {}

  /** Starts the engine; resolves when it answered its first call. */
  async start(): Promise<void> {
    this.stopping = false
    this.setStatus({ state: 'starting', detail: undefined })
    const proc = this.spawn()
    this.proc = proc
    proc.onMessage((m) => this.receive(proc, m))
    proc.onExit((code, signal) => this.exited(proc, code, signal))
    const info = await this.call('engine.info', {})
    if (this.projectPath) {
      // The engine restarted: reopen what the user had open. The file itself is intact (WAL).
      try {
        await this.call('project.open', { path: this.projectPath })
        if (this.stoppedJobs.length)
          await this.call('jobs.stopped', { jobIds: this.stoppedJobs }).catch(() => undefined)
      } catch {
        this.projectPath = null
      }
      this.stoppedJobs = []
    }
    this.setStatus({
      state: this.runningJobs.size ? 'busy' : 'ready',
      backend: info.backend,
      detail: undefined,
    })
  }

  /** Kills the engine on purpose (shutdown); no restart follows. */
  stop(): void {
    this.stopping = true
    this.proc?.kill()
    this.proc = null
  }

  /** Restarts after a crash the supervisor gave up on (the user's "restart engine"). */
  async restart(): Promise<void> {
    this.crashes = []
    this.proc?.kill()
    this.proc = null
    await this.start()
  }

  engineStatus(): EngineStatus {
    return { ...this.status }
  }

  onEvent(listener: (msg: EventMessage) => void): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  /**
   * Cancels a job; when it has not stopped after HARD_CANCEL_MS (a long synchronous
   * computation), the engine is restarted to stop it and the project reopened.
   */
  async cancelJob(jobId: string): Promise<{ cancelled: boolean }> {
    if (!this.runningJobs.has(jobId)) return this.call('jobs.cancel', { jobId })
    const finished = new Promise<void>((resolve) => {
      const off = this.onEvent((m) => {
        if (
          m.event === 'job' &&
          (m.payload as JobEvent).kind === 'finished' &&
          (m.payload as { jobId: string }).jobId === jobId
        ) {
          off()
          resolve()
        }
      })
    })
    void this.call('jobs.cancel', { jobId }).catch(() => {})
    const stopped = await Promise.race([
      finished.then(() => true),
      new Promise<boolean>((r) =>
        setTimeout(() => r(false), this.options.hardCancelMs ?? HARD_CANCEL_MS),
      ),
    ])
    if (!stopped && this.runningJobs.has(jobId) && this.proc) {
      this.hardCancelled.add(jobId)
      this.proc.kill()
    }
    return { cancelled: true }
  }

  /** A typed call for host-side code. */
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    return this.request(method, params) as Promise<Result<M>>
  }

  /** Sends a request (already validated by the caller's transport) and awaits the response. */
  request(method: string, params: unknown): Promise<unknown> {
    const proc = this.proc
    if (!proc)
      return Promise.reject(
        new EngineCallError({ code: 'unavailable', message: 'the engine is not running' }),
      )
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      proc.send({ type: 'request', id, method, params })
    })
  }

  private receive(proc: EngineProcess, raw: unknown): void {
    if (proc !== this.proc) return
    const parsed = EngineMessage.safeParse(raw)
    if (!parsed.success) {
      console.error(`engine sent a malformed message: ${describeZodError(parsed.error)}`)
      return
    }
    const msg = parsed.data
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(new EngineCallError(msg.error))
      return
    }
    const payload = eventSchemas[msg.event].safeParse(msg.payload)
    if (!payload.success) {
      console.error(
        `engine sent a malformed ${msg.event} event: ${describeZodError(payload.error)}`,
      )
      return
    }
    if (msg.event === 'job') this.trackJob(payload.data as JobEvent)
    if (msg.event === 'project')
      this.projectPath =
        (payload.data as { project: { path: string } | null }).project?.path ?? null
    this.broadcast(msg)
  }

  private trackJob(e: JobEvent): void {
    if (e.kind === 'started') this.runningJobs.add(e.job.id)
    else if (e.kind === 'finished') this.runningJobs.delete(e.jobId)
    else return
    if (this.status.state === 'ready' || this.status.state === 'busy')
      this.setStatus({ state: this.runningJobs.size ? 'busy' : 'ready' })
  }

  private exited(proc: EngineProcess, code: number | null, signal: string | null): void {
    if (proc !== this.proc) return
    this.proc = null
    const why = signal ? `the engine was killed (${signal})` : `the engine exited with code ${code}`
    for (const p of this.pending.values())
      p.reject(new EngineCallError({ code: 'unavailable', message: why }))
    this.pending.clear()
    const deliberate = this.hardCancelled.size > 0
    for (const jobId of this.runningJobs) {
      const cancelled = this.hardCancelled.has(jobId)
      this.broadcast({
        type: 'event',
        event: 'job',
        payload: cancelled
          ? {
              kind: 'finished',
              jobId,
              state: 'cancelled',
              error: 'cancelled (the engine was restarted to stop it)',
            }
          : { kind: 'finished', jobId, state: 'failed', error: why },
      })
    }
    this.stoppedJobs = [...this.hardCancelled]
    this.runningJobs.clear()
    this.hardCancelled.clear()
    if (this.stopping) return
    if (deliberate) {
      this.setStatus({ state: 'starting', detail: 'restarting the engine to stop a cancelled job' })
      this.start().catch((e: unknown) =>
        this.setStatus({ state: 'crashed', detail: `restart failed: ${(e as Error).message}` }),
      )
      return
    }
    const now = Date.now()
    this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now]
    if (this.crashes.length > MAX_RESTARTS) {
      this.setStatus({
        state: 'crashed',
        detail: `${why}; it crashed ${this.crashes.length} times in a minute, so it was not restarted`,
      })
      return
    }
    this.setStatus({
      state: 'crashed',
      detail: `${why}; restarting`,
      restarts: (this.status.restarts ?? 0) + 1,
    })
    setTimeout(() => {
      if (this.stopping || this.proc) return
      this.start().catch((e: unknown) =>
        this.setStatus({ state: 'crashed', detail: `restart failed: ${(e as Error).message}` }),
      )
    }, 300)
  }

  private setStatus(patch: Partial<EngineStatus>): void {
    this.status = { ...this.status, ...patch }
    this.broadcast({ type: 'event', event: 'engine', payload: this.engineStatus() })
  }

  private broadcast(msg: EventMessage): void {
    for (const l of this.eventListeners) l(msg)
  }
}
