/**
 * The renderer's only door to the engine: typed calls and events over whichever transport the
 * window has (Electron IPC or the browser-mode WebSocket). Everything received is validated
 * against the contract before the UI sees it.
 */
import {
  type EventName,
  type EventPayload,
  EngineMessage,
  type ErrorInfo,
  type JobEvent,
  type JobMethodName,
  type JobResult,
  type MethodName,
  type Params,
  type Result,
  describeZodError,
  events as eventSchemas,
  methods,
} from '../../../shared/api'

/** Moves raw messages; knows nothing about methods. */
export interface Transport {
  send(message: unknown): void
  onMessage(listener: (message: unknown) => void): void
  /** Connection state changes (WebSocket reconnects; IPC is always connected). */
  onConnection(listener: (connected: boolean) => void): void
  readonly kind: 'ipc' | 'websocket'
}

export class ApiError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message)
    this.name = 'ApiError'
  }
}

type Listener = (payload: unknown) => void

export class ApiClient {
  private nextId = 1
  private readonly pending = new Map<
    number,
    { method: MethodName; resolve: (r: unknown) => void; reject: (e: Error) => void }
  >()
  private readonly listeners = new Map<EventName, Set<Listener>>()

  constructor(readonly transport: Transport) {
    transport.onMessage((raw) => this.receive(raw))
    transport.onConnection((connected) => {
      if (connected) return
      for (const p of this.pending.values())
        p.reject(new ApiError({ code: 'unavailable', message: 'connection to the workbench lost' }))
      this.pending.clear()
    })
  }

  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject })
      this.transport.send({ type: 'request', id, method, params })
    })
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener)
    return () => set.delete(listener as Listener)
  }

  /**
   * Starts a job and resolves with its result when it finishes (rejects when it fails or is
   * cancelled); `onEvent` sees its progress, metric and log events on the way.
   */
  async runJob<M extends JobMethodName>(
    method: M,
    params: Params<M>,
    onEvent?: (e: JobEvent) => void,
  ): Promise<JobResult<M>> {
    const { jobId } = (await this.call(method, params)) as { jobId: string }
    return this.attachJob(method, jobId, onEvent)
  }

  /**
   * Follows job `jobId` — started by this window, or before a reload, or by another window —
   * until it ends, and resolves with its result (rejects when it fails or is cancelled).
   * `onEvent` first sees where the job stands (a 'started' event, its progress, every metric so
   * far, its end if it already ended), then its live events; after a reconnect the same again
   * (metrics repeat: keep them by step). The engine's answer to `jobs.attach` carries what
   * happened before, so no event is lost between the start and the first listener.
   */
  attachJob<M extends JobMethodName>(
    method: M,
    jobId: string,
    onEvent?: (e: JobEvent) => void,
  ): Promise<JobResult<M>> {
    return new Promise((resolve, reject) => {
      let settled = false
      /** Live events held while an attach call is on its way (they come after its snapshot). */
      let held: JobEvent[] | null = null
      const settle = (e: Extract<JobEvent, { kind: 'finished' }>): void => {
        settled = true
        off()
        if (e.state === 'done') {
          const parsed = methods[method].job.safeParse(e.result)
          if (parsed.success) resolve(parsed.data as JobResult<M>)
          else
            reject(
              new ApiError({
                code: 'invalid',
                message: `${method}: unexpected result: ${describeZodError(parsed.error)}`,
              }),
            )
        } else
          reject(
            new ApiError({
              code: e.state === 'cancelled' ? 'cancelled' : 'failed',
              message: e.error ?? e.state,
            }),
          )
      }
      const handle = (e: JobEvent): void => {
        if (settled) return
        onEvent?.(e)
        if (e.kind === 'finished') settle(e)
      }
      const off = this.on('job', (e) => {
        if ((e.kind === 'started' ? e.job.id : e.jobId) !== jobId) return
        if (held) held.push(e)
        else handle(e)
      })
      const attach = (): void => {
        if (settled) return
        held ??= []
        this.call('jobs.attach', { jobId }).then(
          (a) => {
            handle({ kind: 'started', job: a.job })
            const { fraction, message, eta } = a.job
            handle({ kind: 'progress', jobId, fraction, message, eta })
            for (const m of a.metrics) handle({ kind: 'metric', jobId, ...m })
            for (const sn of a.snapshots ?? []) handle({ kind: 'snapshot', jobId, ...sn })
            if (a.end) handle({ kind: 'finished', jobId, ...a.end })
            const later = held ?? []
            held = null
            later.forEach(handle)
          },
          (e: unknown) => {
            held = null
            // Disconnected: the next connection attaches again.
            if (e instanceof ApiError && e.info.code === 'unavailable') return
            if (settled) return
            settled = true
            off()
            reject(e)
          },
        )
      }
      attach()
      // After a reconnect (not while an attach is on its way: IPC reports "connected" at once).
      this.transport.onConnection((connected) => {
        if (connected && held === null) attach()
      })
    })
  }

  private receive(raw: unknown): void {
    const parsed = EngineMessage.safeParse(raw)
    if (!parsed.success) {
      console.error('ignored a malformed message from the engine:', describeZodError(parsed.error))
      return
    }
    const msg = parsed.data
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (!msg.ok) return p.reject(new ApiError(msg.error))
      const result = methods[p.method].result.safeParse(msg.result)
      if (result.success) p.resolve(result.data)
      else
        p.reject(
          new ApiError({
            code: 'invalid',
            message: `${p.method}: unexpected result: ${describeZodError(result.error)}`,
          }),
        )
      return
    }
    const payload = eventSchemas[msg.event].safeParse(msg.payload)
    if (!payload.success) {
      console.error(`ignored a malformed ${msg.event} event:`, describeZodError(payload.error))
      return
    }
    for (const l of this.listeners.get(msg.event) ?? []) l(payload.data)
  }
}
