/**
 * What an API service (one group of methods: data, fits, …) gets from the engine: the job
 * runner, the open project, and a way to emit events. Services glue the concern folders
 * (io, data, select, ml, stats) to the project store and jobs; the concern folders stay free of
 * both.
 */
import type {
  EngineMethodName,
  EventName,
  EventPayload,
  ParsedParams,
  Result,
} from '../../../shared/api'
import type { JobRunner } from '../jobs/runner'
import type { SampleRegistry } from '../samples/registry'
import type { ComputedVariable } from '../select/derived'
import type { Project } from '../store/project'
import type { ProjectScope } from './scope'

export interface ServiceEnv extends ProjectScope {
  /** Jobs started here belong to the project open at that moment (runs stored there). */
  readonly jobs: JobRunner
  /** The open project, or null. */
  project(): Project | null
  /** The open project; throws a user-facing error when none is open. */
  requireProject(): Project
  /**
   * The open project's scope (throws when none is open), bound to that project for good: a job
   * captures it when it starts and reads and stores through it, never through the open project.
   */
  scope(): ProjectScope
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  /**
   * The open project's samples as event tables, one registry per project shared by every
   * service, so a sample is decoded and held in memory once.
   */
  samples(): SampleRegistry
  /**
   * The applied models' outputs as variables computed per event, usable like derived variables
   * (cached until modelsChanged).
   */
  computedVariables(): Promise<readonly ComputedVariable[]>
  /** Forgets the cached applied models (after apply, un-apply or remove). */
  modelsChanged(): void
  /** Re-sends the project summary (after a change that alters it). */
  projectChanged(): void
}

/** Implementations of a group of engine methods. */
export type Handlers<M extends EngineMethodName> = {
  [K in M]: (params: ParsedParams<K>) => Promise<Result<K>> | Result<K>
}
