/**
 * The built-in style presets: what each sets at once (size, font, ticks, palette, experiment
 * label). Applying a style keeps a plot's content — title, axis labels, √s, ∫L, region label,
 * ranges, log axes — and changes its look.
 */
import { PlotSettings, type PlotSettingsInput, type StyleName } from './settings'

/** What a preset sets; everything else is the plot's own content. */
export const STYLE_KEYS = [
  'style',
  'widthCm',
  'heightCm',
  'font',
  'fontPt',
  'palette',
  'lineWidthPt',
  'markerPt',
  'hepTicks',
  'hatchedBand',
  'legend',
] as const satisfies readonly (keyof PlotSettings)[]

type StyleFields = Pick<PlotSettings, (typeof STYLE_KEYS)[number]>

/** Width / height of each style's figure when no height is set (ratio panels included). */
export const STYLE_ASPECT: Record<StyleName, number> = {
  thesis: 4 / 3,
  atlas: 4 / 3,
  cms: 1,
  slides: 16 / 9,
  screen: 16 / 10,
}

export const STYLES: Record<StyleName, StyleFields & Partial<PlotSettings>> = {
  // Serif text matching a LaTeX document: 15 cm = a typical \textwidth, so the figure is
  // included at 100 % and its 10 pt text matches the caption's size.
  thesis: {
    style: 'thesis',
    widthCm: 15,
    heightCm: null,
    font: 'serif',
    fontPt: 10,
    palette: 'petroff10',
    lineWidthPt: 1,
    markerPt: 4,
    hepTicks: true,
    hatchedBand: true,
    legend: { position: 'upper right', columns: 1 },
  },
  // ATLAS: Helvetica-like, "ATLAS" bold italic + status, √s and ∫L below, top left.
  atlas: {
    style: 'atlas',
    widthCm: 12,
    heightCm: null,
    font: 'sans',
    fontPt: 10,
    palette: 'petroff10',
    lineWidthPt: 1,
    markerPt: 4.5,
    hepTicks: true,
    hatchedBand: true,
    legend: { position: 'upper right', columns: 1 },
    experiment: 'ATLAS',
    status: 'Internal',
  },
  // CMS: square, "CMS" bold + italic status, ∫L (√s) above the frame on the right.
  cms: {
    style: 'cms',
    widthCm: 12,
    heightCm: null,
    font: 'sans',
    fontPt: 10,
    palette: 'petroff6',
    lineWidthPt: 1,
    markerPt: 4.5,
    hepTicks: true,
    hatchedBand: true,
    legend: { position: 'upper right', columns: 1 },
    experiment: 'CMS',
    status: 'Preliminary',
  },
  // 16:9 at a slide's width with large type.
  slides: {
    style: 'slides',
    widthCm: 25.4,
    heightCm: null,
    font: 'sans',
    fontPt: 20,
    palette: 'petroff10',
    lineWidthPt: 2,
    markerPt: 8,
    hepTicks: true,
    hatchedBand: true,
    legend: { position: 'upper right', columns: 1 },
  },
  // The window's look: sans, ticks outside, a light band.
  screen: {
    style: 'screen',
    widthCm: 16,
    heightCm: null,
    font: 'sans',
    fontPt: 9,
    palette: 'samples',
    lineWidthPt: 1,
    markerPt: 4,
    hepTicks: false,
    hatchedBand: false,
    legend: { position: 'upper right', columns: 1 },
  },
}

/** `settings` with style `name` applied: the preset's look, the plot's content kept. */
export function applyStyle(settings: PlotSettingsInput, name: StyleName): PlotSettings {
  return PlotSettings.parse({ ...settings, ...STYLES[name] })
}

/** Default settings of a new plot in style `name`. */
export function defaultSettings(
  name: StyleName = 'thesis',
  over: PlotSettingsInput = {},
): PlotSettings {
  return PlotSettings.parse({ ...STYLES[name], ...over })
}

/** The figure's size in cm: the width, and the set height or width / the style's aspect. */
export function figureSizeCm(s: PlotSettings): { width: number; height: number } {
  const height = s.heightCm ?? Math.round((s.widthCm / STYLE_ASPECT[s.style]) * 100) / 100
  return { width: s.widthCm, height }
}
