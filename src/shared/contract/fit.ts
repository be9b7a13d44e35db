/**
 * Binned likelihood fits (the Fit view): import pyhf workspaces (with patchsets), fit with HESSE
 * and MINOS, profile scans, CLs limits, significance and nuisance-parameter ranking. Results are
 * jobs and are stored in the project.
 *
 * Numbers that can be undefined (an error without HESSE, a failed MINOS side) are `null`, never
 * NaN (FiniteOrNull), so every transport carries them the same way.
 */
import { z } from 'zod'
import {
  FilePath,
  FiniteOrNull,
  JobStarted,
  type MethodSpec,
  NoParams,
  Overwrite,
  byName,
} from './common'

const num = z.number()
const id = z.string().min(1).max(100)

export const InterpolationCodes = z.object({
  normsys: z.enum(['code1', 'code4']),
  histosys: z.enum(['code0', 'code2', 'code4p']),
})
export type InterpolationCodes = z.infer<typeof InterpolationCodes>

export const WorkspaceSummary = z.object({
  id,
  name: z.string(),
  /** The file it was imported from. */
  source: z.string().nullable(),
  createdAt: z.string(),
  measurements: z.array(z.object({ name: z.string(), poi: z.string() })),
  channels: z.array(
    z.object({
      name: z.string(),
      bins: z.number().int(),
      data: z.array(num),
      samples: z.array(
        z.object({
          name: z.string(),
          /** Σ of the nominal yields over the channel's bins. */
          total: num,
          modifiers: z.array(z.object({ name: z.string(), type: z.string() })),
        }),
      ),
    }),
  ),
  /** Names of the patches of the attached patchset (signal points); empty without one. */
  patches: z.array(z.string()),
})
export type WorkspaceSummary = z.infer<typeof WorkspaceSummary>

/** What every fit operation is applied to. */
export const FitSetup = z.object({
  workspaceId: id,
  /** A patch of the workspace's patchset (a signal point), or null for the workspace as is. */
  patch: z.string().max(500).nullable().default(null),
  measurement: z.string().max(200).optional(),
  /** Observed data, or the Asimov data of the model at its initial parameter values. */
  data: z.enum(['observed', 'asimov']).default('observed'),
  /** Default: pyhf's (normsys code4, histosys code4p). */
  codes: InterpolationCodes.optional(),
})
export type FitSetup = z.infer<typeof FitSetup>

export const ParameterResult = z.object({
  name: z.string(),
  kind: z.string(),
  value: num,
  /** HESSE error; null when the covariance could not be computed. */
  error: FiniteOrNull,
  /** MINOS [lower (≤ 0), upper (≥ 0)] when requested and found. */
  minos: z.tuple([FiniteOrNull, FiniteOrNull]).nullable(),
  init: num,
  lower: num,
  upper: num,
  fixed: z.boolean(),
  atBound: z.boolean(),
  /** (θ̂ − θ₀)/Δθ_prior and Δθ_post/Δθ_prior for constrained parameters. */
  pull: FiniteOrNull,
  constraint: FiniteOrNull,
})
export type ParameterResult = z.infer<typeof ParameterResult>

export const ChannelYields = z.object({
  channel: z.string(),
  data: z.array(num),
  samples: z.array(z.object({ name: z.string(), pre: z.array(num), post: z.array(num) })),
  /** Total expected and its 1σ uncertainty per bin, pre-fit (constraint widths) and post-fit (covariance). */
  preTotal: z.array(num),
  preError: z.array(num),
  postTotal: z.array(num),
  postError: z.array(num),
})
export type ChannelYields = z.infer<typeof ChannelYields>

/** A matrix over named free parameters (row-major, rows and columns in `names` order). */
export const NamedMatrix = z.object({
  names: z.array(z.string()),
  matrix: z.array(z.array(FiniteOrNull)),
})

/** The state of the minimum, as iminuit's FMin (stats/fit-report.ts). */
export const FitMinimum = z.object({
  converged: z.boolean(),
  /** Converged and the Hessian positive definite. */
  valid: z.boolean(),
  edm: FiniteOrNull,
  /** Objective and gradient evaluations of the free fit. */
  calls: z.number().int(),
  /** Converged means EDM < 0.002 · tolerance · errordef. */
  tolerance: num,
  errordef: num,
  hessianPositiveDefinite: z.boolean().nullable(),
  message: z.string(),
})

const Outcome = z.object({ id, setup: FitSetup, createdAt: z.string(), seconds: num })

