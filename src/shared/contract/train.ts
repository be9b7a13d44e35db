/**
 * The Train step's methods (issue 5): supervised classifiers — Fisher discriminant (`lda`),
 * rectangular cuts optimised by grid / random / genetic search (`cuts`) and neural networks with
 * binary cross entropy (`mlp`) — trained as jobs on the project's samples, judged with the TMVA
 * set of plots (`ClassifierEvaluation`), stored in the project as models and applied as
 * variables usable in cuts and fits.
 *
 * Numbers that can be undefined (a KS p-value with no test events) are `null`, never NaN.
 */
import { z } from 'zod'
import { FilePath, FiniteOrNull, JobStarted, type MethodSpec, NoParams, Overwrite } from './common'
import {
  AppliedName,
  MissingValues,
  NormMode,
  Seed,
  TrainingWeights,
  optimiserFields,
  trainingEvents,
} from './training-setup'

export { NormMode }

const num = z.number()
const maybe = FiniteOrNull
const id = z.string().min(1).max(100)
const fraction = (max: number) => z.number().min(0).max(max)

/** What every classifier is trained on. */
export const TrainSetup = z
  .object({
    ...trainingEvents,
    weights: TrainingWeights,
    /**
     * Test fraction of all events; validation fraction of the remaining (training) events; the
     * seed of the random assignment (the same seed and events give the same split).
     */
    split: z
      .object({
        test: fraction(0.9).default(0.4),
        validation: fraction(0.5).default(0.2),
        seed: Seed,
      })
      .strict()
      .default({ test: 0.4, validation: 0.2, seed: 1 }),
    /** Input preprocessing fitted on the training events (networks use it; Fisher and cuts do not need it). */
    preprocess: z
      .object({
        standardise: z.boolean().default(true),
        /** Rotate to uncorrelated inputs (the inverse square root of the training covariance). */
        decorrelate: z.boolean().default(false),
      })
      .strict()
      .default({ standardise: true, decorrelate: false }),
    missing: MissingValues,
  })
  .strict()
export type TrainSetup = z.infer<typeof TrainSetup>

/** Figure of merit of the rectangular-cut search (σ_b: relative background uncertainty). */
export const FigureOfMerit = z.enum(['s_sqrt_b', 's_sqrt_sb', 'z_asimov', 'eff_at_bkg'])
export type FigureOfMerit = z.infer<typeof FigureOfMerit>

export const LdaOptions = z.object({}).strict()

export const CutsOptions = z
  .object({
    search: z.enum(['grid', 'random', 'genetic']).default('random'),
    fom: FigureOfMerit.default('s_sqrt_b'),
    /** σ_b / b for `z_asimov`. */
    sigmaB: z.number().min(0).max(10).default(0),
    /** Background efficiency held fixed for `eff_at_bkg`. */
    bkgEff: z.number().gt(0).lt(1).default(0.1),
    /** Grid: candidate edges per input (quantiles of the signal); random/genetic: cut sets tried. */
    gridSteps: z.number().int().min(2).max(50).default(8),
    samples: z.number().int().min(10).max(1_000_000).default(20_000),
    /** Signal efficiencies at which the best cut set is reported (0.1, 0.2, …, 0.9 by default). */
    effSteps: z.number().int().min(2).max(100).default(10),
  })
  .strict()

export const Activation = z.enum(['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear'])
export type Activation = z.infer<typeof Activation>

export const MlpOptions = z
  .object({
    layers: z.array(z.number().int().min(1).max(4096)).max(20).default([64, 64]),
    activation: Activation.default('relu'),
    /** Slope of leaky relu for x < 0. */
    leakyAlpha: z.number().min(0).max(1).default(0.01),
    dropout: z.number().min(0).max(0.9).default(0),
    l2: z.number().min(0).max(1).default(0),
    ...optimiserFields,
  })
  .strict()
export type MlpOptions = z.infer<typeof MlpOptions>

export const TrainConfig = z.discriminatedUnion('kind', [
  TrainSetup.extend({ kind: z.literal('lda'), options: LdaOptions.default({}) }),
  TrainSetup.extend({
    kind: z.literal('cuts'),
    options: CutsOptions.default(CutsOptions.parse({})),
  }),
  TrainSetup.extend({ kind: z.literal('mlp'), options: MlpOptions.default(MlpOptions.parse({})) }),
])
export type TrainConfig = z.infer<typeof TrainConfig>
export type ClassifierKind = TrainConfig['kind']
export type CutsOptions = z.infer<typeof CutsOptions>

/** Weighted histograms of one quantity for signal and background (Σw and Σw² per bin). */
export const SplitHistogram = z.object({
  lo: num,
  hi: num,
  signal: z.object({ sumw: z.array(num), sumw2: z.array(num) }),
  background: z.object({ sumw: z.array(num), sumw2: z.array(num) }),
})
export type SplitHistogram = z.infer<typeof SplitHistogram>

/**
 * The TMVA set of evaluation results, weighted with the physical weights; computed on the test
 * events unless a field says otherwise.
 */
