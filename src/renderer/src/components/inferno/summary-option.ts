/**
 * A summary histogram as an analysis note shows it: expected counts per bin stacked by process
 * (signal on top), and the total at each nuisance's up / down template as step lines (±1σ of a
 * constrained project nuisance; the paper's template steps for the benchmark, whose r and λ are
 * free in B1 and B2).
 */
import type { SummaryTemplates } from '../../../../shared/contract/inferno'
import type { EChartsOption } from '../charts/option'
import { BACKGROUND, MODEL_COLOURS, SIGNAL, valueAxis } from '../train/chart-style'

/** Process colours: signal blue shades, background red then the palette. */
function processColour(role: 'signal' | 'background', k: number): string {
  if (role === 'signal') return k === 0 ? SIGNAL : MODEL_COLOURS[(k + 4) % MODEL_COLOURS.length]
  return k === 0 ? BACKGROUND : MODEL_COLOURS[(k + 2) % MODEL_COLOURS.length]
}

/** Total expected counts per bin (all processes). */
export function totalCounts(t: SummaryTemplates): number[] {
  const out = new Array<number>(t.bins).fill(0)
  for (const p of t.processes) p.nominal.forEach((v, j) => (out[j] += v))
  return out
}

export function summaryOption(t: SummaryTemplates, title: string): EChartsOption {
  const bins = Array.from({ length: t.bins }, (_, j) => String(j + 1))
  // Background at the bottom of the stack, signal on top.
  const ordered = [
    ...t.processes.filter((p) => p.role === 'background'),
    ...t.processes.filter((p) => p.role === 'signal'),
  ]
  const count = { signal: 0, background: 0 }
  const bars = ordered.map((p) => ({
    type: 'bar',
    name: p.name,
    stack: 'total',
    data: p.nominal,
    barCategoryGap: '4%',
    itemStyle: { color: processColour(p.role, count[p.role]++), opacity: 0.75 },
  }))
  const lines = t.variations.flatMap((v, k) => {
    const colour = MODEL_COLOURS[(k + 2) % MODEL_COLOURS.length]
    const step = (name: string, data: number[], dashed: boolean) => ({
      type: 'line',
      name,
      data,
      step: 'middle',
      symbol: 'none',
      lineStyle: { color: colour, width: 1.5, type: dashed ? 'dashed' : 'solid' },
      itemStyle: { color: colour },
    })
    return [
      step(`${v.nuisance} up (${v.label})`, v.up, false),
      step(`${v.nuisance} down`, v.down, true),
    ]
  })
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: title, left: 'center', top: 2, textStyle: { fontSize: 13 } },
    legend: {
      top: 30,
      left: 8,
      right: 8,
      textStyle: { fontSize: 10 },
      itemWidth: 14,
      itemHeight: 8,
    },
    tooltip: { trigger: 'axis' },
    grid: {
      left: 72,
      right: 16,
      top: 46 + 16 * Math.ceil((bars.length + lines.length) / 3),
      bottom: 44,
    },
    xAxis: {
      type: 'category',
      data: bins,
      name: 'summary bin',
      nameLocation: 'middle',
      nameGap: 28,
      axisTick: { inside: true },
    },
    yAxis: valueAxis('expected events', { nameGap: 56, min: 0 }),
    series: [...bars, ...lines],
  } as EChartsOption
}
