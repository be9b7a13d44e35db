/**
 * The Tune step's methods (issue 15): a study of a classifier training as a job over the
 * open project's samples (app/tune-study.ts, each trial a `tune.trial` Task), its trials stored
 * as they start and end (store/tune-studies.ts). A study the engine stopped under is
 * `interrupted` and resumes with its unfinished trials re-queued; a cancel keeps the finished
 * trials. The trials read the project's samples through its spec (sample files, variables,
 * regions), so they can run on any executor.
 */
import { randomUUID } from 'node:crypto'
import { dirname } from 'node:path'
import { AnomalyConfig } from '../../../shared/contract/anomaly'
import { TrainConfig } from '../../../shared/contract/train'
import type {
  StudyDetail,
  StudyInfo,
  TuneMethodName,
  TuneResult,
  TuneTrial,
} from '../../../shared/contract/tune'
import { inlineExecutor, type TaskExecutor } from '../app/task'
import { tuneStudy } from '../app/tune-study'
import { CancelledError, type JobContext } from '../jobs/context'
import { resolvePaths } from '../select/spec-file'
import { ProjectError } from '../store/project'
import { projectToSpec } from '../store/spec-io'
import {
  type StoredStudy,
  deleteStudy,
  dropRunningTrials,
  getStudy,
  insertStudy,
  listStudies,
  listTrials,
  putTrial,
  setStudyState,
  studyCounts,
} from '../store/tune-studies'
import { SpaceError, applyParams, parseSpace } from '../tune/space'
import type { StudyTrial } from '../tune/study'
import type { Handlers, ServiceEnv } from './env'
import { memorySetting } from './compute-settings'
import type { ProjectScope } from './scope'

/** What the tune service needs besides the env: starting a Train job, and where trials run. */
export interface TuneDeps {
  startTraining(config: TrainConfig): { jobId: string }
  startAnomaly(config: AnomalyConfig): { jobId: string }
  /**
   * The executor of a study's trials for `parallel` trials at a time (this process unless the
   * pool or cluster is set up); closed when the study ends unless it is the inline one.
   */
  executor?(parallel: number): TaskExecutor
}

const toTrial = (t: StudyTrial): TuneTrial => ({
  number: t.number,
  params: { ...t.params },
  state: t.state,
  value: t.value !== null && Number.isFinite(t.value) ? t.value : null,
  intermediate: t.intermediate.map((v) => (v !== null && Number.isFinite(v) ? v : null)),
  epochs: t.epochs,
  seconds: t.seconds,
  reason: t.reason ?? null,
})

