/**
 * A tuning study of a classifier training as a use case: each trial is a `tune.trial` Task run
 * on the executor the caller passes (this process, the worker-thread pool or the cluster), N at
 * a time; the study (tune/study.ts) suggests, prunes and records. The window's service and
 * `hepwb tune` both run this.
 */
import { CancelledError, type JobContext } from '../jobs/context'
import { fractionUnits, type PrunerName, type PrunerResource } from '../tune/pruner'
import type { Algorithm } from '../tune/sampler'
import { applyParams, type SearchSpace } from '../tune/space'
import {
  StudyError,
  runStudy,
  type StudyHooks,
  type StudyResult,
  type TrialOutcome,
} from '../tune/study'
import type { TaskExecutor } from './task'
import { type Objective, type TrialPayload, forgetTrialData, trialTask } from './tune-trial'

export interface TuneRequest {
  /** The analysis spec the trials read (absolute path, or the spec with absolute sample paths). */
  readonly spec: TrialPayload['spec']
  /** The training config of `hepwb train` without its "spec" (parameters are set into a copy). */
  readonly train: Readonly<Record<string, unknown>>
  readonly space: SearchSpace
  readonly objective: Objective
  readonly algorithm: Algorithm
  readonly pruner: PrunerName
  readonly trials: number
  readonly parallel: number
  readonly seed: number
  /** Seconds after which no new trial starts; null: no limit. */
  readonly timeout?: number | null
  /** Hyperband's resource: the epochs (default) or the training-data fraction (mlp). */
  readonly resource?: PrunerResource
  /** With the fraction as resource: the smallest fraction (default 1/9: rungs 1/9, 1/3, 1). */
  readonly minFraction?: number
  /** Bytes each trial's passes over events may hold (TrialPayload.memory). */
  readonly memory?: number
}

/** The epochs of the training config: Hyperband's full resource. */
export function maxEpochs(train: Readonly<Record<string, unknown>>): number {
  const options = train.options as { epochs?: unknown } | undefined
  // INFERNO's benchmark options are top-level (epochs, seeds; its default 20 epochs, 1 seed).
  const inferno = train.kind === 'inferno'
  const e = Number((inferno ? train.epochs : options?.epochs) ?? (inferno ? 20 : 50))
  const seeds = inferno ? Number(train.seeds ?? 1) : 1
  return Number.isInteger(e) && e > 0 ? e * (Number.isInteger(seeds) && seeds > 0 ? seeds : 1) : 50
}

export async function tuneStudy(
  request: TuneRequest,
  executor: TaskExecutor,
  ctx: JobContext,
  hooks: Omit<StudyHooks, 'signal'> = {},
): Promise<StudyResult> {
  const fraction = request.resource === 'fraction'
  const pruner = {
    name: request.pruner,
    maxResource: fraction ? fractionUnits(request.minFraction ?? 1 / 9) : maxEpochs(request.train),
    seed: request.seed,
    resource: request.resource ?? 'epochs',
  }
  let done = 0
  const budget = request.trials
  try {
    return await runStudy(
      {
        space: request.space,
        algorithm: request.algorithm,
        direction: request.objective.direction,
        trials: request.trials,
        parallel: request.parallel,
        seed: request.seed,
        pruner,
        timeout: request.timeout ?? null,
      },
      async ({ number, params, peers }) => {
        const task = trialTask({
          spec: request.spec,
          config: applyParams(request.train, params),
          objective: request.objective,
          pruner,
          number,
          ...(request.memory === undefined ? {} : { memory: request.memory }),
          // The pruner's snapshot: what it compares with, without the parameters.
          peers: peers.map(({ number, state, value, intermediate }) => ({
            number,
            state,
            value,
            intermediate,
            params: {},
          })),
        })
        let outcome: TrialOutcome | undefined
        try {
          // The trial's per-epoch values come back on its message channel wherever it runs (this
          // process, a worker thread, a cluster worker): the Tune view's live curves.
          const trialCtx = trialContext(ctx, number)
          await executor.run(
            [task],
            trialCtx,
            (_, r) => {
              outcome = r as TrialOutcome
            },
            undefined,
            (_, m) =>
              m.type === 'metric'
                ? trialCtx.metric(m.name, m.step, m.value)
                : trialCtx.log(m.message),
          )
        } catch (e) {
          // The trial's own failures come back as results: this is where trials run failing.
          if (e instanceof CancelledError || ctx.signal.aborted) throw e
          throw new StudyError(
            `trial ${number} could not run on ${executor.describe()}: ${e instanceof Error ? e.message : String(e)}`,
            { cause: e },
          )
        }
        if (!outcome) throw new Error(`trial ${number}: the executor returned no result`)
        return outcome
      },
      {
        ...hooks,
        signal: ctx.signal,
        onTrial(trial) {
          done++
          ctx.progress(Math.min(done / budget, 1), `trial ${trial.number}: ${trial.state}`)
          hooks.onTrial?.(trial)
        },
      },
    )
  } finally {
    // Trials run in this process keep their training set between trials, not after the study.
    forgetTrialData()
  }
}

/** The study's context for one trial: its metrics named `trial N/…`, its progress not the study's. */
function trialContext(ctx: JobContext, number: number): JobContext {
  return {
    signal: ctx.signal,
    progress() {},
    metric: (name, step, value) => ctx.metric(`trial ${number}/${name}`, step, value),
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
  }
}
