/**
 * One input variable's shapes, signal (filled blue) against background (filled red), both
 * normalised to unit area: the small multiples of the evaluation's input distributions.
 */
import type { SplitHistogram } from '../../../../shared/contract/train'
// The option type from echarts itself: charts/echarts.ts needs the DOM, these builders do not.
import type { EChartsOption } from '../charts/option'
import {
  BACKGROUND,
  BACKGROUND_FILL,
  NO_END_LABELS,
  niceCeil,
  SIGNAL,
  SIGNAL_FILL,
  short,
  valueAxis,
} from './chart-style'
import { toShape } from './shape'
import { filledSeries } from './shape-series'

export function inputOption(h: SplitHistogram & { input: string }): EChartsOption {
  const s = toShape(h.lo, h.hi, h.signal.sumw, h.signal.sumw2)
  const b = toShape(h.lo, h.hi, h.background.sumw, h.background.sumw2)
  const ymax = Math.max(...s.y, ...b.y, 0)
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: h.input, left: 'center', top: 2, textStyle: { fontSize: 12 } },
    legend: {
      top: 22,
      left: 52,
      data: ['Signal', 'Background'],
      textStyle: { fontSize: 10 },
      itemWidth: 12,
      itemHeight: 8,
    },
    tooltip: { trigger: 'item' },
    grid: { left: 52, right: 14, top: 44, bottom: 28 },
    xAxis: valueAxis('', {
      min: h.lo,
      max: h.hi,
      axisLabel: { fontSize: 10, formatter: short, hideOverlap: true, ...NO_END_LABELS },
    }),
    yAxis: valueAxis('', {
      min: 0,
      max: niceCeil(ymax * 1.2),
      axisLabel: { fontSize: 10, formatter: short, hideOverlap: true },
    }),
    series: [
      filledSeries('Signal', s, SIGNAL_FILL, SIGNAL),
      filledSeries('Background', b, BACKGROUND_FILL, BACKGROUND),
    ],
  }
}