export const ClassifierEvaluation = z.object({
  auc_train: maybe,
  auc_test: maybe,
  /** ROC on the test events: signal and background efficiency per point, ε_S increasing. */
  roc: z.object({ eff_s: z.array(num), eff_b: z.array(num) }),
  /** Classifier output, train and test, each normalised to unit area in the view (null for cuts). */
  output: z
    .object({
      bins: z.number().int(),
      train: SplitHistogram,
      test: SplitHistogram,
      /** Kolmogorov–Smirnov p-values train vs test (overtraining check). */
      ks_p_signal: maybe,
      ks_p_background: maybe,
    })
    .nullable(),
  /**
   * Efficiencies and significance vs cut on the output (events with output ≥ cut), scaled to the
   * expected S and B (the region's weighted yields of the chosen samples); the best cut by
   * S/√(S+B). Null for cuts.
   */
  efficiency: z
    .object({
      cut: z.array(num),
      eff_s: z.array(num),
      eff_b: z.array(num),
      significance: z.array(maybe),
      expected_s: num,
      expected_b: num,
      best: z.object({ cut: num, s: num, b: num, significance: num }).nullable(),
    })
    .nullable(),
  /** Per input: separation ⟨S²⟩ of its signal and background shapes, and permutation importance (AUC loss). */
  ranking: z.array(z.object({ input: z.string(), separation: num, importance: maybe })),
  /** Input distributions (training + test events). */
  inputs: z.array(SplitHistogram.extend({ input: z.string() })),
  /** Linear correlation matrices of the inputs (row-major, inputs in order). */
  correlation: z.object({ signal: z.array(z.array(maybe)), background: z.array(z.array(maybe)) }),
})
export type ClassifierEvaluation = z.infer<typeof ClassifierEvaluation>

/** What each method learned, for display. */
export const ModelSummary = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('lda'),
    /** Output = offset + Σ coefficient × input (inputs in their own units). */
    coefficients: z.array(z.object({ input: z.string(), value: num })),
    offset: num,
    /** (μ_S − μ_B)² / (σ_S² + σ_B²) of the output on the training events. */
    fisherCriterion: num,
  }),
  z.object({
    kind: z.literal('cuts'),
    fom: FigureOfMerit,
    /** Best cut set per target signal efficiency (ε_S ascending); a bound may be null (open). */
    sets: z.array(
      z.object({
        eff_s: num,
        eff_b: num,
        fom: maybe,
        intervals: z.array(z.object({ input: z.string(), lo: maybe, hi: maybe })),
      }),
    ),
  }),
  z.object({
    kind: z.literal('mlp'),
    parameters: z.number().int(),
    /** Epochs run. */
    epochs: z.number().int(),
    /** 0-based epoch whose weights were kept (as the `step` of metric events); −1: none (the initial weights). */
    bestEpoch: z.number().int(),
    /** Why training ended. */
    stopped: z.enum(['epochs', 'early', 'nan', 'cancelled']),
    history: z.object({
      loss: z.array(maybe),
      val_loss: z.array(maybe),
      seconds: z.array(num),
    }),
  }),
])
export type ModelSummary = z.infer<typeof ModelSummary>

/** A trained model as the project lists it. */
export const ModelInfo = z.object({
  id,
  name: z.string(),
  kind: z.enum(['lda', 'cuts', 'mlp']),
  inputs: z.array(z.string()),
  createdAt: z.string(),
  /** The run (job) that trained it. */
  runId: z.string(),
  auc_test: maybe,
  /** The variable name under which the output is applied, or null. */
  appliedAs: z.string().nullable(),
})
export type ModelInfo = z.infer<typeof ModelInfo>

/** The job's result: the model, what it learned and how it does. */
export const TrainResult = z.object({
  model: ModelInfo,
  config: TrainConfig,
  summary: ModelSummary,
  evaluation: ClassifierEvaluation,
  /** Events per part after the region and the missing-value policy. */
  events: z.object({
    train: z.object({ signal: z.number().int(), background: z.number().int() }),
    validation: z.object({ signal: z.number().int(), background: z.number().int() }),
    test: z.object({ signal: z.number().int(), background: z.number().int() }),
  }),
  warnings: z.array(z.string()),
  backend: z.string(),
  seconds: num,
  /** Training events × epochs / training seconds (networks); events / seconds otherwise. */
  events_per_second: num,
  /**
   * Trained out of core (the events exceeded the memory budget): partitions of all samples, the
   * map/merge passes over them (Fisher, cuts; absent for the streamed network), the budget in
   * bytes. Absent: trained in memory.
   */
  streamed: z
    .object({
      partitions: z.number().int(),
      passes: z.number().int().optional(),
      budget_bytes: num,
    })
    .optional(),
})
export type TrainResult = z.infer<typeof TrainResult>

export const trainMethods = {
  /** Job: trains a classifier; progress, per-epoch `loss` / `val_loss` metrics, cancel. */
  'train.start': { params: TrainConfig, result: JobStarted, job: TrainResult },
  'train.models': { params: NoParams, result: z.array(ModelInfo) },
  /** The stored result of a model's training (summary and evaluation). */
  'train.model': { params: z.object({ id }).strict(), result: TrainResult },
  'train.remove': { params: z.object({ id }).strict(), result: z.array(ModelInfo) },
  /**
   * Adds the model's output as a variable (`name`) usable in cuts, histograms and fits; null
   * removes it.
   */
  'train.apply': {
    params: z
      .object({
        id,
        name: AppliedName,
      })
      .strict(),
    result: z.array(ModelInfo),
  },
  /**
   * Writes the model to a folder: TensorFlow.js format (model.json + weights) for networks,
   * JSON for the rest, with the preprocessing and inputs beside it. Returns the files written.
   */
  'train.export': {
    params: z.object({ id, dir: FilePath, overwrite: Overwrite }).strict(),
    result: z.object({ files: z.array(z.string()) }),
  },
} as const satisfies Record<string, MethodSpec>

export type TrainMethodName = keyof typeof trainMethods
