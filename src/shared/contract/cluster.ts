/**
 * Where the engine's passes over events run (issue 13): this machine, or a cluster of
 * `hepwb worker`s fed through a Redis server. The window names the cluster in Settings, tests
 * the connection, lists the live workers and chooses where work runs.
 */
import { z } from 'zod'
import type { MethodSpec } from './common'

/** A task a worker is running now. */
export const WorkerTask = z.object({
  kind: z.string(),
  run: z.string(),
  index: z.number().int(),
  /** When it started (ms since the epoch). */
  since: z.number(),
})
export type WorkerTask = z.infer<typeof WorkerTask>

/** A live `hepwb worker`, as it registers itself in Redis (refreshed every few seconds). */
export const WorkerInfo = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** The machine's logical cores. */
  cores: z.number().int(),
  /** How many tasks it runs at once (--concurrency). */
  concurrency: z.number().int(),
  /** Engine version; jobs of another version are refused. */
  version: z.string(),
  /** When it started (ms since the epoch). */
  startedAt: z.number(),
  /** Tasks finished since it started. */
  done: z.number().int(),
  tasks: z.array(WorkerTask),
})
export type WorkerInfo = z.infer<typeof WorkerInfo>

/** The cluster as the window names it: a Redis URL and an optional password. */
export const ClusterSettings = z
  .object({
    url: z.string().max(2000),
    password: z.string().max(2000).optional(),
  })
  .strict()
export type ClusterSettings = z.infer<typeof ClusterSettings>

/** Where passes over events run: this machine (default) or the named cluster. */
export const ExecutionPlace = z.enum(['local', 'cluster'])
export type ExecutionPlace = z.infer<typeof ExecutionPlace>

export const ClusterState = z.object({
  place: ExecutionPlace,
  /** The named cluster (password never sent back; `hasPassword` says whether one is set). */
  url: z.string().nullable(),
  hasPassword: z.boolean(),
})
export type ClusterState = z.infer<typeof ClusterState>

export const ClusterStatus = z.object({
  /** The URL tested, password masked. */
  url: z.string(),
  redisVersion: z.string(),
  /** Round trip of one PING (ms). */
  latencyMs: z.number(),
  workers: z.array(WorkerInfo),
  /** This engine's version: workers of another version refuse its jobs. */
  version: z.string(),
})
export type ClusterStatus = z.infer<typeof ClusterStatus>

export const clusterMethods = {
  /** Where work runs now and the named cluster. */
  'cluster.get': { params: z.object({}).strict(), result: ClusterState },
  /** Names the cluster (or forgets it with url ''), and chooses where work runs. */
  'cluster.set': {
    params: z
      .object({
        url: z.string().max(2000),
        password: z.string().max(2000).optional(),
        place: ExecutionPlace,
      })
      .strict(),
    result: ClusterState,
  },
  /**
   * Connects to a cluster (the given one, or the named one) and lists its live workers; a clear
   * error when Redis cannot be reached or refuses the password.
   */
  'cluster.status': {
    params: z
      .object({ url: z.string().max(2000).optional(), password: z.string().max(2000).optional() })
      .strict(),
    result: ClusterStatus,
  },
} as const satisfies Record<string, MethodSpec>

export type ClusterMethodName = keyof typeof clusterMethods
