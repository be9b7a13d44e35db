/**
 * The live soft histograms of INFERNO while it trains (issue 7: "students should see the bins
 * reorganise"): per epoch, the fraction of signal and of background validation events softly
 * assigned to each bin, side by side as bars, with the previous epoch as pale bars beside them so
 * the change from one epoch to the next is visible even on a still frame.
 */
import type { EChartsOption } from '../charts/option'
import type { SoftSnapshot } from '../../stores/soft-snapshots'
import { BACKGROUND, SIGNAL, valueAxis } from '../train/chart-style'

export function softHistogramOption(
  now: SoftSnapshot,
  previous: SoftSnapshot | null,
  tau: number | null,
): EChartsOption {
  const bins = now.signal.map((_, j) => String(j + 1))
  const bar = (name: string, data: number[], colour: string, pale: boolean) => ({
    type: 'bar',
    name,
    data,
    barGap: '5%',
    barCategoryGap: '20%',
    itemStyle: pale
      ? { color: colour, opacity: 0.25, borderColor: colour, borderType: 'dashed', borderWidth: 1 }
      : { color: colour, opacity: 0.85 },
  })
  // The previous epoch as pale bars beside each process's bars: the change reads bin by bin.
  const before = previous && previous.signal.length === now.signal.length ? previous : null
  const series: unknown[] = before
    ? [
        bar(`signal, epoch ${before.epoch}`, before.signal, SIGNAL, true),
        bar('signal', now.signal, SIGNAL, false),
        bar(`background, epoch ${before.epoch}`, before.background, BACKGROUND, true),
        bar('background', now.background, BACKGROUND, false),
      ]
    : [
        bar('signal', now.signal, SIGNAL, false),
        bar('background', now.background, BACKGROUND, false),
      ]
  const temp = tau === null ? '' : `, τ = ${tau}`
  return {
    animation: true,
    animationDurationUpdate: 300,
    backgroundColor: '#fff',
    title: {
      text: `Soft histograms on validation events, epoch ${now.epoch}${temp}`,
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    legend: { top: 24, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 60, bottom: 44 },
    xAxis: { type: 'category', data: bins, name: 'bin', nameLocation: 'middle', nameGap: 26 },
    yAxis: valueAxis('fraction of events', { nameGap: 44, min: 0 }),
    series,
  } as EChartsOption
}
