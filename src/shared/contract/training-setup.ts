/**
 * The parts of a training set-up that every trained model reads alike — supervised classifiers
 * (train.ts) and anomaly searches (anomaly.ts): which events (samples, region, inputs), how
 * training weights are formed, the split's seed and what counts as a missing value. Each
 * contract composes its set-up from these; the parts that differ on purpose (the split's
 * fractions, the preprocessing) stay written out in that contract.
 */
import { z } from 'zod'

/** A sample or region name. */
export const Name = z.string().trim().min(1).max(100)
/** An input variable: a column name, a derived variable or an expression. */
export const Expr = z.string().trim().min(1).max(10_000)

/**
 * How training weights are formed from the physical weights (weight expression × scale), as
 * TMVA's NormMode: `none` as they are; `numevents` signal and background each rescaled so that
 * Σw equals their number of training events; `equalsum` both rescaled so that Σw_S = Σw_B = the
 * number of signal training events. Evaluation always uses the physical weights.
 */
export const NormMode = z.enum(['none', 'numevents', 'equalsum'])
export type NormMode = z.infer<typeof NormMode>

/**
 * The events a model learns from, as fields of a set-up object: a run label, the signal and
 * background sample names (empty: every sample of that role), the region and the inputs.
 */
export const trainingEvents = {
  /** A label for the run and the model ('' → kind and time). */
  name: z.string().trim().max(100).default(''),
  signal: z.array(Name).max(100).default([]),
  background: z.array(Name).max(100).default([]),
  /** Only events passing this region's cuts (its parents' first); null: all events. */
  region: Name.nullable().default(null),
  /** Input variables: column names, derived variables or expressions (one value per event). */
  inputs: z.array(Expr).min(1, 'choose at least one input variable').max(200),
}

export const TrainingWeights = z
  .object({
    norm: NormMode.default('numevents'),
    /** `ignore`: events with negative weight get weight 0 in training (kept in evaluation). */
    negative: z.enum(['keep', 'ignore']).default('keep'),
  })
  .strict()
  .default({ norm: 'numevents', negative: 'keep' })

/** A seed of the seeded generator (the same seed and events give the same split, weights, …). */
export const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .default(1)

/**
 * What a model does with missing input values: NaN, which is also what each sample's
 * missing-value marker reads as (the sample's `missing`, e.g. the Kaggle set's −999, set in the
 * Data step), and any further `values` given here for this training only (none by default: the
 * samples' setting is the one place to say it). `mean` replaces them by the training mean of that
 * input's defined values; `drop` leaves out events with any.
 */
export const MissingValues = z
  .object({
    values: z.array(z.number()).max(20).default([]),
    policy: z.enum(['mean', 'drop']).default('mean'),
  })
  .strict()
  .default({ values: [], policy: 'mean' })

/** The gradient-descent fields of every network set-up (classifier network, autoencoders). */
export const optimiserFields = {
  optimizer: z.enum(['adam', 'sgd']).default('adam'),
  learningRate: z.number().gt(0).max(10).default(1e-3),
  /** SGD momentum. */
  momentum: z.number().min(0).max(0.999).default(0.9),
  batchSize: z.number().int().min(1).max(1_000_000).default(256),
  epochs: z.number().int().min(1).max(10_000).default(50),
  /** Early stopping: stop after this many epochs without a lower validation loss; 0: never. */
  patience: z.number().int().min(0).max(10_000).default(10),
}

/** The variable name a model's output is applied as (cuts, histograms, fits); null removes it. */
export const AppliedName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name is a letter or _ then letters, digits or _')
  .nullable()
