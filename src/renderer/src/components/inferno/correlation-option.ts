/** Correlation matrix of (POI, nuisances) as a heatmap, −1 (blue) … +1 (red), values printed. */
import type { PoiProfile } from '../../../../shared/contract/inferno'
import type { EChartsOption } from '../charts/option'

export function correlationCells(p: PoiProfile): [number, number, number | null][] {
  const out: [number, number, number | null][] = []
  p.correlation.forEach((row, a) =>
    row.forEach((v, b) => out.push([b, a, v === null ? null : Math.round(v * 100) / 100])),
  )
  return out
}

export function correlationOption(p: PoiProfile, title: string): EChartsOption {
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
    grid: { left: 90, right: 70, top: 30, bottom: 70 },
    xAxis: { type: 'category', data: p.names, axisLabel: { rotate: 45, fontSize: 10 } },
    yAxis: { type: 'category', data: p.names, inverse: true, axisLabel: { fontSize: 10 } },
    visualMap: {
      min: -1,
      max: 1,
      calculable: true,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 100,
      inRange: { color: ['#2166ac', '#f7f7f7', '#b2182b'] },
      textStyle: { fontSize: 10 },
    },
    tooltip: { position: 'top' },
    series: [{ type: 'heatmap', data: correlationCells(p), label: { show: true, fontSize: 10 } }],
  } as EChartsOption
}
