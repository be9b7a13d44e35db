/**
 * The loss components of an autoencoder / VAE per epoch: total loss (training, validation),
 * reconstruction and, for a VAE, KL — live while it trains, from the stored history after.
 * Pure.
 */
import type { EChartsOption } from '../charts/option'
import { MODEL_COLOURS, niceCeil, valueAxis } from '../train/chart-style'
import type { LossComponents } from '../../stores/loss-components'

export const COMPONENT_LABELS: Record<keyof LossComponents, string> = {
  loss: 'total (train)',
  val_loss: 'total (validation)',
  reconstruction: 'reconstruction (train)',
  val_reconstruction: 'reconstruction (validation)',
  kl: 'KL (train)',
  val_kl: 'KL (validation)',
}

export function lossComponentsOption(c: LossComponents, epochs?: number): EChartsOption {
  const keys = Object.keys(COMPONENT_LABELS) as (keyof LossComponents)[]
  const shown = keys.filter((k) => c[k].length > 0)
  const seen = Math.max(1, ...shown.flatMap((k) => c[k].map(([e]) => e)))
  const last = Math.max(seen, Math.min(epochs ?? seen, niceCeil(Math.max(10, seen * 1.5))))
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 4, left: 64, right: 90, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 52, bottom: 48 },
    xAxis: valueAxis('epoch', { min: 1, max: last, minInterval: 1 }),
    yAxis: valueAxis('loss per event', { nameGap: 48, scale: true }),
    series: shown.map((k) => {
      const colour = MODEL_COLOURS[Math.floor(keys.indexOf(k) / 2)]
      return {
        type: 'line',
        name: COMPONENT_LABELS[k],
        data: c[k],
        showSymbol: c[k].length <= 40,
        symbolSize: 4,
        lineStyle: { color: colour, width: 2, type: k.startsWith('val_') ? 'dashed' : 'solid' },
        itemStyle: { color: colour },
      }
    }),
  }
}
