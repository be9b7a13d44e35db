/**
 * The HEPData tables of a saved plot (src/shared/plot): the numbers it is drawn from, as the
 * table kind that fits its figure — a stack as a histogram table (each component with its Σw
 * and √Σw², data with Poisson intervals), a mass plane as one table per exclusion contour
 * (piece), pulls as one table of the parameters, a Brazil band as CLs against μ plus the upper-limit
 * table, a likelihood scan or any other curves as a lines table, a matrix as a 2-D table. Axis
 * labels go from the plot's TeX-like markup to HEPData's LaTeX; √s, luminosity and region come
 * from its settings and provenance; the figure's SVG, when given, becomes the image and
 * thumbnail of the plot's first table.
 */
import type { SampleHistogram } from '../../../../shared/cutflow'
import type { SavedPlot } from '../../../../shared/plot/saved-plot'
import type { AxisVariable } from '../../../../shared/plot/figure'
import { markupText, markupToLatex } from '../../../../shared/plot/markup'
import { renderFigure, type RenderedFigure } from '../render'
import type { Conditions } from './conditions'
import { contourTables } from './contour-table'
import { heatmapTable } from './heatmap-table'
import { histogramTable } from './histogram-table'
import { clsTable, upperLimitTable } from './limit-table'
import { linesTables } from './lines-table'
import { pullsTable } from './pulls-table'
import type { Header, Table } from './record'

/** An axis as a HEPData header: label markup → LaTeX (the expression when it has none). */
function header(v: AxisVariable, override?: string | null): Header {
  const label = override ?? (v.label || v.expr)
  return { name: markupToLatex(label), ...(v.unit ? { units: v.unit } : {}) }
}

/** √s, luminosity and region of a saved plot. */
export function plotConditions(plot: SavedPlot): Conditions {
  const s = plot.settings
  // A figure drawn from the command line has no region in its provenance, only its label.
  const region = plot.provenance.region?.name ?? (s.regionLabel || undefined)
  return {
    ...(s.energyTeV !== null ? { energyTeV: s.energyTeV } : {}),
    ...(s.lumiFb !== null ? { lumiFb: s.lumiFb } : {}),
    ...(region ? { region } : {}),
  }
}

/** A HEPData table name from a plot's name (≤ 64 characters with `suffix`). */
function tableName(plot: SavedPlot, suffix = ''): string {
  return `${plot.name.slice(0, 64 - suffix.length)}${suffix}`
}

/**
 * The tables of several plots, names made unique ("NAME (2)"), in the order given. A plot's
 * figure is drawn by the figure renderer (render.ts) unless its SVG is given.
 */
export function savedPlotsTables(plots: readonly { plot: SavedPlot; svg?: string }[]): Table[] {
  const taken = new Set<string>()
  return plots.flatMap(({ plot, svg }) =>
    savedPlotTables(plot, svg ?? renderFigure(plot.figure, plot.settings)).map((t) => {
      let name = t.name
      for (let k = 2; taken.has(name); k++) name = `${t.name.slice(0, 58)} (${k})`
      taken.add(name)
      return { ...t, name }
    }),
  )
}

/** The tables of `plot` (see the module comment); `figure` is its rendered figure (or SVG). */
export function savedPlotTables(plot: SavedPlot, figure?: string | RenderedFigure): Table[] {
  const f = plot.figure
  const conditions = plotConditions(plot)
  const description = plot.settings.title ? `${plot.settings.title}.` : undefined
  const withText = <T extends object>(t: T) => ({ ...t, ...(description ? { description } : {}) })
  let tables: Table[]
  switch (f.kind) {
    case 'stack': {
      const samples: Record<string, SampleHistogram> = {}
      for (const c of f.components)
        samples[c.name] = {
          counts: c.sumw,
          sumw2: c.sumw2,
          underflow: c.underflow.sumw,
          overflow: c.overflow.sumw,
          entries: c.entries,
          nan: 0,
        }
      tables = [
        histogramTable(
          withText({
            name: tableName(plot),
            histogram: {
              expr: f.x.expr,
              region: plot.provenance.region?.name ?? null,
              edges: f.edges,
              samples,
              hidden: [],
            },
            samples: f.components.map((c) => ({ name: c.name, role: c.role })),
            observable: header(f.x, plot.settings.xLabel),
            yield: { name: f.normalised ? 'Fraction of events' : 'Events' },
            conditions,
          }),
        ),
      ]
      break
    }
    case 'brazil': {
      const poi = { name: markupToLatex(f.poi.label || f.poi.name) }
      tables = [
        clsTable(withText({ name: tableName(plot, ' (CLs)'), limit: f, poi, conditions })),
        upperLimitTable({ name: tableName(plot, ' (limit)'), limit: f, poi, conditions }),
      ]
      break
    }
    case 'lines':
      tables = linesTables(
        withText({
          name: tableName(plot),
          x: header(f.x, plot.settings.xLabel),
          y: header(f.y, plot.settings.yLabel),
          curves: f.series,
          phrase: f.flavour,
          conditions,
        }),
      )
      break
    case 'heatmap':
      tables = [
        heatmapTable(
          withText({
            name: tableName(plot),
            x: header(f.x, plot.settings.xLabel),
            y: header(f.y, plot.settings.yLabel),
            z: header(f.z),
            xLabels: f.xLabels.map(markupToLatex),
            yLabels: f.yLabels.map(markupToLatex),
            ...(f.xEdges && f.yEdges ? { xEdges: f.xEdges, yEdges: f.yEdges } : {}),
            values: f.values,
            phrase: f.flavour,
            conditions,
          }),
        ),
      ]
      break
    case 'contour':
      // One table per contour (and piece), as HEPData's exclusion-contour records are laid out.
      tables = contourTables({
        // Room for " (Expected +1σ, piece 2)" within HEPData's 64 characters.
        name: plot.name.slice(0, 36),
        ...(description ? { description } : {}),
        x: header(f.x, plot.settings.xLabel),
        y: header(f.y, plot.settings.yLabel),
        cl: f.cl,
        curves: f.curves.map((q) => ({
          label: markupText(q.name),
          pieces: q.pieces.map((p) =>
            p.closed && p.points.length ? [...p.points, p.points[0]] : p.points,
          ),
        })),
        conditions,
      })
      break
    case 'pulls':
      tables = [
        pullsTable({
          name: tableName(plot),
          ...(description ? { description } : {}),
          pull: header(f.x, plot.settings.xLabel),
          rows: f.rows,
          impact: markupToLatex(f.impactLabel),
          conditions,
        }),
      ]
      break
  }
  if (figure && tables[0])
    tables[0].figure =
      typeof figure === 'string' ? { svg: figure } : { svg: figure.svg, widthCm: figure.widthCm }
  return tables
}
