/**
 * Anomaly search (issue 8): autoencoders (`ae`) and variational autoencoders (`vae`) trained on
 * background samples only; every signal sample is only scored. The config is what `hepwb train`
 * reads for kinds ae / vae and what the Anomaly service will take; the result is what a training
 * run reports: the anomaly score's ROC and AUC for each signal sample against the validation
 * background, always beside the best single input variable's.
 *
 * Numbers that can be undefined (an AUC with no signal weight) are `null`, never NaN.
 *
 * The Anomaly view's methods (end of file) train as jobs on the project's samples, store the
 * models in the project (the models table, kinds `ae` / `vae`) with display histograms, and run
 * sanity tests, generation and bump searches on a stored model.
 */
import { z } from 'zod'
import { FiniteOrNull, JobStarted, type MethodSpec, NoParams, byName } from './common'
import { Activation } from './train'
import {
  AppliedName,
  Expr,
  MissingValues,
  Name,
  Seed,
  TrainingWeights,
  optimiserFields,
  trainingEvents,
} from './training-setup'

const num = z.number()
const maybe = FiniteOrNull
const units = z.array(z.number().int().min(1).max(4096)).max(20)

/**
 * Reconstruction negative log-likelihood family of one input (VAE): `gaussian` (mean, log σ) on
 * the preprocessed value; on the raw value: `lognormal` (positive continuous, with a point mass
 * at zero for x < 10⁻⁴, the continuous part truncated there), `discrete_gaussian` (counts ≥ 0,
 * e.g. jet multiplicities), `bernoulli` (0/1 flags) and `poisson` (counts).
 */
export const LikelihoodFamily = z.enum([
  'gaussian',
  'lognormal',
  'discrete_gaussian',
  'bernoulli',
  'poisson',
])
export type LikelihoodFamily = z.infer<typeof LikelihoodFamily>

/**
 * What both kinds are trained on: background events only, scored against the signal samples —
 * `signal` names the samples only scored (the ROC's positives), `background` those trained on
 * (and the ROC's negatives).
 */
export const AnomalySetup = z
  .object({
    ...trainingEvents,
    weights: TrainingWeights,
    /**
     * Validation fraction of the background events (the rest is trained on; the ROC uses the
     * validation part) and the seed of the assignment.
     */
    split: z
      .object({
        // Unlike a classifier's split: no test part, and a larger validation share by default.
        validation: z.number().min(0.05).max(0.9).default(0.4),
        seed: Seed,
      })
      .strict()
      .default({ validation: 0.4, seed: 1 }),
    preprocess: z
      .object({
        standardise: z.boolean().default(true),
        /**
         * Inputs taken as log x before standardising: `auto` every input whose training values
         * are all positive with a long right tail (skewness > 1: momenta, masses), `none`, or
         * the inputs named.
         */
        log: z.union([z.enum(['auto', 'none']), z.array(Expr).max(200)]).default('auto'),
      })
      .strict()
      .default({ standardise: true, log: 'auto' }),
    missing: MissingValues,
  })
  .strict()
export type AnomalySetup = z.infer<typeof AnomalySetup>

const networkOptions = {
  /** Hidden layer sizes of the encoder (input → … → latent). */
  encoder: units.default([32, 16]),
  /** Hidden layer sizes of the decoder (latent → … → output); null: the encoder's reversed. */
  decoder: units.nullable().default(null),
  latent: z.number().int().min(1).max(512).default(4),
  activation: Activation.default('relu'),
  leakyAlpha: z.number().min(0).max(1).default(0.01),
  ...optimiserFields,
  /** Seed of the initial weights, the shuffles and the VAE's noise. */
  seed: Seed,
  /**
   * Memory budget (MB) for the background events held during training: when the background
   * samples' events (before cuts) exceed it, training streams chunks from the sample files
   * ("megasets", same model as in memory). null: no budget, everything in memory.
   */
  memoryBudgetMB: z.number().min(1).max(1_000_000).nullable().default(null),
  /** Stream from the files even when the events fit the budget (a budget of 256 MB if none). */
  stream: z.boolean().default(false),
}

