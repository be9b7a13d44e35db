/**
 * A channel's pre- or post-fit yields as a saved plot (a snapshot of the fit's numbers): every
 * sample stacked (largest at the bottom, as the chart draws them), the data as points with
 * Poisson intervals, and the fit's total 1σ uncertainty as the band — not √Σw², which a
 * workspace's yields do not carry (their Σw² is set to 0).
 */
import type { ChannelYields } from '../../../../shared/contract/fit'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'

export function channelSave(
  ch: ChannelYields,
  stage: 'pre' | 'post',
  workspace: string,
  dataLabel: string,
  colourOf: (sample: string) => string,
): SavePlotParams {
  const bins = ch.data.length
  const samples = [...ch.samples].sort(
    (a, b) => b.post.reduce((x, y) => x + y, 0) - a.post.reduce((x, y) => x + y, 0),
  )
  const hex = (c: string) => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : null)
  const word = stage === 'pre' ? 'Pre-fit' : 'Post-fit'
  return {
    name: `${word} ${ch.channel} · ${workspace}`,
    step: 'fit',
    source: `Fit · ${word.toLowerCase()} yields`,
    recipe: { kind: 'none' },
    figure: {
      kind: 'stack',
      edges: Array.from({ length: bins + 1 }, (_, i) => i),
      x: { expr: `${ch.channel} bin`, label: `${escapeMarkup(ch.channel)} bin`, unit: '' },
      components: [
        ...samples.map((s) => {
          const y = stage === 'pre' ? s.pre : s.post
          return {
            name: escapeMarkup(s.name),
            role: 'background' as const,
            colour: hex(colourOf(s.name)),
            sumw: y,
            sumw2: y.map(() => 0),
            samples: [s.name],
          }
        }),
        {
          name: escapeMarkup(dataLabel),
          role: 'data' as const,
          sumw: ch.data,
          sumw2: ch.data,
          samples: [],
        },
      ],
      wholeX: true,
      uncertainty: {
        error: stage === 'pre' ? ch.preError : ch.postError,
        label: `${word} uncertainty`,
      },
    },
    settings: { regionLabel: escapeMarkup(ch.channel) },
  }
}
