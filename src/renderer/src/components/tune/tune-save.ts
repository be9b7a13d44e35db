/**
 * The Tune view's objective history and intermediate values as saved plots (snapshots of the
 * study's trials), as `lines` figures: the trials' objective as points per state with the
 * running best as a step line; the validation loss per epoch as one line per state, trials
 * separated by gaps (a pruned trial is a line cut off at its rung). The parallel-coordinates
 * chart stays out: the figure renderer has no kind for it.
 */
import type { SavePlotParams } from '../../../../shared/contract/plots'
import type { TuneTrial } from '../../../../shared/contract/tune'
import { escapeMarkup } from '../../../../shared/plot/markup'
import { STATE_COLOURS, shownTrials } from './tune-charts'

type Direction = 'minimize' | 'maximize'

export function historySave(
  study: string,
  trials: readonly TuneTrial[],
  objective: { name: string; direction: Direction },
  hide: boolean,
  logY: boolean,
): SavePlotParams {
  const shown = shownTrials(trials, hide)
  const states = ['complete', 'pruned', 'failed'] as const
  const bestX: number[] = []
  const bestY: number[] = []
  let cur: number | null = null
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (t.state !== 'complete' || t.value === null) continue
    if (cur === null || (objective.direction === 'maximize' ? t.value > cur : t.value < cur))
      cur = t.value
    bestX.push(t.number)
    bestY.push(cur)
  }
  const points = states
    .map((s) => {
      const ts = shown.filter((t) => t.state === s && t.value !== null)
      return {
        name: s,
        x: ts.map((t) => t.number),
        y: ts.map((t) => t.value),
        colour: STATE_COLOURS[s],
        draw: 'points' as const,
      }
    })
    .filter((q) => q.x.length)
  return {
    name: `Objective history · ${study}`,
    step: 'tune',
    source: 'Tune · objective per trial',
    recipe: { kind: 'none' },
    figure: {
      kind: 'lines',
      flavour: 'tune-history',
      x: { expr: 'trial', label: 'Trial', unit: '' },
      y: { expr: objective.name, label: escapeMarkup(objective.name), unit: '' },
      series: [
        ...points,
        { name: 'best so far', x: bestX, y: bestY, colour: '#222222', draw: 'step' },
      ],
    },
    settings: { logY, legend: { position: 'lower right', columns: 1 } },
  }
}

export function intermediateSave(
  study: string,
  trials: readonly TuneTrial[],
  hide: boolean,
): SavePlotParams {
  const shown = shownTrials(trials, hide)
  const states = ['complete', 'pruned', 'failed'] as const
  const series = states
    .map((s) => {
      const x: number[] = []
      const y: (number | null)[] = []
      for (const t of shown) {
        if (t.state !== s || !t.intermediate.length) continue
        t.intermediate.forEach((v, i) => {
          x.push(i + 1)
          y.push(v)
        })
        // A gap between trials.
        x.push(t.intermediate.length)
        y.push(null)
      }
      return { name: s, x, y, colour: STATE_COLOURS[s], draw: 'line' as const }
    })
    .filter((q) => q.x.length)
  return {
    name: `Validation loss per epoch · ${study}`,
    step: 'tune',
    source: 'Tune · intermediate values',
    recipe: { kind: 'none' },
    figure: {
      kind: 'lines',
      flavour: 'tune-intermediate',
      x: { expr: 'epoch', label: 'Epoch', unit: '' },
      y: { expr: 'val_loss', label: 'Validation loss', unit: '' },
      series,
    },
  }
}