export const AutoencoderOptions = z
  .object({
    ...networkOptions,
    /** Weight of each input in the MSE (by input name; unnamed inputs weigh 1). */
    featureWeights: byName(z.number().min(0).max(1e6), Expr).prefault({}),
  })
  .strict()
export type AutoencoderOptions = z.infer<typeof AutoencoderOptions>

export const VaeOptions = z
  .object({
    ...networkOptions,
    /** Weight of the KL term; 0 makes the VAE an autoencoder with a likelihood loss. */
    beta: z.number().min(0).max(1000).default(1),
    /** Likelihood family by input name; unnamed inputs are `gaussian`. */
    likelihood: byName(LikelihoodFamily, Expr).prefault({}),
    /** Learn the prior's mean and width per latent dimension (Cerri et al. 2019) instead of N(0, 1). */
    trainablePrior: z.boolean().default(false),
    /** Anomaly score: the total loss (reconstruction + β·KL), the reconstruction NLL, or KL. */
    score: z.enum(['total', 'reconstruction', 'kl']).default('total'),
  })
  .strict()
export type VaeOptions = z.infer<typeof VaeOptions>

export const AnomalyConfig = z.discriminatedUnion('kind', [
  AnomalySetup.extend({
    kind: z.literal('ae'),
    options: AutoencoderOptions.default(AutoencoderOptions.parse({})),
  }),
  AnomalySetup.extend({
    kind: z.literal('vae'),
    options: VaeOptions.default(VaeOptions.parse({})),
  }),
])
export type AnomalyConfig = z.infer<typeof AnomalyConfig>
export type AnomalyKind = AnomalyConfig['kind']

const Curve = z.object({ eff_s: z.array(num), eff_b: z.array(num) })

/** The best single input as a cut: AUC ≥ 0.5 with the direction that gives it. */
export const BestVariable = z.object({
  name: z.string(),
  auc: maybe,
  /** `above`: large values look like signal; `below`: small values do. */
  direction: z.enum(['above', 'below']),
  roc: Curve,
})
export type BestVariable = z.infer<typeof BestVariable>

export const AnomalyEvaluation = z.object({
  /** Weighted mean anomaly score (the training loss) of the validation background. */
  val_loss: maybe,
  /** Per signal sample, vs the validation background (physical weights). */
  signals: z.array(
    z.object({
      name: z.string(),
      auc: maybe,
      roc: Curve,
      /** The input with the largest |AUC − 0.5| for this sample alone. */
      best_single_variable: BestVariable.nullable(),
    }),
  ),
  /** All signal samples together: the number the model has to beat. */
  best_single_variable: BestVariable.nullable(),
  /** Weighted mean per-input reconstruction loss of the validation background and of all signal. */
  features: z.array(z.object({ input: z.string(), background: maybe, signal: maybe })),
})
export type AnomalyEvaluation = z.infer<typeof AnomalyEvaluation>

export const AnomalySummary = z.object({
  kind: z.enum(['ae', 'vae']),
  parameters: z.number().int(),
  epochs: z.number().int(),
  bestEpoch: z.number().int(),
  stopped: z.enum(['epochs', 'early', 'nan', 'cancelled']),
  history: z.object({
    loss: z.array(maybe),
    val_loss: z.array(maybe),
    /** Loss components per epoch (train and validation); KL is empty for an autoencoder. */
    reconstruction: z.array(maybe),
    kl: z.array(maybe),
    val_reconstruction: z.array(maybe),
    val_kl: z.array(maybe),
    seconds: z.array(num),
  }),
  /** The inputs taken as log x before standardising. */
  logInputs: z.array(z.string()),
})
export type AnomalySummary = z.infer<typeof AnomalySummary>

/** A training run's result. */
export const AnomalyResult = z.object({
  config: AnomalyConfig,
  summary: AnomalySummary,
  evaluation: AnomalyEvaluation,
  events: z.object({
    train: z.number().int(),
    validation: z.number().int(),
    /** Scored events per signal sample. */
    signal: byName(z.number().int()),
  }),
  warnings: z.array(z.string()),
  backend: z.string(),
  seconds: num,
  /** Training events × epochs / training seconds. */
  events_per_second: num,
})
export type AnomalyResult = z.infer<typeof AnomalyResult>

