/**
 * The loss curves of a network: training and validation loss per epoch (live while it trains,
 * and from the stored history afterwards), with the best epoch marked.
 */
// The option type from echarts itself: charts/echarts.ts needs the DOM, these builders do not.
import type { EChartsOption } from '../charts/option'
import type { LossPoints } from '../../stores/loss-points'
import { BACKGROUND, SIGNAL, niceCeil, valueAxis } from './chart-style'

export interface LossPlot {
  loss: LossPoints
  valLoss: LossPoints
  /** Epoch (from 1) whose weights were kept, marked with a dashed line; null: none. */
  bestEpoch?: number | null
  /** The number of epochs planned, so the x axis does not jump while training. */
  epochs?: number
  title?: string
}

export function lossOption(p: LossPlot): EChartsOption {
  // The axis grows with the epochs seen (half again, rounded), up to the planned epochs: a
  // long run stays readable while it starts, a short one shows its full length at once.
  const seen = Math.max(...p.loss.map(([e]) => e), ...p.valLoss.map(([e]) => e), 1)
  const last = Math.max(seen, Math.min(p.epochs ?? seen, niceCeil(Math.max(10, seen * 1.5))))
  // Markers help for a few epochs and clutter hundreds.
  const showSymbol = Math.max(p.loss.length, p.valLoss.length) <= 40
  const markLine =
    p.bestEpoch !== null && p.bestEpoch !== undefined
      ? {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#555', type: 'dashed' },
          label: { formatter: `best epoch ${p.bestEpoch}`, position: 'insideEndTop', fontSize: 11 },
          data: [{ xAxis: p.bestEpoch }],
        }
      : undefined
  return {
    animation: false,
    backgroundColor: '#fff',
    title: p.title ? { text: p.title, left: 'center', textStyle: { fontSize: 13 } } : undefined,
    legend: { top: p.title ? 22 : 4, left: 64, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: p.title ? 52 : 36, bottom: 48 },
    xAxis: valueAxis('epoch', { min: 1, max: last, minInterval: 1 }),
    // Nice bounds around the data (losses live far from 0).
    yAxis: valueAxis('binary cross entropy', { nameGap: 48, scale: true }),
    series: [
      {
        type: 'line',
        name: 'training loss',
        data: p.loss,
        showSymbol,
        symbolSize: 4,
        lineStyle: { color: SIGNAL, width: 2 },
        itemStyle: { color: SIGNAL },
        markLine,
      },
      {
        type: 'line',
        name: 'validation loss',
        data: p.valLoss,
        showSymbol,
        symbolSize: 4,
        lineStyle: { color: BACKGROUND, width: 2, type: 'dashed' },
        itemStyle: { color: BACKGROUND },
      },
    ],
  }
}
