/**
 * The N−1 plot as a saved plot (a snapshot of its numbers): the region's samples as a stack
 * figure — backgrounds stacked, signals as lines, data as points with their Σw and Σw² — and the
 * cut's threshold as a dashed line. Hidden samples stay out, as on the chart.
 */
import type { NMinus1Result } from '../../../../shared/contract/cuts'
import type { VariableRow } from '../../../../shared/contract/data'
import type { SavePlotParams } from '../../../../shared/contract/plots'

const COLOUR = /^#[0-9a-fA-F]{6}$/

export function nminus1Save(
  h: NMinus1Result,
  region: string,
  cutName: string,
  row?: Pick<VariableRow, 'label' | 'unit'>,
): SavePlotParams {
  const edges = Array.from({ length: h.bins + 1 }, (_, i) => h.lo + ((h.hi - h.lo) * i) / h.bins)
  return {
    name: `N−1 ${h.variable} · ${region} · ${cutName}`,
    step: 'cuts',
    source: 'Cuts · N−1 plot',
    recipe: { kind: 'none' },
    figure: {
      kind: 'stack',
      edges,
      x: { expr: h.variable, label: row?.label?.trim() ?? '', unit: row?.unit?.trim() ?? '' },
      components: h.samples
        .filter((s) => !h.hidden.includes(s.name))
        .map((s) => ({
          name: s.name,
          role: s.role,
          colour: COLOUR.test(s.colour) ? s.colour : null,
          sumw: s.sumw,
          sumw2: s.sumw2,
          samples: [s.name],
        })),
      wholeX: h.integer,
      cuts: h.threshold === null ? [] : [h.threshold],
    },
    settings: { regionLabel: region },
  }
}
