/**
 * The Anomaly view's methods (issue 8): autoencoders and VAEs trained as jobs on the project's
 * background samples (ml/autoencoder/train.ts), signals scored, stored as models (kinds ae /
 * vae) with their display; sanity tests and generation on a stored model re-read the same
 * events (same set-up and split seed) and restore the stored weights.
 */
import { randomUUID } from 'node:crypto'
import type {
  AnomalyConfig,
  AnomalyMethodName,
  AnomalyTrainResult,
  SanityOutcome,
  SanityRequest,
} from '../../../shared/contract/anomaly'
import { ExprError } from '../../../shared/expr'
import { nameRecord } from '../../../shared/name-record'
import { CancelledError, type JobContext, silentContext } from '../jobs/context'
import type { RunContext } from '../jobs/runner'
import { TrainingDataError } from '../ml/build-dataset'
import { PART, type TrainingData } from '../ml/dataset'
import { weightedRoc } from '../ml/evaluate/roc'
import { anomalyDisplay, displayRange, minimum, unitHistogram } from '../ml/autoencoder/display'
import { fromStored, toStored } from '../ml/autoencoder/format'
import { compareGenerated, generateEvents } from '../ml/autoencoder/generate'
import { withModelRunner } from '../ml/autoencoder/runner'
import { leaveOneOut, runSanityTest } from '../ml/autoencoder/sanity'
import { evaluateAnomaly, scoreData } from '../ml/autoencoder/score'
import { trainAnomaly } from '../ml/autoencoder/train'
import { anomalyDataOf, runAnomalyTraining } from '../app/anomaly-training'
import { scopeSource } from './project-source'
import { SpecError } from '../select/spec-error'
import {
  deleteAnomalyModel,
  getAnomalyModel,
  insertAnomalyModel,
  listAnomalyModels,
} from '../store/anomaly-models'
import { ProjectError } from '../store/project'
import { applyModelOutput } from './apply-model'
import type { Handlers, ServiceEnv } from './env'
import type { ProjectScope } from './scope'

const SANITY_BINS = 40

