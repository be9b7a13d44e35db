/**
 * Where a saved plot's numbers came from, and how to compute them again. The caption of the
 * LaTeX snippet and the HEPData qualifiers are written from it; `inputsKey` tells whether the
 * inputs changed since the plot was saved ("inputs changed since saved").
 */
import { z } from 'zod'

export const PLOT_STEPS = [
  'data',
  'cuts',
  'train',
  'fit',
  'anomaly',
  'tune',
  'cli',
  'learn',
] as const
export const PlotStep = z.enum(PLOT_STEPS)
export type PlotStep = z.infer<typeof PlotStep>

export const ProvenanceSample = z.object({
  name: z.string(),
  role: z.enum(['signal', 'background', 'data']),
  /** Each file of the chain with its content's SHA-256. */
  files: z.array(z.object({ path: z.string(), hash: z.string() })),
  /** The sample's normalisation in words ('σ = 831.8 pb, L = 138 fb⁻¹'), for captions. */
  normalisation: z.string().default(''),
  /** Luminosity in pb⁻¹ when the sample is normalised to one. */
  luminosityPb: z.number().nullable().default(null),
})
export type ProvenanceSample = z.infer<typeof ProvenanceSample>

/**
 * What to run again to refresh the numbers. `histogram`: the Data step's weighted histogram
 * (the same use case as `hepwb hist`); `limit`: the latest CLs scan stored for a workspace;
 * `none`: a snapshot that cannot be recomputed.
 */
export const PlotRecipe = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('histogram'),
    /** An expression (`hepwb hist --var`), or a column by name (the Data explorer's variables). */
    variable: z.string(),
    by: z.enum(['expr', 'column']).default('expr'),
    /** Axis label markup and unit as the view showed them ('' = the variable's own). */
    label: z.string().default(''),
    unit: z.string().default(''),
    wholeX: z.boolean().default(false),
    bins: z.number().int().min(1),
    lo: z.number(),
    hi: z.number(),
    region: z.string().nullable(),
    foldFlows: z.boolean().default(false),
    normalised: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('limit'),
    workspaceId: z.string(),
    /** The fit options (patch, data, codes) the limit was computed with. */
    options: z.unknown(),
  }),
  z.object({ kind: z.literal('none') }),
])
export type PlotRecipe = z.infer<typeof PlotRecipe>

export const PlotProvenance = z.object({
  project: z.object({ name: z.string(), path: z.string() }).nullable(),
  /** The workflow step and chart it was saved from ('Data · stacked histogram'). */
  step: PlotStep,
  source: z.string().default(''),
  samples: z.array(ProvenanceSample).default([]),
  /** The region and its cuts in order (parents' first); null: all events. */
  region: z
    .object({
      name: z.string(),
      cuts: z.array(z.object({ name: z.string(), expr: z.string() })),
    })
    .nullable()
    .default(null),
  /** Derived variables the figure's expressions use (name = expression). */
  variables: z.array(z.object({ name: z.string(), expr: z.string() })).default([]),
  model: z.object({ id: z.string(), name: z.string() }).nullable().default(null),
  run: z.string().nullable().default(null),
  workspace: z.object({ id: z.string(), name: z.string() }).nullable().default(null),
  engineVersion: z.string(),
  /** ISO 8601 time the numbers were computed. */
  date: z.string(),
  recipe: PlotRecipe.default({ kind: 'none' }),
  /**
   * A digest of every input the recipe reads (samples' files and specs, region cuts, derived
   * variables, the workspace), computed when saved; a different digest now means stale.
   */
  inputsKey: z.string().default(''),
})
export type PlotProvenance = z.infer<typeof PlotProvenance>
export type PlotProvenanceInput = z.input<typeof PlotProvenance>
