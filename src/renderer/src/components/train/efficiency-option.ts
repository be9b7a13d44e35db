/**
 * Efficiencies and significance against the cut on the classifier output (events with
 * output ≥ cut): ε_S and ε_B on the left axis, S/√(S+B) for the expected yields on the right,
 * the optimal cut marked.
 */
import type { ClassifierEvaluation } from '../../../../shared/contract/train'
// The option type from echarts itself: charts/echarts.ts needs the DOM, these builders do not.
import type { EChartsOption } from '../charts/option'
import { BACKGROUND, NO_END_LABELS, SIGNAL, niceCeil, short, valueAxis } from './chart-style'

export type Efficiency = NonNullable<ClassifierEvaluation['efficiency']>

const SIGNIFICANCE = '#2ca02c'

/** The sentence printed under the plot, e.g. "Optimal cut: output ≥ 0.42 → S = 12.3, B = 4.5, …". */
export function optimalCutText(e: Efficiency): string {
  if (!e.best) return 'No cut gives a defined significance.'
  const b = e.best
  return (
    `Optimal cut: output ≥ ${short(b.cut)} → S = ${short(b.s)}, B = ${short(b.b)}, ` +
    `S/√(S+B) = ${short(b.significance)} (expected before the cut: S = ${short(e.expected_s)}, ` +
    `B = ${short(e.expected_b)})`
  )
}

export function efficiencyOption(e: Efficiency): EChartsOption {
  const sig = e.cut
    .map((c, i) => [c, e.significance[i]] as [number, number | null])
    .filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]))
  const maxSig = Math.max(...sig.map(([, s]) => s), 0)
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 4, left: 64, right: 96, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 70, top: 40, bottom: 48 },
    xAxis: valueAxis('cut on the classifier output', {
      min: Math.min(...e.cut),
      max: Math.max(...e.cut),
      axisLabel: { fontSize: 12, formatter: short, hideOverlap: true, ...NO_END_LABELS },
    }),
    yAxis: [
      valueAxis('efficiency', { min: 0, max: 1, nameGap: 40 }),
      valueAxis('S/√(S+B)', {
        min: 0,
        max: niceCeil(maxSig * 1.15),
        position: 'right',
        nameGap: 46,
        axisLine: { show: true, lineStyle: { color: SIGNIFICANCE } },
        axisLabel: { fontSize: 12, color: SIGNIFICANCE, formatter: short },
      }),
    ],
    series: [
      {
        type: 'line',
        name: 'signal efficiency ε_S',
        data: e.cut.map((c, i) => [c, e.eff_s[i]]),
        showSymbol: false,
        lineStyle: { color: SIGNAL, width: 2 },
        itemStyle: { color: SIGNAL },
      },
      {
        type: 'line',
        name: 'background efficiency ε_B',
        data: e.cut.map((c, i) => [c, e.eff_b[i]]),
        showSymbol: false,
        lineStyle: { color: BACKGROUND, width: 2 },
        itemStyle: { color: BACKGROUND },
      },
      {
        type: 'line',
        name: 'S/√(S+B)',
        yAxisIndex: 1,
        data: sig,
        showSymbol: false,
        lineStyle: { color: SIGNIFICANCE, width: 2, type: 'dashed' },
        itemStyle: { color: SIGNIFICANCE },
        markLine: e.best
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: '#555', type: 'dotted' },
              label: { formatter: `optimal cut ${short(e.best.cut)}`, fontSize: 11 },
              data: [{ xAxis: e.best.cut }],
            }
          : undefined,
      },
    ],
  }
}