export function anomalyHandlers(env: ServiceEnv): Handlers<AnomalyMethodName> {
  /** The anomaly data set of `config` from the samples of `scope`'s project. */
  async function dataOf(scope: ProjectScope, config: AnomalyConfig, ctx: JobContext) {
    try {
      return await anomalyDataOf(await scopeSource(scope, ctx), config, ctx)
    } catch (e) {
      if (e instanceof TrainingDataError || e instanceof ExprError || e instanceof SpecError)
        throw new ProjectError(e.message)
      throw e
    }
  }

  /** Runs `f` with a tensor runner of `model`, disposing its tensors afterwards. */
  async function colours(scope: ProjectScope): Promise<Record<string, string | null>> {
    const all = await scope.samples().all()
    return nameRecord(all.map((s) => [s.stored.spec.name, s.stored.spec.colour ?? null]))
  }

  /**
   * Trains in memory, or streaming from the sample files when the options ask for it or the
   * background exceeds their memory budget (app/anomaly-training.ts); a user-facing error
   * names why training failed.
   */
  async function trainRun(scope: ProjectScope, config: AnomalyConfig, ctx: JobContext) {
    try {
      return await runAnomalyTraining(await scopeSource(scope, ctx), config, ctx)
    } catch (e) {
      if (e instanceof CancelledError || e instanceof ProjectError) throw e
      throw new ProjectError((e as Error).message)
    }
  }

  /**
   * Trains, evaluates and stores a model in `scope`'s project; a user-facing error names why
   * training failed.
   */
  async function train(
    scope: ProjectScope,
    config: AnomalyConfig,
    runId: string,
    ctx: RunContext,
  ): Promise<AnomalyTrainResult> {
    const t0 = performance.now()
    const { data, trained, streamed, means, ...rest } = await trainRun(scope, config, ctx)
    const warnings = streamed
      ? [
          `trained streaming from the sample files (${streamed.chunks} chunks, a ${(streamed.budget / 1048576).toFixed(0)} MB budget); scored on ${streamed.scored} of ${streamed.validation} validation background events`,
          ...rest.warnings,
        ]
      : rest.warnings
    const cols = await colours(scope)
    const { evaluation, display } = await withModelRunner(trained.model, (run) => {
      const losses = scoreData(trained.model, run, data)
      return {
        evaluation: evaluateAnomaly(data, losses),
        display: anomalyDisplay(trained.model, run, data, losses, cols, streamed?.yieldScale),
      }
    })
    const createdAt = new Date().toISOString()
    const kindLabel = config.kind === 'vae' ? 'VAE' : 'Autoencoder'
    const name = config.name || `${kindLabel} ${createdAt.slice(0, 16).replace('T', ' ')}`
    const signal = nameRecord<number>()
    for (const s of data.samples) if (s.role === 'signal') signal[s.name] = 0
    for (let i = 0; i < data.n; i++) if (data.y[i]) signal[data.samples[data.sample[i]].name] += 1
    const result: AnomalyTrainResult = {
      model: {
        id: randomUUID(),
        name,
        kind: config.kind,
        inputs: [...data.inputs],
        createdAt,
        runId,
        auc: nameRecord(evaluation.signals.map((s) => [s.name, s.auc])),
        bestSingleAuc: evaluation.best_single_variable?.auc ?? null,
        appliedAs: null,
      },
      config,
      summary: trained.summary,
      evaluation,
      display,
      events: { ...trained.events, signal },
      warnings: [...warnings, ...trained.warnings],
      backend: trained.backend,
      seconds: (performance.now() - t0) / 1000,
      events_per_second: trained.eventsPerSecond,
    }
    if (trained.summary.stopped === 'cancelled') throw new CancelledError(result)
    const { document, weightData } = toStored(trained.model, name, 'weights.bin', config)
    insertAnomalyModel(scope.requireProject(), {
      result,
      document,
      weights: weightData,
      missing: { ...config.missing, means: [...means] },
    })
    ctx.stored('anomaly', result.model.id)
    return result
  }

  /** A stored model with the data set it was trained on (re-selected with the same split). */
  async function restore(scope: ProjectScope, id: string, ctx: JobContext) {
    const stored = getAnomalyModel(scope.requireProject(), id)
    const model = fromStored(stored.document, stored.weights)
    const { data } = await dataOf(scope, stored.result.config, ctx)
    if (data.inputs.join('\n') !== model.arch.inputs.join('\n'))
      throw new ProjectError(`model '${stored.result.model.name}': its inputs no longer match`)
    return { stored, model, data }
  }

  async function sanity(
    scope: ProjectScope,
    id: string,
    test: SanityRequest,
    seed: number,
    ctx: JobContext,
  ): Promise<SanityOutcome> {
    const { stored, model, data } = await restore(scope, id, ctx)
    if (test.kind !== 'leave_out') {
      ctx.progress(0.5, 'scoring')
      const r = await withModelRunner(model, (run) => runSanityTest(model, run, data, test, seed))
      const label =
        test.kind === 'scale'
          ? `${test.input} × ${test.factor} on ${(100 * test.fraction).toFixed(0)}% of the validation background`
          : test.kind === 'shuffle'
            ? 'inputs shuffled independently across validation events'
            : 'dummy rows uniform in each input’s range'
      return outcome(test, label, r.auc, r.background, r.modified)
    }
    // Leave one out: a new model trained without the process, which is then scored.
    const config = stored.result.config
    let left: TrainingData
    try {
      left = leaveOneOut(data, test.sample)
    } catch (e) {
      throw new ProjectError((e as Error).message)
    }
    const trained = await trainAnomaly(left, config, ctx)
    const s = left.samples.findIndex((v) => v.name === test.sample)
    const losses = await withModelRunner(trained.model, (run) =>
      scoreData(trained.model, run, left),
    )
    const bgRows: number[] = []
    const outRows: number[] = []
    for (let i = 0; i < left.n; i++) {
      if (left.sample[i] === s) outRows.push(i)
      else if (!left.y[i] && left.part[i] === PART.validation) bgRows.push(i)
    }
    const labels = Uint8Array.from(left.sample, (v) => (v === s ? 1 : 0))
    const roc = weightedRoc(losses.score, labels, left.weight, [...bgRows, ...outRows], 3)
    const side = (rows: number[]) => ({
      score: Float64Array.from(rows, (i) => losses.score[i]),
      weight: Float64Array.from(rows, (i) => left.weight[i]),
    })
    return outcome(
      test,
      `'${test.sample}' left out of training, then scored`,
      roc.auc,
      side(bgRows),
      side(outRows),
    )
  }

  return {
    'anomaly.train': (config) => {
      const scope = env.scope()
      let runId = ''
      const title = `Train ${config.kind === 'vae' ? 'VAE' : 'autoencoder'}`
      runId = env.jobs.start(
        'anomaly.train',
        title,
        config,
        (ctx) => train(scope, config, runId, ctx),
        { pausable: true },
      )
      return { jobId: runId }
    },
    'anomaly.models': () => listAnomalyModels(env.requireProject()),
    'anomaly.model': ({ id }) => getAnomalyModel(env.requireProject(), id).result,
    'anomaly.remove': ({ id }) => {
      const p = env.requireProject()
      deleteAnomalyModel(p, id)
      env.modelsChanged()
      return listAnomalyModels(p)
    },
    'anomaly.apply': async ({ id, name }) => {
      getAnomalyModel(env.requireProject(), id) // names a model that is not there
      await applyModelOutput(env, id, name)
      return listAnomalyModels(env.requireProject())
    },
    'anomaly.sanity': ({ id, test, seed }) => {
      const scope = env.scope()
      const name = getAnomalyModel(scope.requireProject(), id).result.model.name
      const jobId = env.jobs.start(
        'anomaly.sanity',
        `Sanity test (${test.kind}) of ${name}`,
        { id, test, seed },
        (ctx) => sanity(scope, id, test, seed, ctx),
      )
      return { jobId }
    },
    'anomaly.generate': async ({ id, count, seed }) => {
      const { model, data } = await restore(env.scope(), id, silentContext())
      if (model.arch.kind !== 'vae') throw new ProjectError('only a VAE can generate events')
      const rows: number[] = []
      for (let i = 0; i < data.n; i++) if (data.part[i] === PART.train) rows.push(i)
      const real = new Float64Array(rows.length * data.d)
      rows.forEach((i, r) => real.set(data.x.subarray(i * data.d, (i + 1) * data.d), r * data.d))
      const generated = await withModelRunner(model, (run) =>
        generateEvents(model, run, count, seed),
      )
      return compareGenerated(data.inputs, real, generated)
    },
  }
}

function outcome(
  test: SanityRequest,
  label: string,
  auc: number,
  background: { score: Float64Array; weight: Float64Array },
  modified: { score: Float64Array; weight: Float64Array },
): SanityOutcome {
  const all = new Float64Array(background.score.length + modified.score.length)
  all.set(background.score)
  all.set(modified.score, background.score.length)
  const [lo, hi] = displayRange(all, 0.001)
  const min = minimum(all, lo)
  return {
    test,
    label,
    auc: Number.isFinite(auc) ? auc : null,
    edges: Array.from({ length: SANITY_BINS + 1 }, (_, k) => min + ((hi - min) * k) / SANITY_BINS),
    background: unitHistogram(background.score, min, hi, SANITY_BINS, background.weight),
    modified: unitHistogram(modified.score, min, hi, SANITY_BINS, modified.weight),
    events: { background: background.score.length, modified: modified.score.length },
  }
}
