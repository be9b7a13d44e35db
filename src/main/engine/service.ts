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
  type ProjectSummary,
  type RunRecord,
  type RunningJobsChoice,
  parseRequest,
} from '../../shared/api'
import { engineInfo } from './info'
import { FileExistsError } from './io/output-file'
import { JobRunner } from './jobs/runner'
import { backendCheck } from './ml/backend-check'
import { sameFile } from './store/file-identity'
import { Project, ProjectError } from './store/project'
import { readRecent, rememberRecent } from './store/recent'
import type { Handlers, ServiceEnv } from './services/env'
import { anomalyHandlers } from './services/anomaly'
import { cutsHandlers } from './services/cuts'
import { dataHandlers } from './services/data'
import { fitHandlers } from './services/fit'
import { gateHandlers } from './services/gate'
import { gridHandlers } from './services/fit-grid'
import { infernoHandlers } from './services/inferno'
import { learnHandlers } from './services/learn'
import { trainHandlers } from './services/train'
import { tuneHandlers } from './services/tune'
import { rmmHandlers } from './services/rmm'
import { specHandlers } from './services/spec'
import { clusterChoice, clusterHandlers } from './services/cluster'
import { defaultThreads, poolExecutor } from './cluster/pool'
import { inlineExecutor } from './app/task'
import { hepdataHandlers } from './services/hepdata'
import { plotsHandlers } from './services/plots'
import { ProjectSession } from './services/scope'
import { beginRun, failAbandonedRuns, finishRun, markStoppedRuns } from './store/runs'

export class EngineService {
  /** The project the window has open. */
  private session: ProjectSession | null = null
  /**
   * Every project the engine holds, by path: the open one and those the window closed while
   * some of their jobs kept running (each closed when its last job has stored its run).
   */
  private readonly held = new Map<string, ProjectSession>()
  private readonly jobs: JobRunner
  private readonly handlers: Handlers<EngineMethodName>
  /** After shutdown: jobs still winding down store nothing (their runs were recorded then). */
  private shutDown = false

