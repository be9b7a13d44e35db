/**
 * The engine's side of the contract: validates every incoming message, dispatches it to the
 * method's implementation and answers with exactly one response. A bad message gets an error
 * response (or, without a usable id, an error log event) and never brings the engine down.
 */
import {
  type EngineMessage,
  type EventName,
  type EventPayload,
  type EngineMethodName,
  isHostMethod,
  type RunRecord,
  parseRequest,
} from '../../shared/api'
import { engineInfo } from './info'
import { FileExistsError } from './io/output-file'
import { JobRunner } from './jobs/runner'
import { backendCheck } from './ml/backend-check'
import { Project, ProjectError } from './store/project'
import { readRecent, rememberRecent } from './store/recent'
import type { Handlers, ServiceEnv } from './services/env'
import { anomalyHandlers } from './services/anomaly'
import { cutsHandlers } from './services/cuts'
import { dataHandlers } from './services/data'
import { fitHandlers } from './services/fit'
import { infernoHandlers } from './services/inferno'
import { trainHandlers } from './services/train'
import { rmmHandlers } from './services/rmm'
import { specHandlers } from './services/spec'
import { SampleRegistry } from './samples/registry'
import type { ComputedVariable } from './select/derived'
import { appliedVariables } from './ml/applied'
import { projectAppliedModels } from './services/applied-models'

export class EngineService {
  private project: Project | null = null
  private registry: SampleRegistry | null = null
  private applied: { project: Project; variables: Promise<ComputedVariable[]> } | null = null
  private readonly jobs: JobRunner
  private readonly handlers: Handlers<EngineMethodName>

  constructor(private readonly send: (msg: EngineMessage) => void) {
    this.jobs = new JobRunner(
      (event) => this.event('job', event),
      (run) => this.storeRun(run),
    )
    const env: ServiceEnv = {
      jobs: this.jobs,
      project: () => this.project,
      requireProject: () => this.requireProject(),
      samples: () => {
        const p = this.requireProject()
        if (this.registry?.project !== p) this.registry = new SampleRegistry(p)
        return this.registry
      },
      computedVariables: () => {
        const p = this.requireProject()
        if (this.applied?.project !== p)
          this.applied = {
            project: p,
            variables: appliedVariables(projectAppliedModels(p), (m) => this.log(m)),
          }
        return this.applied.variables
      },
      modelsChanged: () => {
        this.applied = null
      },
      emit: (event, payload) => this.event(event, payload),
      projectChanged: () => {
        if (this.project) this.announce(this.project)
      },
    }
    this.handlers = {
      ...dataHandlers(env),
      ...fitHandlers(env),
      ...cutsHandlers(env),
      ...anomalyHandlers(env),
      ...trainHandlers(env),
      ...infernoHandlers(env),
      ...rmmHandlers(env),
      ...specHandlers(env, (p) => this.setProject(p)),
      'engine.info': () => engineInfo(),
      'project.create': ({ path, name, overwrite }) =>
        this.setProject(Project.create(path, name, { overwrite })),
      'project.open': ({ path }) => this.setProject(Project.open(path)),
      'project.saveAs': ({ path, overwrite }) =>
        this.setProject(this.requireProject().saveAs(path, { overwrite })),
      'project.close': () => {
        this.setProject(null)
        return null
      },
      'project.current': () => this.project?.summary() ?? null,
      'project.rename': ({ name }) => {
        const p = this.requireProject()
        p.rename(name)
        rememberRecent(p.path, name)
        return this.announce(p)
      },
      'project.recent': () => readRecent(),
      'project.runs': () => this.project?.runs() ?? [],
      'jobs.list': () => this.jobs.list(),
      'jobs.cancel': ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
      'ml.backendCheck': ({ size, repeats }) => ({
        jobId: this.jobs.start(
          'ml.backendCheck',
          `Backend check (${size}×${size})`,
          { size, repeats },
          (ctx) => backendCheck(size, repeats, ctx),
        ),
      }),
    }
  }

  /** Handles one raw message from the host; always answers requests that carry an id. */
  async handle(raw: unknown): Promise<void> {
    const parsed = parseRequest(raw)
    if (!parsed.ok) {
      if (parsed.id !== null)
        this.send({
          type: 'response',
          id: parsed.id,
          ok: false,
          error: { code: 'invalid', message: parsed.message },
        })
      else
        this.event('job', {
          kind: 'log',
          jobId: '',
          message: `ignored a message: ${parsed.message}`,
        })
      return
    }
    const { id, method, params } = parsed.request
    if (isHostMethod(method)) {
      this.send({
        type: 'response',
        id,
        ok: false,
        error: { code: 'invalid', message: `${method} is answered by the host, not the engine` },
      })
      return
    }
    try {
      const handler = this.handlers[method] as (p: unknown) => Promise<unknown> | unknown
      const result = await handler(params)
      this.send({ type: 'response', id, ok: true, result })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      // A file the request may not replace: the window asks the user and sends it again.
      const error =
        e instanceof FileExistsError
          ? { code: 'exists' as const, message, path: e.path }
          : { code: 'failed' as const, message }
      this.send({ type: 'response', id, ok: false, error })
      if (!(e instanceof ProjectError) && e instanceof Error && process.env.HEPWB_DEBUG)
        console.error(e.stack)
    }
  }

  /** Closes the project (on shutdown); running jobs are cancelled. */
  shutdown(): void {
    for (const j of this.jobs.list()) this.jobs.cancel(j.id)
    this.project?.close()
    this.project = null
  }

  private event<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.send({ type: 'event', event, payload })
  }

  private log(message: string): void {
    this.event('job', { kind: 'log', jobId: '', message })
  }

  private requireProject(): Project {
    if (!this.project) throw new Error('no project is open; create or open one first')
    return this.project
  }

  private setProject(next: Project | null) {
    if (next !== this.project) this.project?.close()
    this.project = next
    if (!next) {
      this.event('project', { project: null })
      return null as never
    }
    const summary = next.summary()
    rememberRecent(next.path, summary.name)
    return this.announce(next)
  }

  private announce(p: Project) {
    const summary = p.summary()
    this.event('project', { project: summary })
    return summary
  }

  private storeRun(run: RunRecord): void {
    // Jobs started without a project still report their result; only the record is skipped.
    if (!this.project) return
    this.project.recordRun(run)
    this.announce(this.project)
  }
}
