/**
 * The Plots step's methods (issue 16): save a chart of any view to the project as data +
 * settings + provenance, list, restyle, refresh and export saved plots. The engine renders
 * every figure (one renderer for the window, browser mode and `hepwb plot`), so what the window
 * shows and what it exports are the same SVG.
 */
import { z } from 'zod'
import { Figure } from '../plot/figure'
import { PlotRecipe, PlotStep } from '../plot/provenance'
import { PlotName, SavedPlot, SavedPlotSummary } from '../plot/saved-plot'
import { PlotSettings, StyleName, StylePreset } from '../plot/settings'
import { FilePath, type MethodSpec, NoParams, Overwrite } from './common'

const id = z.string().min(1).max(200)
const Tags = z.array(z.string().trim().min(1).max(50)).max(30)

export const ExportFormat = z.enum(['pdf', 'svg', 'png'])
export type ExportFormat = z.infer<typeof ExportFormat>

/**
 * Settings a request may change (any subset; the rest stays). Built without the fields'
 * defaults: zod's `.partial()` keeps them, and a patch of one field would reset all the others.
 */
export const SettingsPatch = z
  .object(
    Object.fromEntries(
      Object.entries(PlotSettings.shape).map(([k, v]) => [
        k,
        (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional(),
      ]),
    ),
  )
  .strict() as unknown as z.ZodType<Partial<PlotSettings>>

export const SavePlotParams = z
  .object({
    name: PlotName,
    tags: Tags.default([]),
    step: PlotStep,
    /** The chart it was saved from, in words ('Data · stacked histogram'). */
    source: z.string().max(200).default(''),
    /**
     * How the engine computes the numbers (and refreshes them later). With `none`, `figure`
     * holds the numbers as the view has them (a snapshot).
     */
    recipe: PlotRecipe,
    figure: Figure.optional(),
    /** Labels and style to start from (default: the project's default style). */
    settings: SettingsPatch.default({}),
  })
  .strict()
export type SavePlotParams = z.input<typeof SavePlotParams>

export const ExportedFile = z.object({
  plot: z.string(),
  path: z.string(),
  format: z.enum(['pdf', 'svg', 'png', 'tex', 'zip']),
  bytes: z.number().int(),
})
export type ExportedFile = z.infer<typeof ExportedFile>

export const ExportParams = z
  .object({
    ids: z.array(id).min(1).max(1000),
    format: ExportFormat,
    /** PNG resolution in dots per inch. */
    dpi: z.number().int().min(30).max(2400).default(300),
    /** Restyle for this export only (the saved settings are not changed). */
    style: StyleName.optional(),
    /** A folder (created if missing) or a `.zip` file to write; one file per plot plus `.tex`. */
    path: FilePath,
    overwrite: Overwrite,
  })
  .strict()

export const plotsMethods = {
  'plots.list': { params: NoParams, result: z.array(SavedPlotSummary) },
  'plots.get': { params: z.object({ id }).strict(), result: SavedPlot },
  /** Computes the figure from the recipe (or takes the snapshot) and stores it. */
  'plots.save': { params: SavePlotParams, result: SavedPlot },
  'plots.update': {
    params: z
      .object({
        id,
        name: PlotName.optional(),
        tags: Tags.optional(),
        settings: SettingsPatch.optional(),
      })
      .strict(),
    result: SavedPlot,
  },
  /** Applies a style preset (built-in name or one of the project's) to the listed plots. */
  'plots.restyle': {
    params: z
      .object({ ids: z.array(id).min(1).max(1000), style: z.string().min(1).max(100) })
      .strict(),
    result: z.array(SavedPlot),
  },
  'plots.remove': { params: z.object({ id }).strict(), result: z.null() },
  /** Recomputes the numbers from the recipe with today's inputs; provenance is renewed. */
  'plots.refresh': { params: z.object({ id }).strict(), result: SavedPlot },
  /** SVG of a saved plot (optionally at another width, e.g. a thumbnail) or of a figure. */
  'plots.render': {
    params: z
      .object({
        id: id.optional(),
        figure: Figure.optional(),
        settings: SettingsPatch.default({}),
        /** Also rasterise at this resolution (the window shows the PNG: the exact fonts). */
        pngDpi: z.number().int().min(10).max(600).optional(),
      })
      .strict()
      .refine((p) => (p.id === undefined) !== (p.figure === undefined), 'give id or figure'),
    result: z.object({
      svg: z.string(),
      widthCm: z.number(),
      heightCm: z.number(),
      /** data:image/png;base64,… when pngDpi was given. */
      png: z.string().optional(),
    }),
  },
  /** Writes the listed plots as PDF, SVG or PNG with a LaTeX snippet each, to a folder or a zip. */
  'plots.export': {
    params: ExportParams,
    result: z.object({ files: z.array(ExportedFile) }),
  },
  /** The LaTeX figure snippet of a plot (caption pre-filled from its provenance). */
  'plots.latex': {
    params: z.object({ id, file: z.string().max(500).optional() }).strict(),
    result: z.object({ latex: z.string() }),
  },
  /** The project's own style presets (beside the built-in thesis, atlas, cms, slides, screen). */
  'plots.styles': { params: NoParams, result: z.array(StylePreset) },
  'plots.saveStyle': { params: StylePreset, result: z.array(StylePreset) },
  'plots.removeStyle': {
    params: z.object({ name: z.string().min(1).max(100) }).strict(),
    result: z.array(StylePreset),
  },
} as const satisfies Record<string, MethodSpec>

export type PlotsMethodName = keyof typeof plotsMethods
