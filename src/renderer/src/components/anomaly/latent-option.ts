/**
 * The latent space coloured by process: the first two principal components of the latent
 * means, or their t-SNE map (axes without units: only neighbourhoods mean something). Pure.
 */
import type { AnomalyDisplay } from '../../../../shared/contract/anomaly'
import type { EChartsOption } from '../charts/option'
import { valueAxis } from '../train/chart-style'
import { sampleColour } from './score-option'

/** Flat [x0, y0, x1, y1, …] as points. */
export function pairs(flat: number[]): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out
}

export type LatentMethod = 'pca' | 'tsne'

export function latentOption(
  latent: AnomalyDisplay['latent'],
  colours: (string | null)[],
  method: LatentMethod = 'pca',
): EChartsOption {
  const pct = (k: number) =>
    latent.explained[k] !== undefined
      ? ` (${(100 * latent.explained[k]).toFixed(0)}% of variance)`
      : ''
  const tsne = method === 'tsne'
  const samples = tsne ? (latent.tsne?.samples ?? []) : latent.samples
  const axis = (k: number) => (tsne ? `t-SNE ${k + 1}` : `PC ${k + 1}${pct(k)}`)
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 2, left: 56, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'item' },
    grid: { left: 56, right: 16, top: 30, bottom: 44 },
    xAxis: valueAxis(axis(0), { scale: true, axisLine: { onZero: false } }),
    yAxis: valueAxis(axis(1), { scale: true, nameGap: 42, axisLine: { onZero: false } }),
    series: samples.map((s, i) => ({
      type: 'scatter',
      name: `${s.name} (${s.role})`,
      data: pairs(s.points),
      symbolSize: 4,
      symbol: s.role === 'signal' ? 'triangle' : 'circle',
      itemStyle: { color: sampleColour(colours[i] ?? null, i), opacity: 0.6 },
    })),
  }
}
