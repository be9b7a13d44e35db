/**
 * The anomaly score distribution as a saved plot (a snapshot of its numbers): a stack figure
 * with the backgrounds stacked and the signals as lines, as the chart draws them, the threshold
 * as a dashed line and a log y axis.
 */
import type { ScoreHistograms } from '../../../../shared/contract/anomaly'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'
import { sampleColour } from './score-option'

export function anomalyScoreSave(
  model: string,
  h: ScoreHistograms,
  cut: number | null,
  label = 'anomaly score',
): SavePlotParams {
  return {
    name: `Anomaly score · ${model}`,
    step: 'anomaly',
    source: 'Anomaly · score distribution',
    recipe: { kind: 'none' },
    figure: {
      kind: 'stack',
      edges: h.edges,
      x: { expr: 'score', label: escapeMarkup(label), unit: '' },
      components: h.samples.map((s, i) => {
        const colour = sampleColour(s.colour, i)
        return {
          name: s.name,
          role: s.role,
          colour: /^#[0-9a-fA-F]{6}$/.test(colour) ? colour : null,
          sumw: s.sumw,
          sumw2: s.sumw2,
          samples: [s.name],
        }
      }),
      cuts: cut === null ? [] : [cut],
    },
    settings: { logY: true },
  }
}
