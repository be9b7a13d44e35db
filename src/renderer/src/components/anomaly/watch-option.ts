/**
 * The autoencoder / VAE watch (issue 14) as charts: one event's inputs beside the model's
 * reconstruction of them, and the latent space coloured by process. Pure.
 */
import type { AnomalyWatch, WatchedEvent } from '../../../../shared/contract/anomaly-watch'
import type { EChartsOption } from '../charts/option'
import { valueAxis } from '../train/chart-style'
import { sampleColour } from './score-option'

const INPUT = '#7f7f7f'

/** Input vs reconstruction per input of one event, as grouped bars. */
export function reconstructionOption(
  inputs: readonly string[],
  e: WatchedEvent,
  colour: string,
): EChartsOption {
  return {
    animation: false,
    backgroundColor: '#fff',
    title: {
      text: `${e.process} (${e.role})`,
      subtext: e.loss === null ? '' : `loss ${e.loss.toPrecision(3)}`,
      left: 8,
      top: 2,
      textStyle: { fontSize: 12 },
      subtextStyle: { fontSize: 11 },
    },
    // Below the chart's export buttons (top right).
    legend: { top: 26, right: 8, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 12, top: 56, bottom: 56 },
    xAxis: {
      type: 'category',
      data: [...inputs],
      axisLabel: { fontSize: 10, rotate: inputs.length > 4 ? 30 : 0, interval: 0 },
    },
    // Bars from zero: an input and its reconstruction compare by length.
    yAxis: valueAxis('', { scale: false }),
    series: [
      { type: 'bar', name: 'input', data: e.input, itemStyle: { color: INPUT } },
      { type: 'bar', name: 'reconstruction', data: e.reconstruction, itemStyle: { color: colour } },
    ],
  }
}

/** The watched events' latent points per process (2-D latent, or two principal components). */
export function latentWatchOption(
  latent: AnomalyWatch['latent'],
  colour: (name: string, index: number) => string,
): EChartsOption {
  const axis = (k: number) =>
    latent.axes === 'latent'
      ? `z${k + 1}`
      : `PC ${k + 1}${latent.explained[k] !== undefined ? ` (${(100 * latent.explained[k]).toFixed(0)}%)` : ''}`
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 26, left: 56, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'item' },
    grid: { left: 56, right: 16, top: 56, bottom: 44 },
    xAxis: valueAxis(axis(0), { scale: true, axisLine: { onZero: false } }),
    yAxis: valueAxis(axis(1), { scale: true, nameGap: 42, axisLine: { onZero: false } }),
    series: latent.processes.map((p, i) => ({
      type: 'scatter',
      name: `${p.name} (${p.role})`,
      data: p.points,
      symbolSize: 4,
      symbol: p.role === 'signal' ? 'triangle' : 'circle',
      itemStyle: { color: colour(p.name, i), opacity: 0.6 },
    })),
  }
}

/** A process's colour: the sample's own, else the palette's. */
export function processColour(
  colours: ReadonlyMap<string, string>,
): (name: string, index: number) => string {
  return (name, index) => sampleColour(colours.get(name) ?? null, index)
}