export function tuneHandlers(env: ServiceEnv, deps: TuneDeps): Handlers<TuneMethodName> {
  /** Studies running in this engine: study id → job id. */
  const live = new Map<string, string>()

  const info = (project: ReturnType<ServiceEnv['requireProject']>, s: StoredStudy): StudyInfo => {
    const jobId = live.get(s.id) ?? null
    return {
      id: s.id,
      name: s.name,
      kind: s.settings.train.kind,
      algorithm: s.settings.algorithm,
      pruner: s.settings.pruner,
      objective: { metric: s.settings.objective.metric, direction: s.settings.objective.direction },
      state: s.state === 'running' && !jobId ? 'interrupted' : s.state,
      jobId,
      budget: s.settings.trials,
      ...studyCounts(project, s.id, s.settings.objective.direction),
      error: s.error,
      createdAt: s.createdAt,
    }
  }

  async function run(scope: ProjectScope, studyId: string, ctx: JobContext): Promise<TuneResult> {
    const project = scope.requireProject()
    const study = getStudy(project, studyId)
    if (!study) throw new ProjectError(`no study ${studyId} in this project`)
    const s = study.settings
    const dir = dirname(project.path)
    const stored = listTrials(project, studyId)
    const finished: StudyTrial[] = stored
      .filter((t) => t.state !== 'running')
      .map((t) => ({ ...t, reason: t.reason ?? undefined }))
    const pending = stored
      .filter((t) => t.state === 'running')
      .map((t) => ({ number: t.number, params: t.params }))
    const executor = deps.executor?.(s.parallel) ?? inlineExecutor
    setStudyState(project, studyId, 'running')
    try {
      // INFERNO's paper benchmark simulates its events: it needs no samples (nor a spec).
      const spec = s.train.kind === 'inferno' ? '' : resolvePaths(projectToSpec(project, dir), dir)
      const result = await tuneStudy(
        {
          spec,
          train: s.train as unknown as Record<string, unknown>,
          space: parseSpace(s.space),
          objective: s.objective,
          algorithm: s.algorithm,
          pruner: s.pruner,
          trials: s.trials,
          parallel: s.parallel,
          seed: s.seed,
          // A resumed study gets its time budget afresh.
          timeout: s.timeout ?? null,
          resource: s.resource ?? 'epochs',
          minFraction: s.minFraction,
          // The project's budget (Project → Compute), as the Train step's.
          memory: memorySetting(project),
        },
        executor,
        ctx,
        {
          finished,
          pending,
          onStart(number, params) {
            putTrial(project, studyId, {
              number,
              params: { ...params },
              state: 'running',
              value: null,
              intermediate: [],
              epochs: 0,
              seconds: 0,
              reason: null,
            })
          },
          onTrial: (t) => putTrial(project, studyId, toTrial(t)),
        },
      )
      const best = result.best ? { number: result.best.number, value: result.best.value! } : null
      const summary: TuneResult = { studyId, trials: result.trials.length, best }
      if (result.cancelled || ctx.signal.aborted) {
        dropRunningTrials(project, studyId)
        setStudyState(project, studyId, 'cancelled')
        throw new CancelledError(summary)
      }
      setStudyState(project, studyId, 'done')
      return summary
    } catch (e) {
      if (e instanceof CancelledError) {
        dropRunningTrials(project, studyId)
        setStudyState(project, studyId, 'cancelled')
      } else setStudyState(project, studyId, 'failed', e instanceof Error ? e.message : String(e))
      throw e
    } finally {
      if (executor !== inlineExecutor) await executor.close()
    }
  }

  function startJob(studyId: string, name: string, params: unknown): string {
    const scope = env.scope()
    const jobId = env.jobs.start('tune.start', `Tune ${name}`, params, async (ctx) => {
      try {
        return await run(scope, studyId, ctx)
      } finally {
        live.delete(studyId)
      }
    })
    live.set(studyId, jobId)
    return jobId
  }

  const requireStudy = (id: string): StoredStudy => {
    const s = getStudy(env.requireProject(), id)
    if (!s) throw new ProjectError(`no study ${id} in this project`)
    return s
  }

  return {
    'tune.start': (settings) => {
      const project = env.requireProject()
      try {
        parseSpace(settings.space)
      } catch (e) {
        if (e instanceof SpaceError) throw new ProjectError(e.message)
        throw e
      }
      if (
        settings.resource === 'fraction' &&
        (settings.pruner !== 'hyperband' || settings.train.kind !== 'mlp')
      )
        throw new ProjectError(
          "the training-data fraction is Hyperband's resource for a neural network (mlp)",
        )
      const createdAt = new Date().toISOString()
      const name =
        settings.name || `${settings.train.kind} ${createdAt.slice(0, 16).replace('T', ' ')}`
      const id = randomUUID()
      insertStudy(project, { id, name, settings: { ...settings, name }, createdAt })
      return { jobId: startJob(id, name, { ...settings, name }) }
    },
    'tune.resume': ({ id }) => {
      const s = requireStudy(id)
      const running = live.get(id)
      if (running) return { jobId: running }
      return { jobId: startJob(id, s.name, s.settings) }
    },
    'tune.studies': () => {
      const project = env.requireProject()
      return listStudies(project).map((s) => info(project, s))
    },
    'tune.study': ({ id }): StudyDetail => {
      const project = env.requireProject()
      const s = requireStudy(id)
      return { ...info(project, s), settings: s.settings, trials: listTrials(project, id) }
    },
    'tune.remove': ({ id }) => {
      if (live.has(id)) throw new ProjectError('the study is running: cancel it first')
      const project = env.requireProject()
      deleteStudy(project, id)
      return listStudies(project).map((s) => info(project, s))
    },
    'tune.openTrial': ({ id, number }) => {
      const project = env.requireProject()
      const s = requireStudy(id)
      const trials = listTrials(project, id)
      const n = number ?? studyCounts(project, id, s.settings.objective.direction).best?.number
      const trial = trials.find((t) => t.number === n)
      if (n === undefined || !trial) throw new ProjectError('the study has no complete trial yet')
      const config = {
        ...applyParams(s.settings.train, trial.params),
        name: `${s.name} #${trial.number}`,
      }
      if (config.kind === 'inferno')
        throw new ProjectError(
          'an INFERNO benchmark trial is not a model of this project: run `hepwb bench inferno` with its parameters',
        )
      return config.kind === 'ae' || config.kind === 'vae'
        ? deps.startAnomaly(AnomalyConfig.parse(config))
        : deps.startTraining(TrainConfig.parse(config))
    },
  }
}
