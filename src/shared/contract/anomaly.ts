/**
 * Anomaly search (issue 8): autoencoders (`ae`) and variational autoencoders (`vae`) trained on
 * background samples only; every signal sample is only scored. The config is what `hepwb train`
 * reads for kinds ae / vae and what the Anomaly service will take; the result is what a training
 * run reports: the anomaly score's ROC and AUC for each signal sample against the validation
 * background, always beside the best single input variable's.
 *
 * Numbers that can be undefined (an AUC with no signal weight) are `null`, never NaN.
 */
import { z } from 'zod'
import { Activation, NormMode } from './train'

const num = z.number()
const maybe = z.number().nullable()
const Name = z.string().trim().min(1).max(100)
const Expr = z.string().trim().min(1).max(10_000)
const units = z.array(z.number().int().min(1).max(4096)).max(20)

/**
 * Reconstruction negative log-likelihood family of one input (VAE): `gaussian` (mean, log σ) on
 * the preprocessed value; on the raw value: `lognormal` (positive continuous, with a point mass
 * at zero for x < 10⁻⁴), `discrete_gaussian` (counts ≥ 0, e.g. jet multiplicities), `bernoulli`
 * (0/1 flags) and `poisson` (counts).
 */
export const LikelihoodFamily = z.enum([
  'gaussian',
  'lognormal',
  'discrete_gaussian',
  'bernoulli',
  'poisson',
])
export type LikelihoodFamily = z.infer<typeof LikelihoodFamily>

/** What both kinds are trained on: background events only, scored against the signal samples. */
export const AnomalySetup = z
  .object({
    /** A label for the run and the model ('' → kind and time). */
    name: z.string().trim().max(100).default(''),
    /** Samples only scored (the ROC's positives); empty: every sample whose role is signal. */
    signal: z.array(Name).max(100).default([]),
    /** Samples trained on (and the ROC's negatives); empty: every background sample. */
    background: z.array(Name).max(100).default([]),
    /** Only events passing this region's cuts (its parents' first); null: all events. */
    region: Name.nullable().default(null),
    inputs: z.array(Expr).min(1, 'choose at least one input variable').max(200),
    weights: z
      .object({
        norm: NormMode.default('numevents'),
        negative: z.enum(['keep', 'ignore']).default('keep'),
      })
      .strict()
      .default({ norm: 'numevents', negative: 'keep' }),
    /**
     * Validation fraction of the background events (the rest is trained on; the ROC uses the
     * validation part) and the seed of the assignment.
     */
    split: z
      .object({
        validation: z.number().min(0.05).max(0.9).default(0.4),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(1),
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
    missing: z
      .object({
        values: z.array(num).max(20).default([-999]),
        policy: z.enum(['mean', 'drop']).default('mean'),
      })
      .strict()
      .default({ values: [-999], policy: 'mean' }),
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
  optimizer: z.enum(['adam', 'sgd']).default('adam'),
  learningRate: z.number().gt(0).max(10).default(1e-3),
  momentum: z.number().min(0).max(0.999).default(0.9),
  batchSize: z.number().int().min(1).max(1_000_000).default(256),
  epochs: z.number().int().min(1).max(10_000).default(50),
  /** Early stopping: epochs without a lower validation loss; 0: never. */
  patience: z.number().int().min(0).max(10_000).default(10),
  /** Seed of the initial weights, the shuffles and the VAE's noise. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
}

export const AutoencoderOptions = z
  .object({
    ...networkOptions,
    /** Weight of each input in the MSE (by input name; unnamed inputs weigh 1). */
    featureWeights: z.record(Expr, z.number().min(0).max(1e6)).default({}),
  })
  .strict()
export type AutoencoderOptions = z.infer<typeof AutoencoderOptions>

export const VaeOptions = z
  .object({
    ...networkOptions,
    /** Weight of the KL term; 0 makes the VAE an autoencoder with a likelihood loss. */
    beta: z.number().min(0).max(1000).default(1),
    /** Likelihood family by input name; unnamed inputs are `gaussian`. */
    likelihood: z.record(Expr, LikelihoodFamily).default({}),
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
    signal: z.record(z.string(), z.number().int()),
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
  features: z.array(
    z.object({
      input: z.string(),
      lo: num,
      hi: num,
      real: z.array(num),
      generated: z.array(num),
      /** KL(real ‖ generated) of the normalised histograms. */
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