export const FitOutcome = Outcome.extend({
  converged: z.boolean(),
  message: z.string(),
  /** −2 ln L and the EDM; null where not finite (a fit that failed from the start). */
  twiceNll: FiniteOrNull,
  edm: FiniteOrNull,
  hessianPositiveDefinite: z.boolean().nullable(),
  clippedBins: z.number().int(),
  poi: z.string().nullable(),
  parameters: z.array(ParameterResult),
  /**
   * Correlation and covariance of the free parameters (stats/fit-report.ts); results stored by
   * older versions have neither the covariance nor the minimum.
   */
  correlation: NamedMatrix,
  covariance: NamedMatrix.optional(),
  minimum: FitMinimum.optional(),
  yields: z.array(ChannelYields),
  warnings: z.array(z.string()),
})
export type FitOutcome = z.infer<typeof FitOutcome>

export const ScanOutcome = Outcome.extend({
  parameter: z.string(),
  values: z.array(num),
  deltaTwiceNll: z.array(FiniteOrNull),
  converged: z.array(z.boolean()),
  best: num,
  /** Where Δ(−2 ln L) crosses 1 and 4 (interpolated), null where the scan does not reach it. */
  interval1: z.tuple([FiniteOrNull, FiniteOrNull]),
  interval2: z.tuple([FiniteOrNull, FiniteOrNull]),
})
export type ScanOutcome = z.infer<typeof ScanOutcome>

export const LimitOutcome = Outcome.extend({
  cl: num,
  testStat: z.enum(['qtilde', 'q']),
  obs: FiniteOrNull,
  /** Expected limits at −2σ, −1σ, median, +1σ, +2σ. */
  exp: z.array(FiniteOrNull),
  points: z.array(z.object({ mu: num, cls: FiniteOrNull, clsExp: z.array(FiniteOrNull) })),
  converged: z.boolean(),
  warnings: z.array(z.string()),
})
export type LimitOutcome = z.infer<typeof LimitOutcome>

export const SignificanceOutcome = Outcome.extend({
  /** null when not finite; `infinite` says which of the two is +∞ (q₀ infinite). */
  zObs: FiniteOrNull,
  pObs: FiniteOrNull,
  zExp: FiniteOrNull,
  pExp: FiniteOrNull,
  infinite: z.object({ obs: z.boolean(), exp: z.boolean() }).default({ obs: false, exp: false }),
  converged: z.boolean(),
  warnings: z.array(z.string()).default([]),
})
export type SignificanceOutcome = z.infer<typeof SignificanceOutcome>

export const RankingOutcome = Outcome.extend({
  poi: z.string(),
  impacts: z.array(
    z.object({
      name: z.string(),
      prefit: z.tuple([FiniteOrNull, FiniteOrNull]),
      postfit: z.tuple([FiniteOrNull, FiniteOrNull]),
      pull: FiniteOrNull,
      constraint: FiniteOrNull,
    }),
  ),
})
export type RankingOutcome = z.infer<typeof RankingOutcome>

export const StoredResults = z.object({
  fit: FitOutcome.nullable(),
  scan: ScanOutcome.nullable(),
  limit: LimitOutcome.nullable(),
  significance: SignificanceOutcome.nullable(),
  ranking: RankingOutcome.nullable(),
})
export type StoredResults = z.infer<typeof StoredResults>

const name = z.string().trim().min(1).max(200)
const expr = z.string().trim().min(1).max(2000)

/** One channel of a built workspace: a region's events binned in an observable. */
export const ChannelRecipe = z
  .object({
    region: name,
    /** A column, derived variable or applied classifier output (any per-event expression). */
    observable: expr,
    bins: z.number().int().min(1).max(1000),
    /** Range [lo, hi) in the observable's unit; events outside are not counted. */
    lo: num,
    hi: num,
  })
  .strict()
export type ChannelRecipe = z.infer<typeof ChannelRecipe>

/** A normalisation systematic: yields × lo at α = −1 and × hi at α = +1. */
export const NormSysRecipe = z
  .object({ name, samples: z.array(name).min(1).max(500), lo: num, hi: num })
  .strict()
export type NormSysRecipe = z.infer<typeof NormSysRecipe>

/**
 * A shape systematic: the up/down variations are other samples of the project (they then are
 * not stacked themselves; `samples` names the one nominal sample they vary), or per-event
 * weight ratios (expressions, e.g. `1.05 + 0.001*DER_pt_h`) applied to the nominal events of
 * each sample in `samples`.
 */
