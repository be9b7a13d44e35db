/**
 * The explorer's 2-D histogram as a saved plot (a snapshot of its cells): a heatmap figure with
 * numeric axes from the bin edges, Σw per cell, empty cells left white as on the chart.
 */
import type { Hist2DResult, VariableRow } from '../../../../shared/contract/data'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'

type Row = Pick<VariableRow, 'label' | 'unit'> | undefined

export function hist2dSave(
  h: Hist2DResult,
  sample: string,
  rows: { x?: Row; y?: Row } = {},
): SavePlotParams {
  const edges = (lo: number, hi: number, n: number) =>
    Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n)
  const xEdges = edges(h.xlo, h.xhi, h.xbins)
  const yEdges = edges(h.ylo, h.yhi, h.ybins)
  const centre = (e: number[], k: number) => String(Number(((e[k] + e[k + 1]) / 2).toPrecision(4)))
  const axis = (name: string, row: Row) => ({
    expr: name,
    label: row?.label?.trim() || escapeMarkup(name),
    unit: row?.unit?.trim() ?? '',
  })
  return {
    name: `${h.y} vs ${h.x} · ${sample}`,
    step: 'data',
    source: 'Data · 2-D histogram',
    recipe: { kind: 'none' },
    figure: {
      kind: 'heatmap',
      flavour: 'histogram2d',
      xLabels: xEdges.slice(0, -1).map((_, k) => centre(xEdges, k)),
      yLabels: yEdges.slice(0, -1).map((_, k) => centre(yEdges, k)),
      xEdges,
      yEdges,
      // values[row = y bin][column = x bin]; an empty cell is null (drawn white).
      values: yEdges
        .slice(0, -1)
        .map((_, iy) => xEdges.slice(0, -1).map((_, ix) => h.sumw[ix][iy] || null)),
      x: axis(h.x, rows.x),
      y: axis(h.y, rows.y),
      z: { expr: 'sumw', label: `#Sigma w per cell (${escapeMarkup(sample)})`, unit: '' },
      diverging: false,
    },
    settings: { heightCm: 12 },
  }
}
