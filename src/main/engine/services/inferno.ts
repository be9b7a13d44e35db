/**
 * INFERNO (issue 7) as jobs: the paper benchmark (ml/inferno/benchmark-job.ts) and INFERNO on
 * the project's samples with nuisances (ml/inferno/project-*.ts), each beside the cross-entropy
 * baseline. The job runner stores each result as a run; no model row is written.
 * Each job is pausable: its training loops await the job runner's gate (jobs/gate.ts), which
 * `jobs.pause` / `jobs.step` / … and their older names `inferno.pause` / `inferno.resume` /
 * `inferno.step` / `inferno.state` drive; `inferno.study` retrains over bins,
 * τ or the training fraction; `inferno.export` / `inferno.exportFile` hand a trained summary's
 * pyhf workspace to the Fit view or to a file.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import {
  type InfernoMethodName,
  type InfernoModelInfo,
  type InfernoProjectConfig,
  type InfernoProjectResult,
  type InfernoStudyConfig,
  type InfernoStudyResult,
  STUDY_VALUES,
} from '../../../shared/contract/inferno'
import type { JobGateState } from '../../../shared/contract/gate'
import { ExprError } from '../../../shared/expr'
import { writeOutputFile } from '../io/output-file'
import { gateOf, silentContext, type JobContext, type TrainingGate } from '../jobs/context'
import type { RunContext } from '../jobs/runner'
import { chooseBackend } from '../ml/backend'
import { TrainingDataError } from '../ml/build-dataset'
import { benchmarkJob } from '../ml/inferno/benchmark-job'
import { infernoCancelled } from '../ml/inferno/cancelled'
import { prefixedContext } from '../ml/inferno/metric-prefix'
import {
  InfernoSetupError,
  PARTS,
  extraExpressions,
  projectEvents,
  variationSampleNames,
} from '../ml/inferno/project-data'
import { evaluateOrderedSummary } from '../ml/inferno/project-evaluate'
import { summaryDocument } from '../ml/inferno/summary-model'
import {
  type ProjectNetwork,
  trainProjectBce,
  trainProjectInferno,
} from '../ml/inferno/project-model'
import {
  streamedTemplates,
  trainProjectBceStreamed,
  trainProjectInfernoStreamed,
} from '../ml/inferno/project-streamed'
import { projectStudy } from '../ml/inferno/project-study'
import { benchmarkStudy } from '../ml/inferno/study-job'
import { WorkspaceError, parseWorkspace } from '../stats/workspace'
import { insertWorkspace } from '../store/fits'
import {
  deleteInfernoModel,
  getInfernoModel,
  insertInfernoModel,
  listInfernoModels,
} from '../store/inferno-models'
import { streamingContext } from '../app/classifier-training'
import { infernoEvents, type InfernoEvents } from '../app/inferno-training'
import { trainingEvents } from '../app/training-set'
import { scopeSource } from './project-source'
import { SpecError } from '../select/spec-error'
import { ProjectError } from '../store/project'
import { applyModelOutput } from './apply-model'
import type { Handlers, ServiceEnv } from './env'
import type { ProjectScope } from './scope'

export function infernoHandlers(env: ServiceEnv): Handlers<InfernoMethodName> {
  /** Starts a pausable job; its training loops await the job's gate. */
  function startControlled<T>(
    method: InfernoMethodName,
    title: string,
    params: unknown,
    work: (ctx: RunContext, gate: TrainingGate) => Promise<T>,
  ): { jobId: string } {
    const jobId = env.jobs.start(method, title, params, (ctx) => work(ctx, gateOf(ctx)), {
      pausable: true,
    })
    return { jobId }
  }

  /** The INFERNO names of the job runner's control (kept for existing windows and scripts). */
  function control(jobId: string, act: () => JobGateState | Promise<JobGateState>) {
    const info = env.jobs.list().find((j) => j.id === jobId)
    if (!info || !info.method.startsWith('inferno.'))
      throw new Error(`no running INFERNO job with id ${jobId} (it may have finished)`)
    return act()
  }

  /** The pyhf workspace of a summary, validated before it is stored or written. */
  function checkedWorkspace(workspace: unknown): unknown {
    try {
      parseWorkspace(workspace)
    } catch (e) {
      if (e instanceof WorkspaceError) throw new ProjectError(`not a pyhf workspace: ${e.message}`)
      throw e
    }
    return workspace
  }

  /** `work`'s set-up mistakes (a nuisance, an expression, the samples) as user errors. */
  async function userErrors<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (e) {
      if (
        e instanceof InfernoSetupError ||
        e instanceof TrainingDataError ||
        e instanceof ExprError ||
        e instanceof SpecError
      )
        throw new ProjectError(e.message)
      throw e
    }
  }

  /** The project's events for an INFERNO set-up; set-up mistakes become user errors. */
  function selectEvents(scope: ProjectScope, config: InfernoProjectConfig, ctx: JobContext) {
    return userErrors(async () => {
      const inputs = [...config.inputs, ...extraExpressions(config.nuisances)]
      // Up / down variation samples are read in the same region but are not processes.
      const extra = variationSampleNames(config.nuisances)
      const source = await scopeSource(scope, ctx)
      const read = await trainingEvents(source, { ...config, inputs, extra }, ctx)
      const processes = read.length - extra.length
      return projectEvents(read.slice(0, processes), config, read.slice(processes))
    })
  }

  /**
   * Trains INFERNO and the cross-entropy baseline on the samples of `scope`'s project and stores
   * the INFERNO summary there as a model with its whole evaluation (listed, reopened and applied
   * like a classifier).
   */
  async function train(
    scope: ProjectScope,
    config: InfernoProjectConfig,
    runId: string,
    ctx: RunContext,
    gate: TrainingGate,
  ): Promise<InfernoProjectResult> {
    const events = await userErrors(async () =>
      infernoEvents(await scopeSource(scope, ctx), config, ctx),
    )
    try {
      return await trainOn(scope, events, config, runId, ctx, gate)
    } finally {
      if (events.kind === 'streamed') events.release()
    }
  }

  /** INFERNO and the baseline trained on events in memory or streamed, evaluated, stored. */
  async function trainOn(
    scope: ProjectScope,
    events: InfernoEvents,
    config: InfernoProjectConfig,
    runId: string,
    ctx: RunContext,
    gate: TrainingGate,
  ): Promise<InfernoProjectResult> {
    const t0 = performance.now()
    const ev = events.kind === 'memory' ? events.ev : events.sev.meta
    const { tf, backend } = await chooseBackend()
    const o = config.options
    const opts = { ...o, hidden: o.layers }
    // Streamed: the progress says so, and the trainers read window by window.
    const jobCtx = events.kind === 'streamed' ? streamingContext(ctx, events.streamed) : ctx
    const trainer = (kind: 'inferno' | 'bce') => {
      const c = prefixedContext(jobCtx, kind)
      if (events.kind === 'memory')
        return kind === 'inferno'
          ? trainProjectInferno(tf, events.ev, opts, c, gate)
          : trainProjectBce(tf, events.ev, opts, c, gate)
      return kind === 'inferno'
        ? trainProjectInfernoStreamed(tf, events.sev, opts, c, events.windowRows, gate)
        : trainProjectBceStreamed(tf, events.sev, opts, c, events.windowRows, gate)
    }
    const templates = (net: ProjectNetwork, kind: 'inferno' | 'bce', bins: number) =>
      events.kind === 'memory'
        ? undefined
        : streamedTemplates(events.sev, net, kind, bins, silentContext())
    jobCtx.progress(0.05, 'training INFERNO')
    const inf = await trainer('inferno')
    if (ctx.signal.aborted) {
      inf.net.dispose()
      throw infernoCancelled('inferno', inf.history)
    }
    jobCtx.progress(0.5, 'training the cross-entropy baseline')
    const bce = await trainer('bce')
    if (ctx.signal.aborted) {
      for (const t of [inf, bce]) t.net.dispose()
      throw infernoCancelled('bce', bce.history)
    }
    jobCtx.progress(0.9, 'profile likelihood of both summaries')
    const { summary: inferno, order } = evaluateOrderedSummary(
      ev,
      inf,
      'inferno',
      o.bins,
      o.orderBySb,
      await templates(inf, 'inferno', o.bins),
    )
    const bceSummary = evaluateOrderedSummary(
      ev,
      bce,
      'bce',
      10,
      o.orderBySb,
      await templates(bce, 'bce', 10),
    ).summary
    const perEpoch = (h: typeof inf.history) => h.trainSeconds / Math.max(h.epochs, 1)
    const count = (part: number) => {
      if (events.kind === 'streamed') return { ...events.sev.events[part] }
      let signal = 0
      let background = 0
      for (let i = 0; i < ev.part.length; i++)
        if (ev.part[i] === part) {
          if (ev.signal[i]) signal++
          else background++
        }
      return { signal, background }
    }
    const createdAt = new Date().toISOString()
    const model: InfernoModelInfo = {
      id: randomUUID(),
      name: config.name || `INFERNO ${createdAt.slice(0, 16).replace('T', ' ')}`,
      inputs: [...config.inputs],
      bins: o.bins,
      createdAt,
      runId,
      sigma: inferno.profile.sigma,
      sigmaBce: bceSummary.profile.sigma,
      appliedAs: null,
    }
    const result: InfernoProjectResult & { model: InfernoModelInfo } = {
      model,
      config,
      expected: { ...ev.yields },
      inferno,
      bce: bceSummary,
      events: {
        train: count(PARTS.train),
        validation: count(PARTS.validation),
        test: count(PARTS.test),
      },
      warnings: ev.warnings,
      seconds_per_epoch: { inferno: perEpoch(inf.history), bce: perEpoch(bce.history) },
      backend,
      seconds: (performance.now() - t0) / 1000,
    }
    const stored = summaryDocument(inf, config.inputs, o.bins, order)
    inf.net.dispose()
    bce.net.dispose()
    insertInfernoModel(scope.requireProject(), { result, ...stored })
    ctx.stored('inferno', model.id)
    return result
  }

  async function study(
    scope: ProjectScope | null,
    config: InfernoStudyConfig,
    ctx: JobContext,
    gate: TrainingGate,
  ): Promise<InfernoStudyResult> {
    const t0 = performance.now()
    const values = config.values ?? STUDY_VALUES[config.parameter]
    let points: InfernoStudyResult['points']
    let backend: string
    if (config.project && scope) {
      const ev = await selectEvents(scope, config.project, ctx)
      const chosen = await chooseBackend()
      backend = chosen.backend
      const epochs = { inferno: config.epochs, bce: config.bceEpochs }
      points = await projectStudy(
        chosen.tf,
        ev,
        config.project,
        config.parameter,
        values,
        epochs,
        ctx,
        gate,
      )
    } else {
      const chosen = await chooseBackend()
      backend = chosen.backend
      points = await benchmarkStudy(chosen.tf, config.benchmark!, { ...config, values }, ctx, gate)
    }
    return {
      config,
      points,
      bceApplies: config.parameter !== 'tau',
      backend,
      seconds: (performance.now() - t0) / 1000,
    }
  }

  return {
    'inferno.benchmark': (config) =>
      startControlled(
        'inferno.benchmark',
        `INFERNO benchmark ${config.benchmark}`,
        config,
        async (ctx, gate) => {
          const { tf, backend } = await chooseBackend()
          return benchmarkJob(tf, backend, config, ctx, gate)
        },
      ),
    'inferno.train': (config) => {
      const scope = env.scope()
      let runId = ''
      const started = startControlled(
        'inferno.train',
        `INFERNO ${config.name || 'on project samples'}`,
        config,
        (ctx, gate) => train(scope, config, runId, ctx, gate),
      )
      runId = started.jobId
      return started
    },
    'inferno.models': () => listInfernoModels(env.requireProject()),
    'inferno.model': ({ id }) => getInfernoModel(env.requireProject(), id).result,
    'inferno.remove': ({ id }) => {
      const p = env.requireProject()
      deleteInfernoModel(p, id)
      env.modelsChanged()
      return listInfernoModels(p)
    },
    'inferno.apply': async ({ id, name }) => {
      getInfernoModel(env.requireProject(), id) // names a model that is not there
      await applyModelOutput(env, id, name)
      return listInfernoModels(env.requireProject())
    },
    'inferno.study': (config) => {
      const scope = config.project ? env.scope() : null
      const on = config.benchmark ? config.benchmark.benchmark : 'project samples'
      return startControlled(
        'inferno.study',
        `INFERNO study: σ vs ${config.parameter} (${on})`,
        config,
        (ctx, gate) => study(scope, config, ctx, gate),
      )
    },
    'inferno.pause': ({ jobId }) => control(jobId, () => env.jobs.pause(jobId)),
    'inferno.resume': ({ jobId }) => control(jobId, () => env.jobs.resume(jobId)),
    'inferno.step': ({ jobId, unit }) => control(jobId, () => env.jobs.step(jobId, unit)),
    'inferno.state': ({ jobId }) => control(jobId, () => env.jobs.gateState(jobId)),
    'inferno.export': ({ workspace, name }) => {
      const project = env.requireProject()
      const id = randomUUID()
      insertWorkspace(project.database, {
        id,
        name,
        source: null,
        workspace: checkedWorkspace(workspace),
        patchset: null,
        createdAt: new Date().toISOString(),
      })
      return { workspaceId: id, name }
    },
    'inferno.exportFile': ({ workspace, path, overwrite }) => {
      const target = resolve(path)
      const text = JSON.stringify(checkedWorkspace(workspace), null, 2) + '\n'
      writeOutputFile(target, text, overwrite)
      return { path: target }
    },
  }
}