/**
 * A one-click sanity test of a trained model (engine: ml/autoencoder/sanity.ts): one input
 * scaled on a fraction of the validation background, inputs shuffled across events, or dummy
 * rows drawn uniformly within each input's range.
 */
export const SanityTest = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('scale'),
      input: Expr,
      factor: z.number().gt(0).max(1e6),
      fraction: z.number().gt(0).lt(1).default(0.05),
    })
    .strict(),
  z.object({ kind: z.literal('shuffle') }).strict(),
  z.object({ kind: z.literal('dummy') }).strict(),
])
export type SanityTest = z.infer<typeof SanityTest>

/** Generated vs real events (engine: ml/autoencoder/generate.ts). */
export const GenerationComparison = z.object({
  /** Events compared: real (background training) and generated. */
  events: z.object({ real: z.number().int(), generated: z.number().int() }),
  features: z.array(
    z.object({
      input: z.string(),
      lo: num,
      hi: num,
      /** Fractions of all events per bin: they sum to 1 less the NaN fraction. */
      real: z.array(num),
      generated: z.array(num),
      /** Events whose value is NaN (in no bin). */
      nan: z.object({ real: z.number().int(), generated: z.number().int() }),
      /** KL(real ‖ generated) over the bins and the NaN category. */
      kl: num,
    }),
  ),
  /** Pearson correlation matrices, row-major d × d. */
  correlation: z.object({
    real: z.array(num),
    generated: z.array(num),
    difference: z.array(num),
  }),
})
export type GenerationComparison = z.infer<typeof GenerationComparison>

// ---------------------------------------------------------------------------------------------
// The Anomaly view's methods

const id = z.string().min(1).max(100)

/** A stored anomaly model as the project lists it. */
export const AnomalyModelInfo = z.object({
  id,
  name: z.string(),
  kind: z.enum(['ae', 'vae']),
  inputs: z.array(z.string()),
  createdAt: z.string(),
  /** The run (job) that trained it. */
  runId: z.string(),
  /** Per signal sample: the score's AUC against the validation background. */
  auc: byName(maybe),
  /** AUC of the best single input over all signal (what the model has to beat). */
  bestSingleAuc: maybe,
  /** The variable name under which the anomaly score is applied, or null. */
  appliedAs: z.string().nullable().default(null),
})
export type AnomalyModelInfo = z.infer<typeof AnomalyModelInfo>

/**
 * Histograms of the anomaly score on common bins (`edges`, bins + 1 values; values beyond the
 * last edge are in the last bin, below the first in the first), physical weights. Background
 * samples: their validation events, each scaled by its total weight over its validation weight
 * (the model has seen the training part), so Σ sumw is the sample's expected yield; signal
 * samples: all events.
 */
export const ScoreHistograms = z.object({
  edges: z.array(num),
  samples: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['signal', 'background']),
      colour: z.string().nullable(),
      sumw: z.array(num),
      sumw2: z.array(num),
    }),
  ),
})
export type ScoreHistograms = z.infer<typeof ScoreHistograms>

