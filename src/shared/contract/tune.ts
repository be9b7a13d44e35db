/**
 * The Tune step (issue 15): hyperparameter studies of the Train step's classifiers — a search
 * space of dotted paths into the training config, an objective with its direction, a sampler
 * (grid, random, TPE) and a pruner (none, median, Hyperband) — run as a job whose trials are
 * stored in the project as they finish, so a study survives closing the window; one the engine
 * stopped under (a restart) is `interrupted` and resumes with its unfinished trials re-queued.
 */
import { z } from 'zod'
import { FiniteOrNull, JobStarted, type MethodSpec, NoParams } from './common'
import { AnomalyConfig } from './anomaly'
import { InfernoBenchmarkConfig } from './inferno'
import { TrainConfig } from './train'
import { Seed } from './training-setup'

const id = z.string().min(1).max(100)

export const TuneAlgorithm = z.enum(['grid', 'random', 'tpe'])
export type TuneAlgorithm = z.infer<typeof TuneAlgorithm>
export const TunePruner = z.enum(['none', 'median', 'hyperband'])
export type TunePruner = z.infer<typeof TunePruner>
export const TuneMetric = z.enum([
  'auc_test',
  'val_loss',
  'eff_s_at_eff_b',
  'significance',
  'discovery_z',
  'anomaly_auc',
  'sigma_poi',
])
export type TuneMetric = z.infer<typeof TuneMetric>
export const TuneDirection = z.enum(['minimize', 'maximize'])
export type TuneDirection = z.infer<typeof TuneDirection>

/**
 * The space as `hepwb tune` writes it: parameter (dotted path) → `{"int"|"float": [lo, hi],
 * "log"?, "step"?}` or `{"choice": [...]}`, optionally `"when": {"param", "in"}` and `"grid"`.
 * Checked by the engine (tune/space.ts), which names the parameter that is wrong.
 */
export const TuneSpace = z.record(z.string().min(1).max(200), z.record(z.string(), z.unknown()))
export type TuneSpace = z.infer<typeof TuneSpace>

/**
 * INFERNO on the paper benchmark (the options of `hepwb bench inferno`; events simulated, no
 * project samples): objectives `sigma_poi` (median σ of the signal yield over its seeds) and
 * `val_loss`.
 */
export const InfernoTuneConfig = InfernoBenchmarkConfig.extend({ kind: z.literal('inferno') })
export type InfernoTuneConfig = z.infer<typeof InfernoTuneConfig>

export const TuneStart = z
  .object({
    name: z.string().max(200).default(''),
    /** A Train step classifier, an Anomaly step autoencoder / VAE, or INFERNO's benchmark. */
    train: z.union([TrainConfig, AnomalyConfig, InfernoTuneConfig]),
    space: TuneSpace,
    objective: z
      .object({
        metric: TuneMetric,
        direction: TuneDirection,
        effB: z.number().gt(0).lt(1).optional(),
        /** The signal sample of `anomaly_auc` (default: the first). */
        signal: z.string().min(1).max(100).optional(),
      })
      .strict(),
    algorithm: TuneAlgorithm,
    pruner: TunePruner,
    trials: z.number().int().min(1).max(100_000),
    parallel: z.number().int().min(1).max(64).default(1),
    seed: Seed,
    /** Seconds after which no new trial starts (running ones finish); null: no limit. */
    timeout: z.number().positive().max(1e7).nullable().default(null),
    /** Hyperband's resource: epochs, or the training-data fraction (mlp). */
    resource: z.enum(['epochs', 'fraction']).default('epochs'),
    /** The smallest training-data fraction with `resource: "fraction"` (default 1/9). */
    minFraction: z.number().gt(0).lt(1).optional(),
  })
  .strict()
export type TuneStart = z.infer<typeof TuneStart>

export const TrialState = z.enum(['running', 'complete', 'pruned', 'failed'])
export type TrialState = z.infer<typeof TrialState>

export const TuneTrial = z.object({
  number: z.number().int(),
  params: z.record(z.string(), z.unknown()),
  state: TrialState,
  value: FiniteOrNull,
  /** Validation loss per epoch (null where not finite). */
  intermediate: z.array(FiniteOrNull),
  epochs: z.number().int(),
  seconds: z.number(),
  reason: z.string().nullable(),
})
export type TuneTrial = z.infer<typeof TuneTrial>

/** `interrupted`: stored as running, but no job of this engine runs it (resume it). */
export const StudyState = z.enum(['running', 'interrupted', 'done', 'cancelled', 'failed'])
export type StudyState = z.infer<typeof StudyState>

export const StudyInfo = z.object({
  id,
  name: z.string(),
  kind: z.string(),
  algorithm: TuneAlgorithm,
  pruner: TunePruner,
  objective: z.object({ metric: TuneMetric, direction: TuneDirection }),
  state: StudyState,
  /** The job running it in this engine, if any. */
  jobId: z.string().nullable(),
  budget: z.number().int(),
  counts: z.object({
    running: z.number().int(),
    complete: z.number().int(),
    pruned: z.number().int(),
    failed: z.number().int(),
  }),
  best: z.object({ number: z.number().int(), value: z.number() }).nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
})
export type StudyInfo = z.infer<typeof StudyInfo>

export const StudyDetail = StudyInfo.extend({ settings: TuneStart, trials: z.array(TuneTrial) })
export type StudyDetail = z.infer<typeof StudyDetail>

/** What a study job ends with (the trials stay in the study's rows). */
export const TuneResult = z.object({
  studyId: id,
  trials: z.number().int(),
  best: z.object({ number: z.number().int(), value: z.number() }).nullable(),
})
export type TuneResult = z.infer<typeof TuneResult>

export const tuneMethods = {
  /** Job: runs a new study; trials are stored as they start and finish. */
  'tune.start': { params: TuneStart, result: JobStarted, job: TuneResult },
  /** Job: runs an interrupted or cancelled study on; its unfinished trials first. */
  'tune.resume': { params: z.object({ id }).strict(), result: JobStarted, job: TuneResult },
  'tune.studies': { params: NoParams, result: z.array(StudyInfo) },
  'tune.study': { params: z.object({ id }).strict(), result: StudyDetail },
  'tune.remove': { params: z.object({ id }).strict(), result: z.array(StudyInfo) },
  /**
   * Job: trains the study's best trial (or trial `number`) as a model of the Train step (an
   * autoencoder: of the Anomaly step) — its training config with the trial's parameters, the
   * same seed, so the same network.
   */
  'tune.openTrial': {
    params: z.object({ id, number: z.number().int().min(0).optional() }).strict(),
    result: JobStarted,
  },
} as const satisfies Record<string, MethodSpec>

export type TuneMethodName = keyof typeof tuneMethods
