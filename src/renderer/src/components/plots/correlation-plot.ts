/**
 * A correlation matrix as a saved plot (a snapshot of its numbers): the one heatmap figure the
 * Data, Train and Fit steps save their correlation matrices as. Labels are markup (escaped by
 * the caller); the first row is drawn at the bottom left.
 */
import type { SavePlotParams } from '../../../../shared/contract/plots'

export function correlationPlot(p: {
  name: string
  step: SavePlotParams['step']
  source: string
  labels: string[]
  values: (number | null)[][]
  /** The colour scale's title. */
  zLabel: string
  heightCm: number
}): SavePlotParams {
  return {
    name: p.name,
    step: p.step,
    source: p.source,
    recipe: { kind: 'none' },
    figure: {
      kind: 'heatmap',
      flavour: 'correlation',
      xLabels: p.labels,
      yLabels: p.labels,
      values: p.values,
      x: { expr: '', label: '', unit: '' },
      y: { expr: '', label: '', unit: '' },
      z: { expr: 'correlation', label: p.zLabel, unit: '' },
      diverging: true,
    },
    settings: { heightCm: p.heightCm },
  }
}
