/**
 * The signal grid's mass plane (the Fit view): every point at its (m1, m2), coloured by its CLs
 * on a log scale, and the CLs = α exclusion contours — observed (solid red), expected (dashed)
 * with its ±1σ band (yellow) — as the engine drew them (app/signal-grid.ts, stats/contour.ts).
 */
import type { GridContours, GridOutcome } from '../../../../shared/contract/grid'
import type { EChartsOption } from '../charts/option'

type Api = { value(i: number): number; coord(p: [number, number]): [number, number] }

/** Which CLs colours the points. */
export type PlaneColour = 'observed' | 'expected'

const LOG_MIN = -4

/** Lines of one contour as line series sharing `name` (one legend entry toggles them all). */
function lineSeries(
  c: GridContours['observed'],
  name: string,
  style: { color: string; type: 'solid' | 'dashed' | 'dotted'; width: number },
) {
  return c.lines.map((l) => ({
    type: 'line',
    name,
    data: l.closed ? [...l.points, l.points[0]] : l.points,
    symbol: 'none',
    silent: true,
    z: 5,
    itemStyle: { color: style.color },
    lineStyle: style,
    tooltip: { show: false },
  }))
}

/** The mass plane of `g`, points coloured by their `colour` CLs. */
export function massPlaneOption(g: GridOutcome, colour: PlaneColour = 'observed'): EChartsOption {
  const [xl, yl] = g.labels
  const mu = g.settings.mu
  const cl = Math.round(g.settings.cl * 1000) / 10
  const pts = g.points.filter(
    (p) => p.hypotest && typeof p.values[xl] === 'number' && typeof p.values[yl] === 'number',
  )
  const cls = (p: (typeof pts)[number]) =>
    colour === 'observed' ? p.hypotest!.clsObs : p.hypotest!.clsExp[2]
  const data = pts.map((p) => {
    const v = cls(p)
    return {
      name: p.name,
      value: [
        p.values[xl] as number,
        p.values[yl] as number,
        v === null ? LOG_MIN : Math.max(LOG_MIN, Math.log10(Math.max(v, 1e-300))),
        v ?? NaN,
        p.hypotest!.clsObs ?? NaN,
        p.hypotest!.clsExp[2] ?? NaN,
      ],
    }
  })
  const xs = data.map((d) => d.value[0])
  const ys = data.map((d) => d.value[1])
  const pad = (lo: number, hi: number) => 0.04 * (hi - lo || 1)
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)]
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)]
  const c = g.contours
  const band = c?.band ?? []
  const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : '—')
  return {
    animation: false,
    backgroundColor: '#fff',
    title: {
      text: `CLs (${g.settings.testStat === 'qtilde' ? 'q̃μ' : 'qμ'}) at μ = ${mu}: ${cl}% CL exclusion`,
      subtext: c ? `contours: ${c.method}` : 'no contours (needs two numeric labels)',
      left: 'center',
      top: 0,
      textStyle: { fontSize: 13, fontWeight: 'normal' },
      subtextStyle: { fontSize: 10, color: '#666' },
    },
    legend: {
      top: 40,
      data: [
        'Observed',
        'Expected',
        'Expected ±1σ',
        `${colour === 'observed' ? 'Observed' : 'Expected'} CLs`,
      ],
      textStyle: { fontSize: 11 },
    },
    grid: { left: 64, right: 110, top: 72, bottom: 52 },
    xAxis: {
      type: 'value',
      name: `${xl} [GeV]`,
      nameLocation: 'middle',
      nameGap: 30,
      min: x0 - pad(x0, x1),
      max: x1 + pad(x0, x1),
      splitLine: { show: false },
      axisTick: { inside: true },
      // The padded ends are not round numbers: no labels there.
      axisLabel: { showMinLabel: false, showMaxLabel: false },
    },
    yAxis: {
      type: 'value',
      name: `${yl} [GeV]`,
      nameLocation: 'middle',
      nameGap: 44,
      min: y0 - pad(y0, y1),
      max: y1 + pad(y0, y1),
      splitLine: { show: false },
      axisTick: { inside: true },
      // The padded ends are not round numbers: no labels there.
      axisLabel: { showMinLabel: false, showMaxLabel: false },
    },
    visualMap: {
      type: 'continuous',
      dimension: 2,
      seriesIndex: 1,
      min: LOG_MIN,
      max: 0,
      precision: 1,
      right: 8,
      top: 'middle',
      text: ['CLs = 1', 'CLs = 10⁻⁴'],
      textStyle: { fontSize: 10 },
      calculable: false,
      inRange: { color: ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] },
    },
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number[] }) =>
        `${p.name}<br/>${xl} = ${p.value[0]}, ${yl} = ${p.value[1]}<br/>CLs obs ${fmt(p.value[4])}, exp ${fmt(p.value[5])}`,
    },
    series: [
      {
        type: 'custom',
        name: 'Expected ±1σ',
        silent: true,
        z: 1,
        itemStyle: { color: '#ffe066' },
        data: band.map((poly, i) => [i, poly[0][0], poly[0][1]]),
        encode: { x: 1, y: 2 },
        renderItem: (_params: unknown, api: Api) => ({
          type: 'polygon',
          shape: { points: band[api.value(0)].map((p) => api.coord(p)) },
          style: { fill: '#ffe066', stroke: '#ffe066', lineWidth: 0.5 },
        }),
      },
      {
        type: 'scatter',
        name: `${colour === 'observed' ? 'Observed' : 'Expected'} CLs`,
        data,
        symbolSize: 9,
        z: 10,
        itemStyle: { borderColor: '#333', borderWidth: 0.5 },
      },
      ...(c
        ? [
            ...lineSeries(c.expectedMinus1, 'Expected ±1σ', {
              color: '#d4a800',
              type: 'solid',
              width: 1,
            }),
            ...lineSeries(c.expectedPlus1, 'Expected ±1σ', {
              color: '#d4a800',
              type: 'solid',
              width: 1,
            }),
            ...lineSeries(c.expected, 'Expected', { color: '#1a1a1a', type: 'dashed', width: 2 }),
            ...lineSeries(c.observed, 'Observed', { color: '#c62828', type: 'solid', width: 2.5 }),
          ]
        : []),
    ],
  }
}
