/**
 * Overlaid distributions as step lines on common uniform bins (unit-area shapes or yields):
 * input vs reconstructed, untouched vs modified background, real vs generated, events below
 * vs above the threshold. Pure.
 */
import type { EChartsOption } from '../charts/option'
import { stepPoints } from '../charts/histogram-option'
import { AXIS_FONT, NO_END_LABELS, valueAxis } from '../train/chart-style'

export interface Shape {
  name: string
  color: string
  values: number[]
  dashed?: boolean
  /** Filled under the line (the reference distribution). */
  filled?: boolean
}

/** Uniform edges from lo to hi for `bins` bins. */
export function uniformEdges(lo: number, hi: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins)
}

/** Values scaled to unit sum (unchanged when the sum is 0). */
export function unitArea(values: number[]): number[] {
  const s = values.reduce((a, b) => a + b, 0)
  return s > 0 ? values.map((v) => v / s) : values
}

export function shapesOption(p: {
  edges: number[]
  shapes: Shape[]
  xLabel: string
  yLabel?: string
  title?: string
  logY?: boolean
}): EChartsOption {
  const positive = p.shapes.flatMap((s) => s.values.filter((v) => v > 0))
  // A log axis starts at a power of ten below the smallest content (a data-valued end reads badly).
  const floor = 10 ** Math.floor(Math.log10(positive.length ? Math.min(...positive) / 3 : 1e-4))
  return {
    animation: false,
    backgroundColor: '#fff',
    title: p.title ? { text: p.title, left: 'center', textStyle: { fontSize: 12 } } : undefined,
    // Legend on the left, clear of the chart's SVG / PNG buttons at the top right.
    legend: { top: p.title ? 22 : 2, left: 56, right: 90, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 16, top: p.title ? 50 : 30, bottom: 44 },
    xAxis: valueAxis(p.xLabel, {
      min: p.edges[0],
      max: p.edges[p.edges.length - 1],
      axisLine: { onZero: false },
      axisLabel: { fontSize: AXIS_FONT, hideOverlap: true, ...NO_END_LABELS },
    }),
    yAxis: p.logY
      ? valueAxis(p.yLabel ?? 'fraction', {
          type: 'log',
          min: floor,
          nameGap: 42,
          axisLine: { onZero: false },
        })
      : valueAxis(p.yLabel ?? 'fraction', { min: 0, nameGap: 42, axisLine: { onZero: false } }),
    series: p.shapes.map((s) => ({
      type: 'line',
      name: s.name,
      step: 'end',
      showSymbol: false,
      data: stepPoints(p.edges, p.logY ? s.values.map((v) => (v > 0 ? v : floor)) : s.values),
      lineStyle: { color: s.color, width: 2, type: s.dashed ? 'dashed' : 'solid' },
      itemStyle: { color: s.color },
      areaStyle: s.filled ? { color: s.color, opacity: 0.18 } : undefined,
    })),
  }
}
