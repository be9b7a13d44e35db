/**
 * The post-fit correlation matrix as a saved plot (a snapshot): with many parameters, the `max`
 * most correlated with any other (the strongest off-diagonal |ρ|), kept in the fit's order, so
 * the figure stays readable on a page; first parameter at the bottom left.
 */
import type { FitOutcome } from '../../../../shared/contract/fit'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'
import { correlationPlot } from '../plots/correlation-plot'

export function fitCorrelationSave(fit: FitOutcome, workspace: string, max = 30): SavePlotParams {
  const { names, matrix } = fit.correlation
  let idx = names.map((_, i) => i)
  if (names.length > max) {
    const strength = idx.map((i) =>
      Math.max(...matrix[i].map((v, j) => (i === j || v === null ? 0 : Math.abs(v)))),
    )
    idx = idx
      .sort((a, b) => strength[b] - strength[a])
      .slice(0, max)
      .sort((a, b) => a - b)
  }
  const labels = idx.map((i) => escapeMarkup(names[i]))
  const shown = idx.length < names.length ? ` (${idx.length} of ${names.length})` : ''
  return correlationPlot({
    name: `Correlations · ${workspace}${shown}`,
    step: 'fit',
    source: 'Fit · post-fit correlation matrix',
    labels,
    values: idx.map((i) => idx.map((j) => matrix[i][j])),
    zLabel: 'Correlation coefficient',
    heightCm: 15,
  })
}
