/**
 * INFERNO (issue 7): inference-aware summary statistics (De Castro & Dorigo, Comput. Phys.
 * Commun. 244 (2019) 170) trained as jobs — on the paper's synthetic benchmark (B0…B4) or on the
 * project's samples with nuisances of three kinds — each beside the same trunk trained with
 * cross entropy (10 uniform bins of its output). Both are judged by the profile likelihood of
 * their hard summary histogram (stats engine): σ of the POI, the scan, the correlations.
 *
 * Live metrics: `inferno.loss` / `inferno.val_loss` (expected variance of the POI) and
 * `bce.loss` / `bce.val_loss` (cross entropy), step = epoch (benchmark: seed index × epochs +
 * epoch). Numbers that can be undefined are `null`, never NaN. Once per INFERNO epoch, the soft
 * histograms of signal and background on a fixed validation batch: `inferno.soft.signal.<bin>` and
 * `inferno.soft.background.<bin>` (each sums to 1 over the bins).
 *
 * Control of a running job: `inferno.pause`, `inferno.resume`, `inferno.step` (one batch, or to
 * the end of the epoch / one epoch); cancel (jobs.cancel) works while paused.
 */
import { z } from 'zod'
import { FilePath, FiniteOrNull, JobStarted, type MethodSpec, NoParams, Overwrite } from './common'
import { AppliedName, Expr, Name, Seed, trainingEvents } from './training-setup'

const num = z.number()
const maybe = FiniteOrNull
const int = (min: number, max: number, d: number) => z.number().int().min(min).max(max).default(d)

export const InfernoOptimizer = z.enum(['adam', 'sgd'])
export const BenchmarkId = z.enum(['B0', 'B1', 'B2', 'B3', 'B4'])
export type BenchmarkId = z.infer<typeof BenchmarkId>

/** The paper benchmark run from the UI (defaults: a quick look, not the paper's settings). */
export const InfernoBenchmarkConfig = z
  .object({
    benchmark: BenchmarkId.default('B2'),
    /** Network initialisations (paper: 100). */
    seeds: int(1, 20, 1),
    epochs: int(1, 1000, 20),
    bceEpochs: int(1, 1000, 10),
    /** Training events (half signal); the validation set has as many (paper: 200 000). */
    trainEvents: int(200, 400_000, 50_000),
    testEvents: int(200, 2_000_000, 100_000),
    dataSeed: Seed,
    bins: int(2, 50, 10),
    tau: z.number().gt(0).max(10).default(0.1),
    learningRate: z.number().gt(0).max(10).default(1e-3),
    optimizer: InfernoOptimizer.default('adam'),
    batchSize: int(2, 100_000, 2000),
    /** Early stopping on the validation loss; 0: never. */
    patience: int(0, 1000, 5),
  })
  .strict()
export type InfernoBenchmarkConfig = z.infer<typeof InfernoBenchmarkConfig>

/** The samples a nuisance acts on (names; empty: every chosen sample). */
const Samples = z.array(Name).max(100).default([])
const NuisanceName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a nuisance name is a letter or _ then letters, digits or _')

/**
 * Nuisances on project samples. θ is in units of its ±1σ effect unless free:
 *  - transform: input `input` (one of the inputs) of the samples moves by θ·δ (shift) or is
 *    multiplied by 1 + θ·δ (scale) — differentiable, as the paper's r and λ;
 *  - weight: per-event weight factors `up` / `down` (expressions, e.g. a JES reweighting) give the
 *    ±1σ templates, interpolated per bin (code0: piecewise linear, code4p: smooth);
 *  - samples: the ±1σ events of one sample are two other samples of the project (e.g. the same
 *    process simulated with the jet energy scale up and down), interpolated per bin likewise;
 *    they are read in the same region and are not processes of their own;
 *  - norm: the samples' yield × (1 + θ·width) — or a free factor (width null) such as a
 *    data-driven QCD normalisation.
 */
