/**
 * The pulls of a fit's nuisance parameters as a saved plot (a snapshot, in the order the chart
 * lists them): each parameter with a pull, its post-fit constraint as the error.
 */
import type { FitOutcome } from '../../../../shared/contract/fit'
import type { SavePlotParams } from '../../../../shared/contract/plots'

export function pullsSave(fit: FitOutcome, workspace: string): SavePlotParams {
  return {
    name: `Pulls · ${workspace}`,
    step: 'fit',
    source: 'Fit · pulls',
    recipe: { kind: 'none' },
    figure: {
      kind: 'pulls',
      x: { expr: 'pull', label: '(#theta #minus #theta_{0}) / #Delta#theta', unit: '' },
      rows: fit.parameters
        .filter((p) => p.pull !== null)
        .map((p) => ({ name: p.name, pull: p.pull, error: p.constraint })),
    },
  }
}