  constructor(private readonly send: (msg: EngineMessage) => void) {
    this.jobs = new JobRunner((event) => this.event('job', event), {
      owner: () => this.session?.project.path ?? null,
      started: (run, path) => {
        const s = path === null ? undefined : this.held.get(path)
        if (s) beginRun(s.project, run)
      },
      finished: (run, path) => this.storeRun(run, path),
    })
    const env: ServiceEnv = {
      jobs: this.jobs,
      project: () => this.session?.project ?? null,
      requireProject: () => this.requireSession().project,
      scope: () => this.requireSession(),
      samples: () => this.requireSession().samples(),
      computedVariables: () => this.requireSession().computedVariables(),
      modelsChanged: () => this.session?.modelsChanged(),
      emit: (event, payload) => this.event(event, payload),
      projectChanged: () => {
        if (this.session) this.announce(this.session.project)
      },
    }
    this.handlers = {
      ...dataHandlers(env),
      ...fitHandlers(env),
      ...gateHandlers(env),
      ...gridHandlers(env),
      ...cutsHandlers(env),
      ...anomalyHandlers(env),
      ...trainHandlers(env),
      ...tuneHandlers(env, {
        startTraining: (config) => this.handlers['train.start'](config) as { jobId: string },
        startAnomaly: (config) => this.handlers['anomaly.train'](config) as { jobId: string },
        // Trials train networks: on the cluster when Settings choose it; else, for parallel
        // trials, on as many worker threads (each loads its own TensorFlow.js, so only when
        // asked), else in this process.
        executor: (parallel) =>
          clusterChoice() ??
          (parallel > 1 ? poolExecutor(Math.min(parallel, defaultThreads())) : inlineExecutor),
      }),
      ...infernoHandlers(env),
      ...rmmHandlers(env),
      ...learnHandlers(env),
      ...hepdataHandlers(env),
      ...plotsHandlers(env),
      // A spec's project replaces the open one when its own job (of the open project) ends.
      ...specHandlers(env, (p) => this.setProject(() => p, 'keep')),
      ...clusterHandlers(),
      'engine.info': () => engineInfo(),
      'project.create': ({ path, name, overwrite, running }) =>
        this.setProject(() => Project.create(path, name, { overwrite }), running),
      'project.open': ({ path, running }) => {
        const held = this.heldAt(path)
        // Opening the open project again changes nothing (its jobs go on).
        if (held && held === this.session?.project) return this.announce(held)
        return this.setProject(() => held ?? Project.open(path), running)
      },
      // The copy is opened; jobs running keep storing into the file they started in.
      'project.saveAs': ({ path, overwrite }) =>
        this.setProject(() => this.requireSession().project.saveAs(path, { overwrite }), 'keep'),
      'project.close': ({ running }) => {
        this.setProject(() => null, running)
        return null
      },
      'project.current': () => this.session?.project.summary() ?? null,
      'project.rename': ({ name }) => {
        const p = this.requireSession().project
        p.rename(name)
        rememberRecent(p.path, name)
        return this.announce(p)
      },
      'project.recent': () => readRecent(),
      'project.runs': () => this.session?.project.runs() ?? [],
      'jobs.list': () => this.jobs.list(),
      'jobs.attach': ({ jobId }) => this.jobs.attach(jobId),
      'jobs.cancel': ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
      'jobs.stopped': ({ jobIds }) => {
        const s = this.session
        const marked = s ? markStoppedRuns(s.project, jobIds) : 0
        if (s && marked) this.announce(s.project)
        return { marked }
      },
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

  /**
   * On shutdown: running jobs are cancelled and recorded as cancelled in their projects (their
   * work cannot finish once the engine is gone), then every held project is closed.
   */
  shutdown(): void {
    this.shutDown = true
    for (const j of this.jobs.list()) {
      this.jobs.cancel(j.id)
      const s = j.project === null ? undefined : this.held.get(j.project)
      if (!s) continue
      try {
        const now = Date.now()
        finishRun(s.project, {
          id: j.id,
          method: j.method,
          title: j.title,
          state: 'cancelled',
          params: j.params,
          error: 'cancelled: the engine shut down',
          startedAt: new Date(j.startedAt).toISOString(),
          finishedAt: new Date(now).toISOString(),
          seconds: (now - j.startedAt) / 1000,
        })
      } catch {
        // The project file may be gone; its 'running' row is marked failed when it reopens.
      }
    }
    for (const s of this.held.values()) s.close()
    this.held.clear()
    this.session = null
  }

  private event<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.send({ type: 'event', event, payload })
  }

  private log(message: string): void {
    this.event('job', { kind: 'log', jobId: '', message })
  }

  private requireSession(): ProjectSession {
    if (!this.session) throw new Error('no project is open; create or open one first')
    return this.session
  }

  /** A project the engine still holds (jobs running in it) that is the file at `path`. */
  private heldAt(path: string): Project | undefined {
    for (const s of this.held.values()) if (sameFile(path, s.project.path)) return s.project
    return undefined
  }

  /**
   * Makes `open()` the open project (null: none) and lets the window's project go. That project's
   * running jobs are cancelled or kept running as `running` says (refused when it says nothing,
   * so the window asks first); either way the project is held until they have stored their runs
   * and results in it, then closed.
   */
  private setProject(
    open: () => Project | null,
    running: RunningJobsChoice | undefined,
  ): ProjectSummary {
    const prev = this.session
    const jobs = prev ? this.jobs.of(prev.project.path) : []
    if (jobs.length && !running)
      throw new ProjectError(
        `${jobs.length === 1 ? 'a job is' : `${jobs.length} jobs are`} running in this project (${jobs.map((j) => j.title).join(', ')}): cancel ${jobs.length === 1 ? 'it' : 'them'} or keep ${jobs.length === 1 ? 'it' : 'them'} running, then close`,
      )
    const next = open()
    if (prev && next !== prev.project) {
      if (running === 'cancel') for (const j of jobs) this.jobs.cancel(j.id)
      this.session = null
      this.release(prev)
    }
    if (!next) {
      this.session = null
      this.event('project', { project: null })
      return null as never
    }
    let s = this.held.get(next.path)
    if (!s) {
      s = new ProjectSession(next, (m) => this.log(m))
      this.held.set(next.path, s)
    }
    this.session = s
    try {
      // Runs left 'running' by an engine that died with them: failed, so they are not lost.
      failAbandonedRuns(next, (id) => this.jobs.list().some((j) => j.id === id))
    } catch (e) {
      this.log(`could not check the project's runs: ${(e as Error).message}`)
    }
    const summary = next.summary()
    rememberRecent(next.path, summary.name)
    return this.announce(next)
  }

  /** Closes a project the window no longer shows, once no job of it is running. */
  private release(s: ProjectSession): void {
    if (s === this.session || this.jobs.of(s.project.path).length) return
    this.held.delete(s.project.path)
    s.close()
  }

  private announce(p: Project) {
    const summary = p.summary()
    this.event('project', { project: summary })
    return summary
  }

  /**
   * Stores a finished run in the project the job was started in — held by the engine until now,
   * open in the window or not — and closes that project when the window no longer has it open.
   */
  private storeRun(run: RunRecord, path: string | null): void {
    // Jobs started without a project still report their result; only the record is skipped.
    if (path === null || this.shutDown) return
    const s = this.held.get(path)
    if (!s) {
      // Not held any more (it cannot happen while the job runs, but never write elsewhere).
      const p = Project.open(path)
      try {
        finishRun(p, run)
      } finally {
        p.close()
      }
      return
    }
    finishRun(s.project, run)
    if (s === this.session) this.announce(s.project)
    else {
      this.event('job', {
        kind: 'log',
        jobId: run.id,
        message: `'${run.title}' ${run.state}: its run and result are stored in ${path}, which is no longer open`,
      })
      this.release(s)
    }
  }
}
