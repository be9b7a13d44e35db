/**
 * The engine API contract: every method (params → result), every event, and the messages that
 * carry them. IPC (Electron), WebSocket (browser mode) and the engine process all validate with
 * these schemas, so one definition serves every transport (DESIGN.md §1).
 *
 * A method is either a call (the result comes back in the response) or a job (the response is
 * `{jobId}`; progress, metric, log and state events follow; the final state carries the result).
 */
import { z } from 'zod'
import { FilePath, JobStarted, type MethodSpec, NoParams, Overwrite } from './contract/common'
import { anomalyMethods } from './contract/anomaly'
import { cutsMethods } from './contract/cuts'
import { dataMethods } from './contract/data'
import { fitMethods } from './contract/fit'
import { infernoMethods } from './contract/inferno'
import { trainMethods } from './contract/train'
import { rmmMethods } from './contract/rmm'
import { specMethods } from './contract/spec'

// ---------------------------------------------------------------------------------------------
// Domain pieces used by the methods

export const BackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
export type BackendName = z.infer<typeof BackendName>

export const BackendProbe = z.object({
  name: BackendName,
  available: z.boolean(),
  error: z.string().optional(),
})
export type BackendProbe = z.infer<typeof BackendProbe>

export const EngineInfo = z.object({
  version: z.string(),
  node: z.string(),
  backend: BackendName.nullable(),
  backends: z.array(BackendProbe),
  pid: z.number().int(),
})
export type EngineInfo = z.infer<typeof EngineInfo>

export const ProjectSummary = z.object({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  /** Jobs recorded in the project (finished runs). */
  runs: z.number().int(),
})
export type ProjectSummary = z.infer<typeof ProjectSummary>

export const RecentProject = z.object({ path: z.string(), name: z.string(), openedAt: z.string() })
export type RecentProject = z.infer<typeof RecentProject>

export const JobState = z.enum(['running', 'done', 'failed', 'cancelled'])
export type JobState = z.infer<typeof JobState>

export const JobInfo = z.object({
  id: z.string(),
  method: z.string(),
  title: z.string(),
  state: JobState,
  fraction: z.number(),
  message: z.string(),
  startedAt: z.number(),
  /** Estimated seconds left, when progress allows an estimate. */
  eta: z.number().nullable(),
})
export type JobInfo = z.infer<typeof JobInfo>

export const RunRecord = z.object({
  id: z.string(),
  method: z.string(),
  title: z.string(),
  state: JobState,
  params: z.unknown(),
  result: z.unknown().optional(),
  error: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  seconds: z.number(),
})
export type RunRecord = z.infer<typeof RunRecord>

export const EngineState = z.enum(['starting', 'ready', 'busy', 'crashed'])
export type EngineState = z.infer<typeof EngineState>

export const JobEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), job: JobInfo }),
  z.object({
    kind: z.literal('progress'),
    jobId: z.string(),
    fraction: z.number(),
    message: z.string(),
    eta: z.number().nullable(),
  }),
  z.object({
    kind: z.literal('metric'),
    jobId: z.string(),
    name: z.string(),
    step: z.number(),
    value: z.number(),
  }),
  z.object({ kind: z.literal('log'), jobId: z.string(), message: z.string() }),
  z.object({
    kind: z.literal('finished'),
    jobId: z.string(),
    state: JobState,
    result: z.unknown().optional(),
    error: z.string().optional(),
  }),
])
export type JobEvent = z.infer<typeof JobEvent>

export const EngineStatus = z.object({
  state: EngineState,
  /** Why the engine is in this state (e.g. the exit code of a crash). */
  detail: z.string().optional(),
  backend: BackendName.nullable().optional(),
  restarts: z.number().int().optional(),
})
export type EngineStatus = z.infer<typeof EngineStatus>

const path = FilePath
const empty = NoParams

// ---------------------------------------------------------------------------------------------
// Methods

