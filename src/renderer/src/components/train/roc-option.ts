/**
 * ROC curves in the three forms TMVA users read: ε_B vs ε_S (the ROC itself, diagonal = random
 * guess), background rejection 1 − ε_B vs ε_S, and 1/ε_B vs ε_S on a log axis. One curve per
 * model, its AUC in the legend, so several models compare in one plot.
 */
// The option type from echarts itself: charts/echarts.ts needs the DOM, these builders do not.
import type { EChartsOption } from '../charts/option'
import { MODEL_COLOURS, fixed3, valueAxis } from './chart-style'

export type RocMode = 'roc' | 'rejection' | 'inverse'

export const ROC_MODES: { mode: RocMode; label: string }[] = [
  { mode: 'roc', label: 'ε_B vs ε_S' },
  { mode: 'rejection', label: '1 − ε_B vs ε_S' },
  { mode: 'inverse', label: '1/ε_B vs ε_S (log)' },
]

export interface RocCurve {
  name: string
  /** Signal and background efficiencies per point, in [0, 1], ε_S increasing. */
  eff_s: number[]
  eff_b: number[]
  auc: number | null
}

/** At most this many points per curve are drawn (a ROC of 10⁵ test events is visually the same). */
export const MAX_POINTS = 1000

/** Every k-th point, always keeping the first and the last, so ≤ `max` points remain. */
export function thin<T>(points: T[], max = MAX_POINTS): T[] {
  if (points.length <= max) return points
  const step = (points.length - 1) / (max - 1)
  const out: T[] = []
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)])
  return out
}

/**
 * The y value plotted for a background efficiency in `mode`; null where undefined
 * (1/ε_B at ε_B = 0, which a log axis cannot show).
 */
export function rocY(effB: number, mode: RocMode): number | null {
  if (mode === 'roc') return effB
  if (mode === 'rejection') return 1 - effB
  return effB > 0 ? 1 / effB : null
}

export function curvePoints(c: RocCurve, mode: RocMode): [number, number][] {
  const pts: [number, number][] = []
  for (let i = 0; i < Math.min(c.eff_s.length, c.eff_b.length); i++) {
    const y = rocY(c.eff_b[i], mode)
    if (y !== null && Number.isFinite(c.eff_s[i])) pts.push([c.eff_s[i], y])
  }
  return thin(pts)
}

export function rocLegend(c: RocCurve): string {
  return `${c.name} (AUC = ${fixed3(c.auc)})`
}

export function rocOption(curves: RocCurve[], mode: RocMode, title?: string): EChartsOption {
  const series: Record<string, unknown>[] = curves.map((c, i) => {
    const colour = MODEL_COLOURS[i % MODEL_COLOURS.length]
    return {
      type: 'line',
      name: rocLegend(c),
      data: curvePoints(c, mode),
      showSymbol: false,
      lineStyle: { color: colour, width: 2 },
      itemStyle: { color: colour },
    }
  })
  if (mode !== 'inverse')
    series.push({
      type: 'line',
      name: 'random guess',
      data:
        mode === 'roc'
          ? [
              [0, 0],
              [1, 1],
            ]
          : [
              [0, 1],
              [1, 0],
            ],
      showSymbol: false,
      silent: true,
      lineStyle: { color: '#999', type: 'dotted', width: 1 },
      itemStyle: { color: '#999' },
    })
  const inverse = mode === 'inverse'
  const maxInv = inverse
    ? Math.max(10, ...series.flatMap((s) => (s.data as [number, number][]).map(([, y]) => y)))
    : 1
  return {
    animation: false,
    backgroundColor: '#fff',
    title: title ? { text: title, left: 'center', textStyle: { fontSize: 13 } } : undefined,
    // Inside the plot where the curves leave room: above the ROC, below the rejection curves.
    legend: {
      data: series.filter((x) => x.name !== 'random guess').map((x) => x.name as string),
      orient: 'vertical',
      left: 84,
      ...(mode === 'roc' ? { top: title ? 66 : 50 } : { bottom: 62 }),
      backgroundColor: 'rgba(255,255,255,0.85)',
      textStyle: { fontSize: 11 },
    },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const q = p as { seriesName: string; value: [number, number] }
        return `${q.seriesName}<br>ε_S = ${q.value[0].toFixed(3)}, ${
          { roc: 'ε_B', rejection: '1 − ε_B', inverse: '1/ε_B' }[mode]
        } = ${Number(q.value[1].toPrecision(4))}`
      },
    },
    grid: { left: 70, right: 24, top: title ? 60 : 44, bottom: 48 },
    xAxis: valueAxis('signal efficiency ε_S', { min: 0, max: 1 }),
    yAxis: inverse
      ? valueAxis('background rejection 1/ε_B', {
          type: 'log',
          min: 1,
          max: 10 ** Math.ceil(Math.log10(maxInv)),
          nameGap: 48,
        })
      : valueAxis(mode === 'roc' ? 'background efficiency ε_B' : 'background rejection 1 − ε_B', {
          min: 0,
          max: 1,
          nameGap: 42,
        }),
    series,
  }
}
