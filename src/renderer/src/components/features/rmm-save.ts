/**
 * An RMM heatmap as a saved plot (a snapshot of its cells): the object labels on both axes and
 * row 0 (MET) at the top, as the chart shows it (the figure renderer draws the first row at the
 * bottom, so the rows go in reversed).
 */
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'

export function rmmSave(
  labels: readonly string[],
  matrix: readonly (readonly (number | null)[])[],
  name: string,
  source: string,
): SavePlotParams {
  const text = labels.map((l) => escapeMarkup(l))
  return {
    name,
    step: 'data',
    source,
    recipe: { kind: 'none' },
    figure: {
      kind: 'heatmap',
      flavour: 'rmm',
      xLabels: text,
      yLabels: [...text].reverse(),
      values: [...matrix].reverse().map((row) => [...row]),
      x: { expr: '', label: '', unit: '' },
      y: { expr: '', label: '', unit: '' },
      z: { expr: 'rmm', label: 'RMM cell value', unit: '' },
      diverging: false,
    },
    settings: { heightCm: 13 },
  }
}
