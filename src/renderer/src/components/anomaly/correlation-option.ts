/** A Pearson correlation matrix (row-major d × d) as a heatmap with its values written in. Pure. */
import type { EChartsOption } from '../charts/option'

export function correlationOption(
  inputs: string[],
  matrix: number[],
  title: string,
  range = 1,
): EChartsOption {
  const d = inputs.length
  const data: [number, number, number][] = []
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) data.push([c, d - 1 - r, Number(matrix[r * d + c].toFixed(2))])
  const short = (s: string) => (s.length > 14 ? `${s.slice(0, 13)}…` : s)
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: title, left: 'center', textStyle: { fontSize: 12 } },
    tooltip: { position: 'top' },
    grid: { left: 110, right: 16, top: 30, bottom: 90 },
    xAxis: {
      type: 'category',
      data: inputs.map(short),
      axisLabel: { rotate: 45, fontSize: 10 },
      splitArea: { show: true },
    },
    yAxis: {
      type: 'category',
      data: [...inputs].reverse().map(short),
      axisLabel: { fontSize: 10 },
      splitArea: { show: true },
    },
    visualMap: {
      min: -range,
      max: range,
      show: false,
      inRange: { color: ['#2166ac', '#f7f7f7', '#b2182b'] },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: d <= 12, fontSize: 9 },
      },
    ],
  }
}