export const InfernoNuisance = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('transform'),
      name: NuisanceName,
      samples: Samples,
      input: Expr,
      mode: z.enum(['shift', 'scale']).default('shift'),
      delta: z.number().refine((v) => v !== 0, 'δ must not be 0'),
      /** Unconstrained (no auxiliary measurement). */
      free: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      kind: z.literal('weight'),
      name: NuisanceName,
      samples: Samples,
      up: Expr,
      down: Expr,
      interpolation: z.enum(['code0', 'code4p']).default('code4p'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('samples'),
      name: NuisanceName,
      /** The one nominal sample whose ±1σ events are other samples of the project. */
      samples: z.array(Name).length(1, 'name the one sample the variation samples replace'),
      up: Name,
      down: Name,
      interpolation: z.enum(['code0', 'code4p']).default('code4p'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('norm'),
      name: NuisanceName,
      samples: Samples,
      /** Relative Gaussian width (0.1 = 10%); null: free-floating. */
      width: z.number().gt(0).max(10).nullable().default(0.1),
    })
    .strict(),
])
export type InfernoNuisance = z.infer<typeof InfernoNuisance>

export const InfernoProjectOptions = z
  .object({
    bins: int(2, 50, 8),
    /** Softmax temperature in training and for the validation loss. */
    tau: z.number().gt(0).max(10).default(0.1),
    tauEval: z.number().gt(0).max(10).default(0.05),
    layers: z.array(z.number().int().min(1).max(1024)).max(8).default([64, 64]),
    optimizer: InfernoOptimizer.default('adam'),
    learningRate: z.number().gt(0).max(10).default(1e-3),
    /** Events per INFERNO mini-batch (half signal, half background). */
    batchSize: int(8, 100_000, 500),
    epochs: int(1, 1000, 20),
    bceEpochs: int(1, 1000, 10),
    patience: int(0, 1000, 5),
    /** Order the summary bins by signal-to-background ratio after training. */
    orderBySb: z.boolean().default(true),
    /** Fractions of events for validation and test; the rest trains. */
    validation: z.number().min(0.05).max(0.5).default(0.2),
    test: z.number().min(0.05).max(0.8).default(0.3),
    seed: Seed,
  })
  .strict()
export type InfernoProjectOptions = z.infer<typeof InfernoProjectOptions>

export const InfernoProjectConfig = z
  .object({
    ...trainingEvents,
    nuisances: z.array(InfernoNuisance).max(20).default([]),
    options: InfernoProjectOptions.default(InfernoProjectOptions.parse({})),
  })
  .strict()
export type InfernoProjectConfig = z.infer<typeof InfernoProjectConfig>

/** Expected counts per bin of the hard summary histogram: per process, and ±1σ per nuisance. */
export const SummaryTemplates = z.object({
  bins: z.number().int(),
  processes: z.array(
    z.object({ name: z.string(), role: z.enum(['signal', 'background']), nominal: z.array(num) }),
  ),
  /** Total expected counts (all processes) with one nuisance at its up / down template. */
  variations: z.array(
    z.object({ nuisance: z.string(), label: z.string(), up: z.array(num), down: z.array(num) }),
  ),
})
export type SummaryTemplates = z.infer<typeof SummaryTemplates>

/** Profile likelihood of the POI on the Asimov data of a summary histogram. */
export const PoiProfile = z.object({
  poi: z.string(),
  /** Half the interval at Δ(−2 ln L) = 1 (MINOS), in POI units; null if not found. */
  sigma: maybe,
  lower: maybe,
  upper: maybe,
  valid: z.boolean(),
  /** Profile scan of the POI, all nuisances profiled. */
  scan: z.object({ values: z.array(num), delta: z.array(maybe) }),
  /** Covariance and correlation of the free parameters (POI first), from HESSE. */
  names: z.array(z.string()),
  covariance: z.array(z.array(maybe)),
  correlation: z.array(z.array(maybe)),
})
export type PoiProfile = z.infer<typeof PoiProfile>

export const SummaryResult = z.object({
  kind: z.enum(['inferno', 'bce']),
  /** √(I⁻¹)_poi,poi of the Asimov Fisher information of the hard templates. */
  sigmaFisher: maybe,
  profile: PoiProfile,
  templates: SummaryTemplates,
  history: z.object({ loss: z.array(maybe), val_loss: z.array(maybe) }),
  epochs: z.number().int(),
  /** The hard summary as a pyhf workspace (nominal + ±1σ variations, Asimov data); for export. */
  workspace: z.unknown().optional(),
})
export type SummaryResult = z.infer<typeof SummaryResult>

