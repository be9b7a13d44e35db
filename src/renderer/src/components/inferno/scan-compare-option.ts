/**
 * Profile-likelihood scans of the POI for INFERNO and cross entropy in one plot, all nuisances
 * profiled, with the Δ(−2 ln L) = 1 line whose crossings give the 68% interval.
 */
import type { PoiProfile } from '../../../../shared/contract/inferno'
import type { EChartsOption } from '../charts/option'
import { short, valueAxis } from '../train/chart-style'

export interface NamedScan {
  name: string
  colour: string
  profile: PoiProfile
}

/** Points [value, Δ] of a scan, undefined values left out. */
export function scanPoints(p: PoiProfile): [number, number][] {
  const out: [number, number][] = []
  p.scan.values.forEach((v, i) => {
    const d = p.scan.delta[i]
    if (d !== null && Number.isFinite(d)) out.push([v, d])
  })
  return out
}

export function scanCompareOption(scans: NamedScan[], poiLabel: string): EChartsOption {
  const pts = scans.map((s) => scanPoints(s.profile))
  const xs = pts.flat().map(([x]) => x)
  const ymax = Math.max(4, ...pts.flat().map(([, y]) => Math.min(y, 9)))
  return {
    animation: false,
    backgroundColor: '#fff',
    legend: { top: 4, textStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 36, bottom: 48 },
    xAxis: valueAxis(poiLabel, {
      min: xs.length ? Math.min(...xs) : 0,
      max: xs.length ? Math.max(...xs) : 1,
      axisLabel: { fontSize: 12, formatter: short, hideOverlap: true },
    }),
    yAxis: valueAxis('Δ(−2 ln L)', { min: 0, max: Math.ceil(ymax), nameGap: 40 }),
    series: scans.map((s, k) => ({
      type: 'line',
      name: `${s.name}: σ = ${s.profile.sigma === null ? '—' : short(s.profile.sigma)}`,
      data: pts[k],
      smooth: true,
      showSymbol: false,
      lineStyle: { color: s.colour, width: 2 },
      itemStyle: { color: s.colour },
      markLine:
        k === 0
          ? {
              silent: true,
              symbol: 'none',
              lineStyle: { color: '#555', type: 'dashed' },
              label: { formatter: 'Δ(−2 ln L) = 1', position: 'insideEndTop', fontSize: 11 },
              data: [{ yAxis: 1 }],
            }
          : undefined,
    })),
  } as EChartsOption
}
