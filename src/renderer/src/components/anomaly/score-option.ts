/**
 * The anomaly score per process: backgrounds stacked, signals as lines, log y, and the
 * threshold as a dashed line (the view puts a draggable handle on it). Pure.
 */
import type { ScoreHistograms } from '../../../../shared/contract/anomaly'
import type { EChartsOption } from '../charts/option'
import { histogramOption, type HistSeries } from '../charts/histogram-option'
import { MODEL_COLOURS } from '../train/chart-style'

/** Each sample's colour, or one of the palette's when the sample has none. */
export function sampleColour(colour: string | null, index: number): string {
  return colour ?? MODEL_COLOURS[index % MODEL_COLOURS.length]
}

export function scoreOption(
  h: ScoreHistograms,
  cut: number | null,
  xLabel = 'anomaly score',
): EChartsOption {
  const series = (role: 'signal' | 'background'): HistSeries[] =>
    h.samples.flatMap((s, i) =>
      s.role === role
        ? [{ name: s.name, color: sampleColour(s.colour, i), counts: s.sumw, sumw2: s.sumw2 }]
        : [],
    )
  const opt = histogramOption({
    edges: h.edges,
    stacked: series('background'),
    lines: series('signal'),
    data: null,
    xLabel,
    yLabel: 'Events',
    logY: true,
    ratio: false,
  })
  // The score's range ends are data values, not nice ticks: their labels would be long.
  const x = (Array.isArray(opt.xAxis) ? opt.xAxis[0] : opt.xAxis) as
    { axisLabel?: Record<string, unknown> } | undefined
  if (x) x.axisLabel = { ...x.axisLabel, showMinLabel: false, showMaxLabel: false }
  if (cut !== null && Array.isArray(opt.series))
    opt.series.push({
      type: 'line',
      name: 'threshold',
      data: [],
      markLine: {
        symbol: 'none',
        silent: true,
        lineStyle: { color: '#d62728', width: 2, type: 'dashed' },
        label: { formatter: `cut ${Number(cut.toPrecision(4))}` },
        data: [{ xAxis: cut }],
      },
    })
  return opt
}