export const InfernoBenchmarkResult = z.object({
  config: InfernoBenchmarkConfig,
  benchmark: z.object({
    name: BenchmarkId,
    description: z.string(),
    /** Published medians over 100 seeds (paper table 2). */
    paper: z.object({ bce: num, inferno: num }),
  }),
  /** σ_s (events) per seed: profile likelihood, and from the Fisher information. */
  seeds: z.array(
    z.object({
      seed: z.number().int(),
      inferno: maybe,
      bce: maybe,
      infernoFisher: maybe,
      bceFisher: maybe,
    }),
  ),
  median: z.object({ inferno: maybe, bce: maybe }),
  /** Histograms, scans and correlations of the first seed. */
  detail: z.object({ inferno: SummaryResult, bce: SummaryResult }),
  seconds_per_epoch: z.object({ inferno: num, bce: num }),
  backend: z.string(),
  seconds: num,
})
export type InfernoBenchmarkResult = z.infer<typeof InfernoBenchmarkResult>

const counts = z.object({ signal: z.number().int(), background: z.number().int() })

/**
 * An INFERNO summary trained on the project's samples, stored as a model (kind 'inferno'): its
 * output applied as a variable is the event's bin of the summary (0 … bins − 1, in the order the
 * result shows, by increasing S/B when that was asked for; undefined when an input is not finite).
 */
export const InfernoModelInfo = z.object({
  id: z.string(),
  name: z.string(),
  inputs: z.array(z.string()),
  bins: z.number().int(),
  createdAt: z.string(),
  /** The run (job) that trained it. */
  runId: z.string(),
  /** σ of the POI (profile likelihood) with the INFERNO summary and with the BCE baseline. */
  sigma: maybe,
  sigmaBce: maybe,
  /** The variable name under which its bin is applied, or null. */
  appliedAs: z.string().nullable(),
})
export type InfernoModelInfo = z.infer<typeof InfernoModelInfo>

export const InfernoProjectResult = z.object({
  /** The stored model (absent in results from before INFERNO models were stored). */
  model: InfernoModelInfo.optional(),
  config: InfernoProjectConfig,
  /** Expected yields (Σw) of the region's signal and background: μ = 1 means this signal. */
  expected: z.object({ signal: num, background: num }),
  inferno: SummaryResult,
  bce: SummaryResult,
  events: z.object({ train: counts, validation: counts, test: counts }),
  warnings: z.array(z.string()),
  seconds_per_epoch: z.object({ inferno: num, bce: num }),
  backend: z.string(),
  seconds: num,
})
export type InfernoProjectResult = z.infer<typeof InfernoProjectResult>

/** What a training job's pause control answers: its state after the request. */
export const InfernoControlState = z.object({
  jobId: z.string(),
  paused: z.boolean(),
  /** Epochs started and batches run so far (INFERNO and cross entropy together). */
  epochs: z.number().int(),
  batches: z.number().int(),
  /** Training loss of the last batch run, so a step by one batch shows what it did. */
  batchLoss: z.number().nullable(),
})
export type InfernoControlState = z.infer<typeof InfernoControlState>
const JobRef = z.object({ jobId: z.string() }).strict()

export const StudyParameter = z.enum(['bins', 'tau', 'fraction'])
export type StudyParameter = z.infer<typeof StudyParameter>

/** The values each study scans by default (issue 7; seed 001 §4.4). */
export const STUDY_VALUES: Record<StudyParameter, number[]> = {
  bins: [5, 8, 11, 14, 17, 20],
  tau: [0.001, 0.01, 0.1, 0.5, 0.99],
  fraction: [0.3, 0.5, 0.7, 0.9],
}

/**
 * A one-click study on a finished run — a benchmark run (`benchmark`, σ of s) or a project-samples
 * run (`project`, σ of μ), exactly one: retrain INFERNO with the run's settings except the
 * studied one, for each value; the cross-entropy baseline where it applies (bins: one training
 * binned each way; fraction: retrained on the subset; τ: not applicable). Fewer epochs than the
 * run by default, to stay interactive.
 */
