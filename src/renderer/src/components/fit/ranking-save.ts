/**
 * The ranking of nuisance parameters as a saved plot (a snapshot): the `top` parameters with
 * the largest post-fit impact on the POI, largest first as the chart lists them, each with its
 * pull and its pre- and post-fit ±1σ impacts (the pulls figure's ranking form).
 */
import type { RankingOutcome } from '../../../../shared/contract/fit'
import type { SavePlotParams } from '../../../../shared/contract/plots'
import { escapeMarkup } from '../../../../shared/plot/markup'

export function rankingSave(r: RankingOutcome, workspace: string, top = 20): SavePlotParams {
  const size = (i: RankingOutcome['impacts'][number]) =>
    Math.max(Math.abs(i.postfit[0] ?? 0), Math.abs(i.postfit[1] ?? 0))
  const rows = [...r.impacts].sort((a, b) => size(b) - size(a)).slice(0, top)
  const poi = r.poi === 'mu' ? '#mu' : escapeMarkup(r.poi)
  return {
    name: `Ranking · ${workspace}`,
    step: 'fit',
    source: 'Fit · ranking',
    recipe: { kind: 'none' },
    figure: {
      kind: 'pulls',
      x: { expr: 'pull', label: '(#theta #minus #theta_{0}) / #Delta#theta', unit: '' },
      rows: rows.map((i) => ({
        name: i.name,
        pull: i.pull,
        error: i.constraint,
        impact: { pre: i.prefit, post: i.postfit },
      })),
      impactLabel: `#Delta${poi}`,
    },
  }
}
