/**
 * How a figure is presented: style preset, size, labels, experiment label, legend, axes,
 * palette. A saved plot keeps its settings beside its data (figure.ts), so it re-renders at any
 * size and style; a style preset (styles.ts) sets them all at once.
 */
import { z } from 'zod'

export const STYLE_NAMES = ['thesis', 'atlas', 'cms', 'slides', 'screen'] as const
export const StyleName = z.enum(STYLE_NAMES)
export type StyleName = z.infer<typeof StyleName>

/** The status after the experiment's name, as the collaborations' guidelines spell them. */
export const EXPERIMENT_STATUSES = [
  '',
  'Internal',
  'Preliminary',
  'Simulation',
  'Simulation Internal',
  'Simulation Preliminary',
  'Work in progress',
  'Private work',
] as const
export const ExperimentStatus = z.enum(EXPERIMENT_STATUSES)
export type ExperimentStatus = z.infer<typeof ExperimentStatus>

export const LEGEND_POSITIONS = [
  'upper right',
  'upper left',
  'lower right',
  'lower left',
  'none',
] as const
export const LegendPosition = z.enum(LEGEND_POSITIONS)
export type LegendPosition = z.infer<typeof LegendPosition>

export const PALETTES = ['samples', 'petroff6', 'petroff8', 'petroff10', 'okabe-ito'] as const
export const PaletteName = z.enum(PALETTES)
export type PaletteName = z.infer<typeof PaletteName>

export const FONT_FAMILIES = ['serif', 'sans'] as const
export const FontFamily = z.enum(FONT_FAMILIES)
export type FontFamily = z.infer<typeof FontFamily>

const Range = z
  .tuple([z.number(), z.number()])
  .refine(
    ([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi) && hi > lo,
    'a range needs lo < hi',
  )
  .nullable()

export const PlotSettings = z
  .object({
    style: StyleName.default('thesis'),
    /** Figure width in cm (a thesis' \textwidth is ~15 cm); height in cm, null: the style's ratio. */
    widthCm: z.number().min(2).max(100).default(15),
    heightCm: z.number().min(2).max(100).nullable().default(null),
    /** Text family: serif (Latin Modern, matches LaTeX) or sans (Helvetica-like, ATLAS/CMS). */
    font: FontFamily.default('serif'),
    /** Base font size in pt (tick labels; axis titles and labels scale from it). */
    fontPt: z.number().min(4).max(40).default(10),
    /** Title above the frame ('' for none: HEP figures carry the caption in the document). */
    title: z.string().max(300).default(''),
    /** Axis titles in TeX-like markup; null: from the data (variable label and unit). */
    xLabel: z.string().max(300).nullable().default(null),
    yLabel: z.string().max(300).nullable().default(null),
    /** 'ATLAS', 'CMS', 'LHCb', any other text, or '' for no experiment label. */
    experiment: z.string().max(60).default(''),
    status: ExperimentStatus.default(''),
    /** √s in TeV and ∫L in fb⁻¹ (null: not shown). */
    energyTeV: z.number().positive().nullable().default(null),
    lumiFb: z.number().positive().nullable().default(null),
    /** A line under the experiment label naming the selection (markup), e.g. 'Signal region'. */
    regionLabel: z.string().max(200).default(''),
    legend: z
      .object({
        position: LegendPosition.default('upper right'),
        columns: z.number().int().min(1).max(4).default(1),
      })
      .default({ position: 'upper right', columns: 1 }),
    logX: z.boolean().default(false),
    logY: z.boolean().default(false),
    xRange: Range.default(null),
    yRange: Range.default(null),
    /** The ratio panel's y range (data / simulation); shown when the figure has data. */
    ratio: z.boolean().default(true),
    ratioRange: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => hi > lo, 'a range needs lo < hi')
      .default([0.5, 1.5]),
    palette: PaletteName.default('petroff10'),
    /** Line width and marker size in pt. */
    lineWidthPt: z.number().min(0.1).max(10).default(1),
    markerPt: z.number().min(0.5).max(20).default(4),
    /** Dash pattern of the n-th line (signals, curves), cycled. */
    lineStyles: z
      .array(z.enum(['solid', 'dashed', 'dotted', 'dashdot']))
      .min(1)
      .default(['solid', 'dashed', 'dotted', 'dashdot']),
    /** Ticks inside on all four sides with minor ticks (HEP convention); false: outside, two sides. */
    hepTicks: z.boolean().default(true),
    /** Hatched simulation-uncertainty band (false: a translucent grey band). */
    hatchedBand: z.boolean().default(true),
  })
  .strict()
export type PlotSettings = z.infer<typeof PlotSettings>
export type PlotSettingsInput = z.input<typeof PlotSettings>

/** A named set of settings a project keeps (its own presets beside the built-in styles). */
export const StylePreset = z.object({
  name: z.string().trim().min(1).max(100),
  settings: PlotSettings,
})
export type StylePreset = z.infer<typeof StylePreset>
