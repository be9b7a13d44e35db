/**
 * The Cuts & Regions step's methods (issue 4): derived variables and regions of ordered cuts kept
 * in the project, the names an expression may read (the editor checks cuts itself as they are
 * typed, with src/shared/expr), the weighted cut-flow of a region over every sample, and N−1
 * histograms. Cut-flows are calls, not jobs: ~300 ms after the last keystroke the view sends one
 * `cuts.update` (check, save, cut-flow), and only the columns the cuts read are decoded.
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

/** The engine's check of a cut: ok, or the error with the 0-based range of the offending text. */
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

/** A name an expression may read, and whether it is a list per event. */
export const SymbolRow = z.object({ name: z.string(), jagged: z.boolean() })

/** The answer of cuts.symbols: what the editor checks cuts against, as the engine does. */
export const CutsSymbols = z.object({
  /** The samples' columns (union), the derived variables that check, applied models' outputs. */
  symbols: z.array(SymbolRow),
  /** Why no expression can be checked (a derived variable named like a column), else null. */
  problem: z.string().nullable(),
  /** Fingerprint of the table: an update answering another one means the editor's is stale. */
  key: z.string(),
})
export type CutsSymbols = z.infer<typeof CutsSymbols>

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
  /**
   * The constant of the cut's only comparison of `variable` with a number (thresholdOf in
   * shared/expr), else null.
   */
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

/** The answer of cuts.update. */
export const CutsUpdate = z.object({
  /** The engine's check of each cut, in order (the authority: it also runs the cuts). */
  checks: z.array(CheckResult),
  /** Whether the region was saved (every cut checked). */
  saved: z.boolean(),
  /** The project's regions after the update. */
  regions: z.array(CutsRegion),
  /** The saved region's cut-flow; null when not saved or when it failed (`cutflowError`). */
  cutflow: RegionCutflow.nullable(),
  cutflowError: z.string().nullable(),
  /** The key of the symbol table the cuts were checked against (see CutsSymbols.key). */
  symbols: z.string(),
})
export type CutsUpdate = z.infer<typeof CutsUpdate>

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
  /**
   * The names expressions may read, for the window's own checks as the user types (the cut
   * editor's cuts, the Fit build's observables), with src/shared/expr.
   */
  'cuts.symbols': { params: NoParams, result: CutsSymbols },
  /**
   * An edit of a region's cuts (the editor sends one per burst of typing): every cut checked,
   * the region saved when all pass (its name unchanged), and its cut-flow.
   */
  'cuts.update': {
    params: z.object({ region: CutsRegion, sigmaB: z.number().min(0).max(10).default(0) }).strict(),
    result: CutsUpdate,
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
