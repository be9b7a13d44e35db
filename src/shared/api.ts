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
import { GateState, gateMethods } from './contract/gate'
import { gridMethods } from './contract/grid'
import { infernoMethods } from './contract/inferno'
import { learnMethods } from './contract/learn'
import { trainMethods } from './contract/train'
import { tuneMethods } from './contract/tune'
import { rmmMethods } from './contract/rmm'
import { specMethods } from './contract/spec'
import { clusterMethods } from './contract/cluster'
import { hepdataMethods } from './contract/hepdata'
import { plotsMethods } from './contract/plots'

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
  /**
   * The project the job was started in (its path), where its run and result are stored even if
   * the window closes that project meanwhile; null when none was open.
   */
  project: z.string().nullable(),
  /** What the job was started with (the method's params), so a window can re-attach to it. */
  params: z.unknown(),
  /** A training the user can pause and step (contract/gate.ts): where it stands; else absent. */
  gate: GateState.optional(),
})
export type JobInfo = z.infer<typeof JobInfo>

/** One value of a job's metric (loss, val_loss, …) at a step (epoch, batch, iteration). */
export const JobMetric = z.object({ name: z.string(), step: z.number(), value: z.number() })
export type JobMetric = z.infer<typeof JobMetric>

/** How a job ended: the final state with its result or error. */
export const JobEnd = z.object({
  state: JobState,
  result: z.unknown().optional(),
  error: z.string().optional(),
})
export type JobEnd = z.infer<typeof JobEnd>

/**
 * What a window needs to (re-)attach to a job after a reload or a reconnect: where it stands,
 * every metric so far, and how it ended if it ended (the engine keeps finished jobs a while).
 */
/** A job's picture of its work at a step (JobContext.snapshot), e.g. an autoencoder's watch. */
export const JobSnapshot = z.object({ name: z.string(), step: z.number(), data: z.unknown() })
export type JobSnapshot = z.infer<typeof JobSnapshot>

export const JobAttachment = z.object({
  job: JobInfo,
  metrics: z.array(JobMetric),
  end: JobEnd.nullable(),
  /** The latest snapshot of each name of a running job (absent: none). */
  snapshots: z.array(JobSnapshot).optional(),
})
export type JobAttachment = z.infer<typeof JobAttachment>

/**
 * What closing a project does with its running jobs: cancel them, or keep them running (their
 * runs and results are still stored in that project). Without it, closing a project that has
 * running jobs is refused, so the window can ask first.
 */
export const RunningJobsChoice = z.enum(['cancel', 'keep'])
export type RunningJobsChoice = z.infer<typeof RunningJobsChoice>

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
  /** A live picture of the work (JobContext.snapshot): sent as it comes, only the latest kept. */
  z.object({
    kind: z.literal('snapshot'),
    jobId: z.string(),
    name: z.string(),
    step: z.number(),
    data: z.unknown(),
  }),
  /** A pausable job was paused, resumed, stepped or had a setting changed (contract/gate.ts). */
  z.object({ kind: z.literal('gate'), jobId: z.string(), gate: GateState }),
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
    params: z
      .object({
        path,
        name: z.string().max(200).optional(),
        overwrite: Overwrite,
        running: RunningJobsChoice.optional(),
      })
      .strict(),
    result: ProjectSummary,
  },
  'project.open': {
    params: z.object({ path, running: RunningJobsChoice.optional() }).strict(),
    result: ProjectSummary,
  },
  'project.saveAs': {
    params: z.object({ path, overwrite: Overwrite }).strict(),
    result: ProjectSummary,
  },
  'project.close': {
    params: z.object({ running: RunningJobsChoice.optional() }).strict(),
    result: z.null(),
  },
  'project.current': { params: empty, result: ProjectSummary.nullable() },
  'project.rename': {
    params: z.object({ name: z.string().min(1).max(200) }).strict(),
    result: ProjectSummary,
  },
  'project.recent': { params: empty, result: z.array(RecentProject) },
  'project.runs': { params: empty, result: z.array(RunRecord) },
  /** Running jobs (of every project the engine holds; JobInfo.project says whose). */
  'jobs.list': { params: empty, result: z.array(JobInfo) },
  /** A running or recently finished job with its metrics so far, to re-attach a window to it. */
  'jobs.attach': {
    params: z.object({ jobId: z.string() }).strict(),
    result: JobAttachment,
  },
  /**
   * Host: the jobs it stopped by restarting the engine (a cancel the work could not hear) are
   * recorded as cancelled in the open project, not as failed by a crash.
   */
  'jobs.stopped': {
    params: z.object({ jobIds: z.array(z.string()).max(1000) }).strict(),
    result: z.object({ marked: z.number().int() }),
  },
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
  ...gateMethods,
  ...dataMethods,
  ...fitMethods,
  ...gridMethods,
  ...cutsMethods,
  ...anomalyMethods,
  ...trainMethods,
  ...tuneMethods,
  ...infernoMethods,
  ...rmmMethods,
  ...specMethods,
  ...learnMethods,
  ...clusterMethods,
  ...hepdataMethods,
  ...plotsMethods,
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
