/**
 * A study lesson's figures (contract StudyFigure) as ECharts options: signal and background
 * histograms as filled steps, curves (the ROCs, with the diagonal of chance), grouped bars (the
 * summaries' bins, σ(s) per summary with and without the nuisance).
 */
import type { EChartsOption } from '../charts/option'
import type { StudyFigure, StudySeries } from '../../../../shared/contract/learn'
import { BACKGROUND, BACKGROUND_FILL, SIGNAL, SIGNAL_FILL, valueAxis } from '../train/chart-style'

/** Colour per role; further roles (a model, a baseline, shifted templates) get their own. */
const COLOURS: Record<string, string> = {
  signal: SIGNAL,
  background: BACKGROUND,
  model: '#1f5fa8',
  baseline: '#e08a00',
  up: '#7a5eb2',
  down: '#2ca02c',
  without: '#8fa8c8',
  with: '#1f5fa8',
}
const FILLS: Record<string, string> = { signal: SIGNAL_FILL, background: BACKGROUND_FILL }
const colour = (s: StudySeries, k: number) => COLOURS[s.role] ?? ['#333', '#999'][k % 2]

export function studyOption(f: StudyFigure): EChartsOption {
  const base: EChartsOption = {
    animation: false,
    backgroundColor: '#fff',
    title: { text: f.title, left: 8, top: 2, textStyle: { fontSize: 12 } },
    legend: { top: 22, left: 8, textStyle: { fontSize: 10 }, itemWidth: 14, itemHeight: 8 },
    grid: { left: 56, right: 14, top: 56, bottom: 40 },
    tooltip: { trigger: f.kind === 'curve' ? 'item' : 'axis' },
  }
  if (f.kind === 'bars')
    return {
      ...base,
      xAxis: {
        type: 'category',
        data: f.groups,
        name: f.xLabel,
        nameLocation: 'middle',
        nameGap: 26,
      },
      yAxis: valueAxis(f.yLabel, { nameGap: 40 }),
      series: f.series.map((s, k) => ({
        type: 'bar',
        name: s.name,
        data: s.y.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : null)),
        itemStyle: { color: colour(s, k) },
        barMaxWidth: 28,
        label: f.id === 'sigma' ? { show: true, position: 'top', fontSize: 10 } : undefined,
      })),
    }
  if (f.kind === 'histogram')
    return {
      ...base,
      xAxis: valueAxis(f.xLabel, { scale: true }),
      // At the plot's left edge, not at x = 0 (the variables here are centred on 0).
      yAxis: valueAxis(f.yLabel, { nameGap: 40, axisLine: { onZero: false } }),
      series: f.series.map((s, k) => ({
        type: 'line',
        name: s.name,
        step: 'middle',
        data: s.x.map((x, i) => [x, s.y[i]]),
        showSymbol: false,
        lineStyle: { color: colour(s, k), width: 1.5 },
        areaStyle: FILLS[s.role] ? { color: FILLS[s.role] } : undefined,
        itemStyle: { color: colour(s, k) },
      })),
    }
  return {
    ...base,
    xAxis: valueAxis(f.xLabel, { min: 0, max: 1 }),
    yAxis: valueAxis(f.yLabel, { min: 0, max: 1, nameGap: 40 }),
    series: [
      ...f.series.map((s, k) => ({
        type: 'line',
        name: s.name,
        data: s.x.map((x, i) => [x, s.y[i]]),
        showSymbol: false,
        lineStyle: { color: colour(s, k), width: 2 },
        itemStyle: { color: colour(s, k) },
      })),
      {
        type: 'line',
        name: 'chance',
        data: [
          [0, 0],
          [1, 1],
        ],
        showSymbol: false,
        silent: true,
        lineStyle: { color: '#aaa', type: 'dotted' },
        itemStyle: { color: '#aaa' },
      },
    ],
  }
}
