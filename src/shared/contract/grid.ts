/**
 * Signal grids (the Fit view's "Signal grid", `hepwb hypotest|limit --patchset FILE --all`): the
 * hypothesis test and the CLs upper limit of every signal point of a pyhf patchset, as one job
 * of one task per point, and the exclusion contours on the plane of the first two labelled
 * values (m1, m2). Undefined numbers (a limit above the search range) are null.
 */
import { z } from 'zod'
import { FilePath, FiniteOrNull, JobStarted, type MethodSpec, byName } from './common'
import { InterpolationCodes } from './fit'

/** What is computed at every point, and how. */
export const GridSettings = z
  .object({
    /** CLs at `mu`, observed and expected ±1σ ±2σ. */
    hypotest: z.boolean().default(true),
    /** The CLs upper limit on the POI at `cl`, observed and expected ±1σ ±2σ. */
    limit: z.boolean().default(false),
    mu: z.number().finite().default(1),
    testStat: z.enum(['qtilde', 'q']).default('qtilde'),
    cl: z.number().gt(0).lt(1).default(0.95),
    /** Parameter of interest (default: the measurement's). */
    poi: z.string().max(500).optional(),
    measurement: z.string().max(500).optional(),
    codes: InterpolationCodes.optional(),
    staterrorConstraint: z.enum(['normal', 'poisson']).default('normal'),
  })
  .strict()
export type GridSettings = z.output<typeof GridSettings>
export type GridSettingsInput = z.input<typeof GridSettings>

/** One signal point's numbers. */
export const GridPoint = z.object({
  name: z.string(),
  /** The patch's values under the patchset's labels, e.g. {m1: 900, m2: 250}. */
  values: byName(z.union([z.number(), z.string()])),
  hypotest: z
    .object({
      mu: z.number(),
      clsObs: FiniteOrNull,
      /** Expected CLs at −2σ, −1σ, median, +1σ, +2σ (increasing). */
      clsExp: z.array(FiniteOrNull),
      muHat: FiniteOrNull,
      converged: z.boolean(),
    })
    .nullable(),
  limit: z
    .object({
      obs: FiniteOrNull,
      /** Expected limits at −2σ, −1σ, median, +1σ, +2σ. */
      exp: z.array(FiniteOrNull),
      converged: z.boolean(),
    })
    .nullable(),
  warnings: z.array(z.string()),
  seconds: z.number(),
})
export type GridPoint = z.infer<typeof GridPoint>

const XY = z.tuple([z.number(), z.number()])
/** A CLs = α line: polylines in (x, y) = the first two labels' values. */
export const ContourLine = z.object({
  lines: z.array(z.object({ points: z.array(XY), closed: z.boolean() })),
})
export type ContourLine = z.infer<typeof ContourLine>

export const GridContours = z.object({
  /** Labels on the axes (x, y). */
  x: z.string(),
  y: z.string(),
  level: z.number(),
  /** How the lines were drawn (interpolation method), for the chart's caption. */
  method: z.string(),
  observed: ContourLine,
  expected: ContourLine,
  /** The expected contours at −1σ and +1σ (pyhf's order of the band). */
  expectedMinus1: ContourLine,
  expectedPlus1: ContourLine,
  /** The ±1σ band as filled convex polygons (between the two lines). */
  band: z.array(z.array(XY)),
})
export type GridContours = z.infer<typeof GridContours>

export const GridOutcome = z.object({
  workspace: z.string(),
  patchset: z.string(),
  labels: z.array(z.string()),
  settings: GridSettings,
  points: z.array(GridPoint),
  /** Contours of the hypothesis tests' CLs; null without hypotests or two numeric labels. */
  contours: GridContours.nullable(),
  /** Where the points ran ("this process", "2 threads", …). */
  executor: z.string(),
  seconds: z.number(),
})
export type GridOutcome = z.infer<typeof GridOutcome>

export const gridMethods = {
  /**
   * Job: the hypothesis test and/or upper limit of every patch of a patchset applied to a
   * workspace (both files read by the engine), with the exclusion contours.
   */
  'fit.grid': {
    params: z
      .object({
        workspace: FilePath,
        patchset: FilePath,
        /** Only these patches (default: all). */
        patches: z.array(z.string().max(500)).max(100000).optional(),
        settings: GridSettings.prefault({}),
      })
      .strict(),
    result: JobStarted,
    job: GridOutcome,
  },
} as const satisfies Record<string, MethodSpec>

export type GridMethodName = keyof typeof gridMethods