export const HistoSysRecipe = z.discriminatedUnion('kind', [
  z
    .object({
      name,
      samples: z.array(name).min(1).max(500),
      kind: z.literal('samples'),
      up: name,
      down: name,
    })
    .strict(),
  z
    .object({
      name,
      samples: z.array(name).min(1).max(500),
      kind: z.literal('weights'),
      up: expr,
      down: expr,
    })
    .strict(),
])
export type HistoSysRecipe = z.infer<typeof HistoSysRecipe>

/** How to build a workspace from the project's regions and samples (fit.build). */
export const BuildRecipe = z
  .object({
    name,
    channels: z.array(ChannelRecipe).min(1).max(100),
    /** Samples scaled by the POI 'mu'; default: those with the signal role. */
    signal: z.array(name).max(500).optional(),
    /** MC statistical uncertainty per bin (staterror_<channel>). */
    staterror: z.boolean().default(true),
    /**
     * Luminosity and its uncertainty in the same unit (e.g. 139 and 2.4 fb⁻¹). The samples'
     * normalisation already includes it: the lumi parameter is 1 ± sigma/value.
     */
    lumi: z
      .object({ value: z.number().positive(), sigma: z.number().positive() })
      .strict()
      .optional(),
    normsys: z.array(NormSysRecipe).max(500).default([]),
    histosys: z.array(HistoSysRecipe).max(500).default([]),
  })
  .strict()
export type BuildRecipe = z.output<typeof BuildRecipe>

/** A built workspace: its summary, where its data came from, and what was left out. */
export const BuiltWorkspace = WorkspaceSummary.extend({
  /** Channel → observed (the data samples) or asimov (blinded region, or no data sample). */
  dataKind: byName(z.enum(['observed', 'asimov'])),
  warnings: z.array(z.string()),
})
export type BuiltWorkspace = z.infer<typeof BuiltWorkspace>

export const fitMethods = {
  /** Reads a pyhf workspace (and optionally a patchset) from disk into the project. */
  'fit.import': {
    params: z
      .object({
        path: FilePath,
        patchset: FilePath.nullable().default(null),
        name: z.string().max(200).optional(),
      })
      .strict(),
    result: WorkspaceSummary,
  },
  'fit.workspaces': { params: NoParams, result: z.array(WorkspaceSummary) },
  /**
   * Job: builds a workspace from the project's regions and samples (one channel per region, POI
   * 'mu' on the signal samples, the recipe's systematics) — a pass over every sample's events —
   * and stores it in the project the build started in; a cancelled build stores nothing.
   */
  'fit.build': { params: BuildRecipe, result: JobStarted, job: BuiltWorkspace },
  /** Writes a stored workspace as pyhf JSON (2-space indented). */
  'fit.export': {
    params: z.object({ workspaceId: id, path: FilePath, overwrite: Overwrite }).strict(),
    result: z.object({ path: z.string() }),
  },

  'fit.remove': { params: z.object({ workspaceId: id }).strict(), result: z.null() },
  /** Latest stored result of each kind for this setup. */
  'fit.results': { params: FitSetup, result: StoredResults },
  /** Job: maximum-likelihood fit with HESSE; MINOS for the listed parameters ('poi' for the POI). */
  'fit.fit': {
    params: FitSetup.extend({ minos: z.array(z.string().max(500)).max(200).default(['poi']) }),
    result: JobStarted,
    job: FitOutcome,
  },
  /** Job: profile likelihood scan (default: the POI over its HESSE ±3σ range). */
  'fit.scan': {
    params: FitSetup.extend({
      parameter: z.string().max(500).optional(),
      lo: num.optional(),
      hi: num.optional(),
      points: z.number().int().min(3).max(201).default(31),
    }),
    result: JobStarted,
    job: ScanOutcome,
  },
  /** Job: CLs scan of the POI and the upper limit, observed and expected ±1σ ±2σ. */
  'fit.limit': {
    params: FitSetup.extend({
      cl: z.number().gt(0).lt(1).default(0.95),
      testStat: z.enum(['qtilde', 'q']).default('qtilde'),
      points: z.number().int().min(3).max(101).default(21),
    }),
    result: JobStarted,
    job: LimitOutcome,
  },
  /** Job: discovery significance (q0), observed and expected. */
  'fit.significance': { params: FitSetup, result: JobStarted, job: SignificanceOutcome },
  /**
   * Job: impact on the POI of every free parameter but the POI, pre- and post-fit; free
   * normalisation factors have no prior, so their pre-fit impact is null (cabinetry's ranking).
   */
  'fit.ranking': { params: FitSetup, result: JobStarted, job: RankingOutcome },
} as const satisfies Record<string, MethodSpec>

export type FitMethodName = keyof typeof fitMethods
