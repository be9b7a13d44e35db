/**
 * The Train step's methods (issue 5): classifiers trained as jobs on the project's samples
 * (ml/train-classifier.ts), stored as models with their run, listed, applied as variables usable
 * in cuts, histograms and fits, and exported.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { TrainConfig, TrainMethodName, TrainResult } from '../../../shared/contract/train'
import { ExprError } from '../../../shared/expr'
import { FileExistsError } from '../io/output-file'
import { CancelledError } from '../jobs/context'
import type { RunContext } from '../jobs/runner'
import { TrainingDataError } from '../ml/build-dataset'
import { exportFileNames, exportModel } from '../ml/export-model'
import type { StoredModelJSON } from '../ml/train-classifier'
import { runClassifierTraining, streamedJson } from '../app/classifier-training'
import { scopeSource } from './project-source'
import { SpecError } from '../select/spec-error'
import { ProjectError } from '../store/project'
import { deleteModel, getModel, insertModel, listModels } from '../store/models'
import { applyModelOutput } from './apply-model'
import type { Handlers, ServiceEnv } from './env'
import type { ProjectScope } from './scope'

export function trainHandlers(env: ServiceEnv): Handlers<TrainMethodName> {
  /**
   * Trains on the samples of `scope`'s project (in memory, or out of core when the rows exceed
   * the project's memory budget: app/classifier-training.ts) and stores the model there.
   */
  async function train(
    scope: ProjectScope,
    config: TrainConfig,
    runId: string,
    ctx: RunContext,
  ): Promise<TrainResult> {
    const t0 = performance.now()
    let run
    try {
      run = await runClassifierTraining(await scopeSource(scope, ctx), config, ctx)
    } catch (e) {
      if (e instanceof TrainingDataError || e instanceof ExprError || e instanceof SpecError)
        throw new ProjectError(e.message)
      throw e
    }
    const { trained, events } = run
    const createdAt = new Date().toISOString()
    const name = config.name || `${label(config.kind)} ${createdAt.slice(0, 16).replace('T', ' ')}`
    const result: TrainResult = {
      model: {
        id: randomUUID(),
        name,
        kind: config.kind,
        inputs: [...trained.stored.inputs],
        createdAt,
        runId,
        auc_test: trained.evaluation.auc_test,
        appliedAs: null,
      },
      config,
      summary: trained.summary,
      evaluation: trained.evaluation,
      events,
      warnings: trained.warnings,
      backend: trained.backend,
      seconds: (performance.now() - t0) / 1000,
      events_per_second: trained.eventsPerSecond,
      ...(run.streamed ? { streamed: streamedJson(run.streamed) } : {}),
    }
    // A cancelled network is kept as a cancelled run with what it learned, not as a model.
    if (trained.cancelled) throw new CancelledError(result)
    insertModel(scope.requireProject(), {
      result,
      model: trained.stored,
      weights: trained.weights,
    })
    ctx.stored('model', result.model.id)
    return result
  }

  return {
    'train.start': (config) => {
      const scope = env.scope()
      let runId = ''
      // Only a network trains in batches and epochs the user can pause and step.
      runId = env.jobs.start(
        'train.start',
        `Train ${label(config.kind)}`,
        config,
        (ctx) => train(scope, config, runId, ctx),
        { pausable: config.kind === 'mlp' },
      )
      return { jobId: runId }
    },
    'train.models': () => listModels(env.requireProject()),
    'train.model': ({ id }) => getModel(env.requireProject(), id).result,
    'train.remove': ({ id }) => {
      const p = env.requireProject()
      deleteModel(p, id)
      env.modelsChanged()
      return listModels(p)
    },
    'train.apply': async ({ id, name }) => {
      await applyModelOutput(env, id, name)
      return listModels(env.requireProject())
    },
    'train.export': async ({ id, dir, overwrite }) => {
      const m = getModel(env.requireProject(), id)
      const stored = m.model as StoredModelJSON
      const folder = resolve(dir)
      if (!overwrite) {
        const taken = exportFileNames(m.info.name, stored.kind)
          .map((f) => join(folder, f))
          .find((f) => existsSync(f))
        if (taken) throw new FileExistsError(taken)
      }
      const files = await exportModel(folder, m.info.name, stored, m.weights, m.result)
      return { files }
    },
  }
}

function label(kind: TrainConfig['kind']): string {
  return kind === 'lda' ? 'Fisher' : kind === 'cuts' ? 'Rectangular cuts' : 'Neural network'
}
