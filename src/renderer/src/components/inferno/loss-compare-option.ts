/**
 * Live (and stored) loss curves of an INFERNO run: INFERNO's loss — the expected variance of the
 * POI with the nuisances profiled — and the cross-entropy baseline's, training and validation,
 * on two y axes (the two losses have different units and scales).
 */
import type { EChartsOption } from '../charts/option'
import type { LossPair, LossPoints } from '../../stores/loss-points'
import { niceCeil, valueAxis } from '../train/chart-style'

export const INFERNO_COLOUR = '#2ca02c'
export const BCE_COLOUR = '#9467bd'

export function lossCompareOption(
  inferno: LossPair,
  bce: LossPair,
  title = 'Loss: INFERNO (expected σ² of the POI) and cross entropy',
): EChartsOption {
  const all = [...inferno.loss, ...inferno.valLoss, ...bce.loss, ...bce.valLoss]
  const last = Math.max(1, ...all.map(([e]) => e))
  const line = (name: string, data: LossPoints, colour: string, dashed: boolean, axis: number) => ({
    type: 'line',
    name,
    data,
    yAxisIndex: axis,
    showSymbol: data.length <= 40,
    symbolSize: 4,
    lineStyle: { color: colour, width: 2, type: dashed ? 'dashed' : 'solid' },
    itemStyle: { color: colour },
  })
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
    legend: { top: 24, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 72, right: 72, top: 60, bottom: 48 },
    xAxis: valueAxis('epoch', { min: 1, max: niceCeil(Math.max(last, 2)), minInterval: 1 }),
    yAxis: [
      valueAxis('INFERNO: σ²(POI)', { nameGap: 56, scale: true }),
      valueAxis('cross entropy', { nameGap: 48, scale: true, position: 'right' }),
    ],
    series: [
      line('INFERNO train', inferno.loss, INFERNO_COLOUR, false, 0),
      line('INFERNO validation', inferno.valLoss, INFERNO_COLOUR, true, 0),
      line('BCE train', bce.loss, BCE_COLOUR, false, 1),
      line('BCE validation', bce.valLoss, BCE_COLOUR, true, 1),
    ],
  } as EChartsOption
}
