/**
 * The one figure renderer: a figure's data and its settings → an SVG document in pt, the same
 * bytes for the window, browser mode and `hepwb plot`; PDF and PNG are made from this SVG
 * (export.ts). Drawn by hand rather than with ECharts, whose SSR output cannot place ticks
 * inside on four sides, hatch a band or set sub/superscripts and Greek in axis titles.
 */
import type { Figure } from '../../../shared/plot/figure'
import { markupText } from '../../../shared/plot/markup'
import { PlotSettings, type PlotSettingsInput } from '../../../shared/plot/settings'
import { figureSizeCm } from '../../../shared/plot/styles'
import { Canvas, PT_PER_CM } from './canvas'
import { renderBrazil } from './render-brazil'
import { renderContour } from './render-contour'
import { renderHeatmap } from './render-heatmap'
import { renderLines } from './render-lines'
import { renderPulls } from './render-pulls'
import { renderStack, stackName } from './render-stack'
import { Svg } from './svg'

export interface RenderedFigure {
  svg: string
  widthCm: number
  heightCm: number
  /** Width and height in pt (1/72 in): the PDF page size. */
  widthPt: number
  heightPt: number
}

/** A short plain-text name of what the figure shows (the SVG's <title>). */
export function figureTitle(f: Figure): string {
  switch (f.kind) {
    case 'stack':
      return stackName(f)
    case 'brazil':
      return `CLs vs ${markupText(f.poi.label || f.poi.name)}`
    case 'lines':
      return `${markupText(f.y.label || f.y.expr)} vs ${markupText(f.x.label || f.x.expr)}`
    case 'heatmap':
      return markupText(f.z.label || f.flavour)
    case 'contour':
      return `Exclusion in the ${markupText(f.x.label || f.x.expr)}–${markupText(f.y.label || f.y.expr)} plane`
    case 'pulls':
      return `Pulls of ${f.rows.length} nuisance parameters`
  }
}

/**
 * The figure's size: the settings' (figureSizeCm), except that pulls with an automatic height
 * grow with their rows (about 0.42 cm per parameter at 10 pt), so a hundred nuisance
 * parameters stay readable instead of being squeezed into the style's aspect ratio.
 */
export function sizeCm(figure: Figure, settings: PlotSettings): { width: number; height: number } {
  const size = figureSizeCm(settings)
  if (figure.kind !== 'pulls' || settings.heightCm !== null) return size
  // A ranking adds its top axis and two legend entries.
  const ranked = figure.rows.some((r) => r.impact !== null)
  const rows =
    0.042 * settings.fontPt * figure.rows.length + (ranked ? 0.5 : 0.35) * settings.fontPt
  return { width: size.width, height: Math.min(100, Math.max(size.height, rows)) }
}

export function renderFigure(figure: Figure, settingsIn: PlotSettingsInput): RenderedFigure {
  const settings = PlotSettings.parse(settingsIn)
  const { width, height } = sizeCm(figure, settings)
  const W = width * PT_PER_CM
  const H = height * PT_PER_CM
  const svg = new Svg(W, H)
  const c = new Canvas(svg, settings)
  switch (figure.kind) {
    case 'stack':
      renderStack(c, figure, W, H)
      break
    case 'brazil':
      renderBrazil(c, figure, W, H)
      break
    case 'lines':
      renderLines(c, figure, W, H)
      break
    case 'heatmap':
      renderHeatmap(c, figure, W, H)
      break
    case 'contour':
      renderContour(c, figure, W, H)
      break
    case 'pulls':
      renderPulls(c, figure, W, H)
      break
  }
  return {
    svg: svg.toString(settings.title || figureTitle(figure)),
    widthCm: width,
    heightCm: height,
    widthPt: W,
    heightPt: H,
  }
}
