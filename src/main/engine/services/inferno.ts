/**
 * INFERNO (issue 7) as jobs: the paper benchmark (ml/inferno/benchmark-job.ts) and INFERNO on
 * the project's samples with nuisances (ml/inferno/project-*.ts), each beside the cross-entropy
 * baseline. The job runner stores each result as a run; no model row is written.
 */
import type {
  InfernoMethodName,
  InfernoProjectConfig,
  InfernoProjectResult,
} from '../../../shared/contract/inferno'
import { ExprError } from '../../../shared/expr'
import type { JobContext } from '../jobs/context'
import { chooseBackend } from '../ml/backend'
import { TrainingDataError } from '../ml/build-dataset'
import { benchmarkJob } from '../ml/inferno/benchmark-job'
import { prefixedContext } from '../ml/inferno/metric-prefix'
import {
  InfernoSetupError,
  PARTS,
  extraExpressions,
  projectEvents,
} from '../ml/inferno/project-data'
import { evaluateProjectSummary } from '../ml/inferno/project-evaluate'
import { trainProjectBce, trainProjectInferno } from '../ml/inferno/project-model'
import { trainingEvents } from '../samples/training-events'
import { SpecError } from '../select/spec-error'
import { ProjectError } from '../store/project'
import type { Handlers, ServiceEnv } from './env'

export function infernoHandlers(env: ServiceEnv): Handlers<InfernoMethodName> {
  async function train(
    config: InfernoProjectConfig,
    ctx: JobContext,
  ): Promise<InfernoProjectResult> {
    const t0 = performance.now()
    let ev
    try {
      const selected = await trainingEvents(
        env,
        { ...config, inputs: [...config.inputs, ...extraExpressions(config.nuisances)] },
        ctx,
      )
      ev = projectEvents(selected, config)
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
    const { tf, backend } = await chooseBackend()
    const o = config.options
    const opts = { ...o, hidden: o.layers }
    ctx.progress(0.05, 'training INFERNO')
    const inf = await trainProjectInferno(tf, ev, opts, prefixedContext(ctx, 'inferno'))
    if (ctx.signal.aborted) inf.net.dispose()
    ctx.throwIfCancelled()
    ctx.progress(0.5, 'training the cross-entropy baseline')
    const bce = await trainProjectBce(tf, ev, opts, prefixedContext(ctx, 'bce'))
    if (ctx.signal.aborted) [inf, bce].forEach((t) => t.net.dispose())
    ctx.throwIfCancelled()
    ctx.progress(0.9, 'profile likelihood of both summaries')
    const inferno = evaluateProjectSummary(tf, ev, inf, 'inferno', o.bins, o.orderBySb)
    const bceSummary = evaluateProjectSummary(tf, ev, bce, 'bce', 10, o.orderBySb)
    const perEpoch = (h: typeof inf.history) => h.trainSeconds / Math.max(h.epochs, 1)
    const count = (part: number) => {
      let signal = 0
      let background = 0
      for (let i = 0; i < ev.part.length; i++)
        if (ev.part[i] === part) {
          if (ev.signal[i]) signal++
          else background++
        }
      return { signal, background }
    }
    const result: InfernoProjectResult = {
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
    inf.net.dispose()
    bce.net.dispose()
    return result
  }

  return {
    'inferno.benchmark': (config) => {
      const jobId = env.jobs.start(
        'inferno.benchmark',
        `INFERNO benchmark ${config.benchmark}`,
        config,
        async (ctx) => {
          const { tf, backend } = await chooseBackend()
          return benchmarkJob(tf, backend, config, ctx)
        },
      )
      return { jobId }
    },
    'inferno.train': (config) => {
      env.requireProject()
      const jobId = env.jobs.start(
        'inferno.train',
        `INFERNO ${config.name || 'on project samples'}`,
        config,
        (ctx) => train(config, ctx),
      )
      return { jobId }
    },
  }
}