/** Engine, project and job methods; each later concern adds its group from contract/. */
const coreMethods = {
  'engine.info': { params: empty, result: EngineInfo },
  /** Answered by the host (Electron main or the browser-mode server), not the engine. */
  'engine.status': { params: empty, result: EngineStatus, host: true },
  /** Host: restart the engine process (after a crash it gave up on). */
  'engine.restart': { params: empty, result: z.null(), host: true },
  'project.create': {
    params: z.object({ path, name: z.string().max(200).optional(), overwrite: Overwrite }).strict(),
    result: ProjectSummary,
  },
  'project.open': { params: z.object({ path }).strict(), result: ProjectSummary },
  'project.saveAs': {
    params: z.object({ path, overwrite: Overwrite }).strict(),
    result: ProjectSummary,
  },
  'project.close': { params: empty, result: z.null() },
  'project.current': { params: empty, result: ProjectSummary.nullable() },
  'project.rename': {
    params: z.object({ name: z.string().min(1).max(200) }).strict(),
    result: ProjectSummary,
  },
  'project.recent': { params: empty, result: z.array(RecentProject) },
  'project.runs': { params: empty, result: z.array(RunRecord) },
  'jobs.list': { params: empty, result: z.array(JobInfo) },
  'jobs.cancel': {
    params: z.object({ jobId: z.string() }).strict(),
    result: z.object({ cancelled: z.boolean() }),
  },
  /** Job: times dense matrix products on the active ML backend (GFLOP/s), a real check of the install. */
  'ml.backendCheck': {
    params: z
      .object({
        size: z.number().int().min(16).max(4096).default(256),
        repeats: z.number().int().min(1).max(100_000).default(20),
      })
      .strict(),
    result: JobStarted,
    job: z.object({
      backend: BackendName,
      size: z.number(),
      repeats: z.number(),
      gflops: z.number(),
      seconds: z.number(),
    }),
  },
} as const satisfies Record<string, MethodSpec>

export const methods = {
  ...coreMethods,
  ...dataMethods,
  ...fitMethods,
  ...cutsMethods,
  ...anomalyMethods,
  ...trainMethods,
  ...infernoMethods,
  ...rmmMethods,
  ...specMethods,
} as const satisfies Record<string, MethodSpec>

export type MethodName = keyof typeof methods
/** Methods the host answers itself; the engine never sees them. */
export type HostMethodName = {
  [M in MethodName]: (typeof methods)[M] extends { host: true } ? M : never
}[MethodName]
export type EngineMethodName = Exclude<MethodName, HostMethodName>

export function isHostMethod(name: MethodName): name is HostMethodName {
  return 'host' in methods[name]
}
export type Params<M extends MethodName> = z.input<(typeof methods)[M]['params']>
export type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>
export type Result<M extends MethodName> = z.output<(typeof methods)[M]['result']>
export type JobMethodName = {
  [M in MethodName]: (typeof methods)[M] extends { job: z.ZodType } ? M : never
}[MethodName]
export type JobResult<M extends JobMethodName> = z.output<(typeof methods)[M]['job']>

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name)
}

// ---------------------------------------------------------------------------------------------
// Events

export const ProjectEvent = z.object({ project: ProjectSummary.nullable() })

export const events = {
  job: JobEvent,
  engine: EngineStatus,
  project: ProjectEvent,
} as const
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>

// ---------------------------------------------------------------------------------------------
// Wire messages (the same on every transport)

export const RequestMessage = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().max(200),
  params: z.unknown().optional(),
})
export type RequestMessage = z.infer<typeof RequestMessage>

export const ErrorInfo = z.object({
  message: z.string(),
  /**
   * 'invalid' (bad request), 'failed' (the method threw), 'unavailable' (engine down), 'exists'
   * (the file to write exists and the request did not say `overwrite`; `path` names it).
   */
  code: z.enum(['invalid', 'failed', 'unavailable', 'cancelled', 'exists']),
  path: z.string().optional(),
})
export type ErrorInfo = z.infer<typeof ErrorInfo>

export const ResponseMessage = z.discriminatedUnion('ok', [
  z.object({
    type: z.literal('response'),
    id: z.number().int(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    type: z.literal('response'),
    id: z.number().int(),
    ok: z.literal(false),
    error: ErrorInfo,
  }),
])
export type ResponseMessage = z.infer<typeof ResponseMessage>

export const EventMessage = z.object({
  type: z.literal('event'),
  event: z.enum(Object.keys(events) as [EventName, ...EventName[]]),
  payload: z.unknown(),
})
export type EventMessage = z.infer<typeof EventMessage>

export const EngineMessage = z.union([ResponseMessage, EventMessage])
export type EngineMessage = z.infer<typeof EngineMessage>

/** Formats a zod error as `field.path: message; …` for users. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ')
}

/**
 * Validates a request's params; returns the parsed params or a user-facing error message.
 * Used by the engine (authoritative) and by hosts before forwarding.
 */
export function parseRequest(
  msg: unknown,
):
  | { ok: true; request: RequestMessage & { method: MethodName } }
  | { ok: false; id: number | null; message: string } {
  const base = RequestMessage.safeParse(msg)
  if (!base.success) {
    const id =
      typeof msg === 'object' && msg !== null && Number.isInteger((msg as { id?: unknown }).id)
        ? (msg as { id: number }).id
        : null
    return { ok: false, id, message: `malformed request: ${describeZodError(base.error)}` }
  }
  const { id, method } = base.data
  if (!isMethodName(method)) return { ok: false, id, message: `unknown method '${method}'` }
  const params = methods[method].params.safeParse(base.data.params ?? {})
  if (!params.success)
    return { ok: false, id, message: `${method}: ${describeZodError(params.error)}` }
  return { ok: true, request: { ...base.data, method, params: params.data } }
}
