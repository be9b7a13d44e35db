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
    // Listen before asking: the engine's process and the serve bridge may deliver the job's
    // events ahead of the response that names it (a quick job can finish first), so events that
    // arrive before the id is known are kept and replayed.
    let jobId: string | null = null
    const early: JobEvent[] = []
    return new Promise((resolve, reject) => {
      const handle = (e: JobEvent): void => {
        if (e.kind === 'started' ? e.job.id !== jobId : e.jobId !== jobId) return
        onEvent?.(e)
        if (e.kind !== 'finished') return
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
      const off = this.on('job', (e) => (jobId === null ? early.push(e) : handle(e)))
      this.call(method, params).then(
        (r) => {
          jobId = (r as { jobId: string }).jobId
          early.splice(0).forEach(handle)
        },
        (e: unknown) => {
          off()
          reject(e)
        },
      )
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
