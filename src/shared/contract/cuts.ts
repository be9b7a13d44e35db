/**
 * The Cuts & Regions step's methods (issue 4): derived variables and regions of ordered cuts kept
 * in the project, a live check of an expression against the project's columns, the weighted
 * cut-flow of a region over every sample, and N−1 histograms. Cut-flows are calls, not jobs: the
 * view asks again ~300 ms after each edit, and only the columns the cuts read are decoded.
 */
import { z } from 'zod'
import { SpecCut, SpecRegion, SpecVariable } from '../spec'
import type { MethodSpec } from './common'
import { NoParams, byName } from './common'

/** A derived variable as the project holds it (the spec's, without binning). */
export const CutsVariable = SpecVariable
export type CutsVariable = z.output<typeof CutsVariable>

/** A region as the project holds it: ordered cuts, optional parent, blinded flag. */
export const CutsRegion = SpecRegion
export type CutsRegion = z.output<typeof CutsRegion>
export { SpecCut as CutsCut }

/** The answer of cuts.check: ok, or the error with the 0-based range of the offending text. */
export const CheckResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), columns: z.array(z.string()) }),
  z.object({
    ok: z.literal(false),
    message: z.string(),
    position: z.number().int(),
    end: z.number().int(),
  }),
])
export type CheckResult = z.infer<typeof CheckResult>

const Yield = z.object({ raw: z.number(), weighted: z.number(), sumw2: z.number() })
const Row = Yield.extend({
  cut: z.string(),
  expr: z.string(),
  eff_prev: z.number().nullable(),
  eff_first: z.number().nullable(),
  eff_total: z.number().nullable(),
})
const SigRow = z.object({
  cut: z.string(),
  s: z.number().nullable(),
  b: z.number().nullable(),
  s_over_b: z.number().nullable(),
  s_over_sqrt_b: z.number().nullable(),
  z_asimov: z.number().nullable(),
  z_asimov_sigma_b: z.number().nullable(),
})

/** One region's cut-flow (shared/cutflow.ts, that region only; NaN sent as null). */
export const RegionCutflow = z.object({
  region: z.string(),
  /** Sample name → rows (the parent's cuts first). */
  samples: byName(z.array(Row)),
  groups: byName(z.array(Row)),
  significance: z.array(SigRow),
  totals: byName(Yield),
  /** Sample name → role, for colouring and S/B. */
  roles: byName(z.enum(['signal', 'background', 'data'])),
  hidden: z.array(z.string()),
  sigma_b: z.number(),
  /** Samples left out because a cut cannot run on them (e.g. a column they lack), with why. */
  skipped: z.array(z.object({ sample: z.string(), reason: z.string() })),
})
export type RegionCutflow = z.infer<typeof RegionCutflow>

export const NMinus1Result = z.object({
  variable: z.string(),
  bins: z.number().int(),
  lo: z.number(),
  hi: z.number(),
  /** Whether every plotted value is a whole number (bins then centred on integers). */
  integer: z.boolean().default(false),
  /** The cut's constant when it is a simple `x > c` / `x < c` comparison, else null. */
  threshold: z.number().nullable(),
  samples: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['signal', 'background', 'data']),
      group: z.string(),
      colour: z.string(),
      sumw: z.array(z.number()),
      sumw2: z.array(z.number()),
    }),
  ),
  hidden: z.array(z.string()),
})
export type NMinus1Result = z.infer<typeof NMinus1Result>

const Name = z.string().trim().min(1).max(100)
const Expr = z.string().max(10_000)
const Edge = z.number().refine(Number.isFinite, 'range edges must be finite numbers')

export const cutsMethods = {
  'cuts.variables': { params: NoParams, result: z.array(CutsVariable) },
  /** Adds or replaces a variable (`original`: its name before a rename). Checked first. */
  'cuts.saveVariable': {
    params: z.object({ variable: CutsVariable, original: Name.optional() }).strict(),
    result: z.array(CutsVariable),
  },
  'cuts.removeVariable': {
    params: z.object({ name: Name }).strict(),
    result: z.array(CutsVariable),
  },
  'cuts.regions': { params: NoParams, result: z.array(CutsRegion) },
  /** Adds or replaces a region (`original`: its name before a rename); cuts are checked. */
  'cuts.saveRegion': {
    params: z.object({ region: CutsRegion, original: Name.optional() }).strict(),
    result: z.array(CutsRegion),
  },
  'cuts.removeRegion': { params: z.object({ name: Name }).strict(), result: z.array(CutsRegion) },
  /** Checks a cut expression against the project's columns and derived variables. */
  'cuts.check': {
    params: z.object({ expr: Expr, role: z.enum(['cut', 'any']).default('cut') }).strict(),
    result: CheckResult,
  },
  /** The weighted cut-flow of a region over every sample of the project. */
  'cuts.cutflow': {
    params: z.object({ region: Name, sigmaB: z.number().min(0).max(10).default(0) }).strict(),
    result: RegionCutflow,
  },
  /** Histogram of a cut's variable with every other cut of the region applied. */
  'cuts.nminus1': {
    params: z
      .object({
        region: Name,
        cutIndex: z.number().int().min(0).max(254),
        variable: Expr.optional(),
        /** Default 40, or one bin per value when every value is a whole number (≤ 101 values). */
        bins: z.number().int().min(1).max(1000).optional(),
        lo: Edge.optional(),
        hi: Edge.optional(),
      })
      .strict()
      .refine((p) => (p.lo === undefined) === (p.hi === undefined), 'give both lo and hi'),
    result: NMinus1Result,
  },
} as const satisfies Record<string, MethodSpec>

export type CutsMethodName = keyof typeof cutsMethods