/** Display of a trained model, computed once after training from the same events. */
export const AnomalyDisplay = z.object({
  score: ScoreHistograms,
  /**
   * Per input, its term of the score (its reconstruction loss / NLL) as histograms like
   * `score`'s on its own bins. Absent in models stored before this was added.
   */
  features: z.array(ScoreHistograms.extend({ input: z.string() })).default([]),
  /**
   * Per input: the target the loss compares with (the preprocessed value for an autoencoder
   * and Gaussian inputs, the raw value otherwise) and the decoder's reconstruction of it (its
   * mean, or the family's most likely value), on the validation background; unit area.
   */
  reconstruction: z.array(
    z.object({
      input: z.string(),
      space: z.enum(['preprocessed', 'raw']),
      lo: num,
      hi: num,
      input_hist: z.array(num),
      reconstructed: z.array(num),
    }),
  ),
  /** PCA of the latent means (fitted on the validation background), a subsample per sample. */
  latent: z.object({
    explained: z.array(num),
    samples: z.array(
      z.object({ name: z.string(), role: z.enum(['signal', 'background']), points: z.array(num) }),
    ),
    /**
     * t-SNE map (2-D, x y pairs) of the latent means of a subsample of those points (seeded);
     * null when there are too few, or in models stored before it was added.
     */
    tsne: z
      .object({
        perplexity: num,
        samples: z.array(
          z.object({
            name: z.string(),
            role: z.enum(['signal', 'background']),
            points: z.array(num),
          }),
        ),
      })
      .nullable()
      .default(null),
  }),
  /**
   * Bump search: per input, weighted 2-D histograms input bin × score bin (row-major
   * bins × score bins, the score's edges) for background (validation, scaled as in `score`)
   * and all signal, so the renderer splits any input at any score-bin edge.
   */
  bump: z.array(
    z.object({
      input: z.string(),
      lo: num,
      hi: num,
      bins: z.number().int(),
      background: z.array(num),
      signal: z.array(num),
    }),
  ),
})
export type AnomalyDisplay = z.infer<typeof AnomalyDisplay>

/** The training job's result: the model as listed, the run's result and its display. */
export const AnomalyTrainResult = AnomalyResult.extend({
  model: AnomalyModelInfo,
  display: AnomalyDisplay,
})
export type AnomalyTrainResult = z.infer<typeof AnomalyTrainResult>

/** A sanity test as the view runs it: the engine's tests, or a retraining without one process. */
export const SanityRequest = z.union([
  SanityTest,
  z.object({ kind: z.literal('leave_out'), sample: Name }).strict(),
])
export type SanityRequest = z.infer<typeof SanityRequest>

export const SanityOutcome = z.object({
  test: SanityRequest,
  /** What was scored as "anomalous", in words. */
  label: z.string(),
  /** AUC of the score, modified (or left-out) events vs the untouched validation background. */
  auc: maybe,
  /** Unit-area score histograms on common edges. */
  edges: z.array(num),
  background: z.array(num),
  modified: z.array(num),
  events: z.object({ background: z.number().int(), modified: z.number().int() }),
})
export type SanityOutcome = z.infer<typeof SanityOutcome>

export const anomalyMethods = {
  /** Job: trains an autoencoder / VAE on background; `loss`, `val_loss`, `reconstruction`, `kl` metrics. */
  'anomaly.train': { params: AnomalyConfig, result: JobStarted, job: AnomalyTrainResult },
  'anomaly.models': { params: NoParams, result: z.array(AnomalyModelInfo) },
  'anomaly.model': { params: z.object({ id }).strict(), result: AnomalyTrainResult },
  'anomaly.remove': { params: z.object({ id }).strict(), result: z.array(AnomalyModelInfo) },
  /** Job: one sanity test on a stored model (a leave-one-out test trains a new model). */
  'anomaly.sanity': {
    params: z
      .object({ id, test: SanityRequest, seed: z.number().int().min(0).default(1) })
      .strict(),
    result: JobStarted,
    job: SanityOutcome,
  },
  /** VAE: `count` events from the prior vs the background training events. */
  'anomaly.generate': {
    params: z
      .object({
        id,
        count: z.number().int().min(100).max(1_000_000).default(10_000),
        seed: z.number().int().min(0).default(1),
      })
      .strict(),
    result: GenerationComparison,
  },
  /**
   * Adds the model's anomaly score as a variable (`name`) usable in cuts, histograms and fits,
   * so a region can cut on it; null removes it.
   */
  'anomaly.apply': {
    params: z
      .object({
        id,
        name: AppliedName,
      })
      .strict(),
    result: z.array(AnomalyModelInfo),
  },
} as const satisfies Record<string, MethodSpec>

export type AnomalyMethodName = keyof typeof anomalyMethods