export const InfernoStudyConfig = z
  .object({
    benchmark: InfernoBenchmarkConfig.optional(),
    project: InfernoProjectConfig.optional(),
    parameter: StudyParameter,
    values: z.array(z.number().positive()).min(1).max(12).optional(),
    epochs: int(1, 1000, 10),
    bceEpochs: int(1, 1000, 5),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.benchmark === undefined) === (c.project === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['benchmark'],
        message: 'a study needs exactly one of benchmark or project settings',
      })
    for (const v of c.values ?? []) {
      const bad =
        c.parameter === 'bins'
          ? !Number.isInteger(v) || v < 2 || v > 50
          : c.parameter === 'fraction'
            ? v > 1
            : v > 10
      if (bad)
        ctx.addIssue({
          code: 'custom',
          path: ['values'],
          message: `${v} is not a valid ${c.parameter} value`,
        })
    }
  })
export type InfernoStudyConfig = z.infer<typeof InfernoStudyConfig>

export const InfernoStudyResult = z.object({
  config: InfernoStudyConfig,
  /** σ of the POI (s in events, or μ): half the 68% interval (Δ(−2 ln L) = 1) on the test set. */
  points: z.array(z.object({ value: num, inferno: maybe, bce: maybe })),
  /** Whether the cross-entropy baseline depends on the studied parameter (not for τ). */
  bceApplies: z.boolean(),
  backend: z.string(),
  seconds: num,
})
export type InfernoStudyResult = z.infer<typeof InfernoStudyResult>

export const infernoMethods = {
  /** Job: the paper benchmark, INFERNO vs cross entropy; metrics as the header says. */
  'inferno.benchmark': {
    params: InfernoBenchmarkConfig,
    result: JobStarted,
    job: InfernoBenchmarkResult,
  },
  /** Job: INFERNO on the project's samples with nuisances, vs cross entropy. */
  'inferno.train': { params: InfernoProjectConfig, result: JobStarted, job: InfernoProjectResult },
  /** Holds a running INFERNO job at its next batch (between batches and epochs). */
  'inferno.pause': { params: JobRef, result: InfernoControlState },
  'inferno.resume': { params: JobRef, result: InfernoControlState },
  /** The project's stored INFERNO models (trained on its samples), oldest first. */
  'inferno.models': { params: NoParams, result: z.array(InfernoModelInfo) },
  /** A stored model's full result: σ table, summary templates, scans, loss history. */
  'inferno.model': {
    params: z.object({ id: z.string() }).strict(),
    result: InfernoProjectResult,
  },
  'inferno.remove': {
    params: z.object({ id: z.string() }).strict(),
    result: z.array(InfernoModelInfo),
  },
  /** Applies a model's summary bin as the variable `name` (null: removes it), as for classifiers. */
  'inferno.apply': {
    params: z.object({ id: z.string(), name: AppliedName }).strict(),
    result: z.array(InfernoModelInfo),
  },
  /** Whether a running job is paused, with its batch count and last batch loss (re-attaching). */
  'inferno.state': { params: JobRef, result: InfernoControlState },
  /**
   * While paused: run one more batch, or to the end of the epoch (one whole epoch at a
   * boundary); answers once that step has run, with the batch count and loss after it.
   */
  'inferno.step': {
    params: z.object({ jobId: z.string(), unit: z.enum(['epoch', 'batch']) }).strict(),
    result: InfernoControlState,
  },
  /** Job: σ of the POI vs bins, τ or training fraction, INFERNO and (where it applies) BCE. */
  'inferno.study': { params: InfernoStudyConfig, result: JobStarted, job: InfernoStudyResult },
  /** Stores a summary's pyhf workspace in the project (it appears in the Fit view). */
  'inferno.export': {
    params: z.object({ workspace: z.unknown(), name: Name }).strict(),
    result: z.object({ workspaceId: z.string(), name: z.string() }),
  },
  /** Writes a summary's pyhf workspace as JSON to a file. */
  'inferno.exportFile': {
    params: z.object({ workspace: z.unknown(), path: FilePath, overwrite: Overwrite }).strict(),
    result: z.object({ path: z.string() }),
  },
} as const satisfies Record<string, MethodSpec>

export type InfernoMethodName = keyof typeof infernoMethods
