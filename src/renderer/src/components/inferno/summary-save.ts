/**
 * The INFERNO step's summaries as saved plots (snapshots of a result's numbers): a summary
 * histogram as a stack figure — the processes stacked, signal on top, and the total at each
 * nuisance's up / down template as lines — and both profile-likelihood scans of the POI as a
 * `lines` figure with the Δ(−2 ln L) = 1 and 4 guides.
 */
import type { PoiProfile, SummaryTemplates } from '../../../../shared/contract/inferno'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'
import { BCE_COLOUR, INFERNO_COLOUR } from './loss-compare-option'

export function summarySave(
  t: SummaryTemplates,
  which: 'INFERNO' | 'Cross entropy',
): SavePlotParams {
  const ordered = [
    ...t.processes.filter((p) => p.role === 'background'),
    ...t.processes.filter((p) => p.role === 'signal'),
  ]
  const zeros = (v: number[]) => v.map(() => 0)
  return {
    name: `${which} summary (${t.bins} bins)`,
    step: 'train',
    source: `INFERNO · ${which.toLowerCase()} summary histogram`,
    recipe: { kind: 'none' },
    figure: {
      kind: 'stack',
      edges: Array.from({ length: t.bins + 1 }, (_, j) => j + 0.5),
      x: { expr: 'bin', label: `${which} summary bin`, unit: '' },
      // Every process stacked (the signal too, on top), as the summary is fitted.
      components: [
        ...ordered.map((p) => ({
          name: escapeMarkup(p.name),
          role: 'background' as const,
          sumw: p.nominal,
          sumw2: zeros(p.nominal),
          samples: [p.name],
        })),
        ...t.variations.flatMap((v) => [
          {
            name: `${escapeMarkup(v.nuisance)} up (${escapeMarkup(v.label)})`,
            role: 'signal' as const,
            sumw: v.up,
            sumw2: zeros(v.up),
          },
          {
            name: `${escapeMarkup(v.nuisance)} down`,
            role: 'signal' as const,
            sumw: v.down,
            sumw2: zeros(v.down),
          },
        ]),
      ],
      wholeX: true,
    },
  }
}

export function scansSave(inferno: PoiProfile, bce: PoiProfile, poiLabel: string): SavePlotParams {
  const fmt = (s: number | null) => (s === null ? '—' : String(Number(s.toPrecision(3))))
  const series = (name: string, p: PoiProfile, colour: string) => ({
    name: `${name}: #sigma = ${fmt(p.sigma)}`,
    x: p.scan.values,
    y: p.scan.delta,
    colour,
  })
  return {
    name: 'Profile likelihood: INFERNO vs cross entropy',
    step: 'train',
    source: 'INFERNO · profile likelihood scans',
    recipe: { kind: 'none' },
    figure: {
      kind: 'lines',
      flavour: 'scan',
      x: { expr: inferno.poi, label: escapeMarkup(poiLabel), unit: '' },
      y: { expr: 'delta_twice_nll', label: '#minus2 #Delta ln L', unit: '' },
      series: [
        series('INFERNO', inferno, INFERNO_COLOUR),
        series('Cross entropy', bce, BCE_COLOUR),
      ],
      refLines: [
        { axis: 'y', value: 1, label: '68% CL' },
        { axis: 'y', value: 4, label: '95% CL' },
      ],
    },
  }
}
