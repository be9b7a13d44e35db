/**
 * Builds the ECharts option of an analysis-note histogram: backgrounds stacked by process,
 * signals as step lines, data as points with √N error bars, an optional uncertainty band on the
 * total, and a data / simulation ratio panel. Pure (no DOM), so it is unit-tested.
 */
import type { EChartsOption } from './option'

export interface HistSeries {
  name: string
  color: string
  /** Σw per bin, length = edges.length − 1. */
  counts: ArrayLike<number>
  /** Σw² per bin (errors); defaults to counts (Poisson). */
  sumw2?: ArrayLike<number>
}

export interface HistogramPlot {
  /** Bin edges, ascending, length bins + 1. */
  edges: ArrayLike<number>
  /** Drawn stacked, first at the bottom. */
  stacked: HistSeries[]
  /** Drawn as step lines on top (signals, or shapes in normalised mode). */
  lines: HistSeries[]
  /** Drawn as points with error bars √(Σw²). */
  data: HistSeries | null
  /** Absolute lower/upper edge of the total's uncertainty band per bin. */
  band?: { lo: ArrayLike<number>; hi: ArrayLike<number>; label: string } | null
  xLabel: string
  yLabel: string
  logY: boolean
  /** Adds the data / (stacked total) panel when there are data and a stack. */
  ratio: boolean
  title?: string
  /** Bins are categories numbered 0, 1, 2, … (e.g. fit channels): integer ticks. */
  integerX?: boolean
  /**
   * The variable takes whole values (bins centred on integers, nMuon): ticks and labels on
   * whole numbers only, never at the bin edges −0.5, 0.5, ….
   */
  wholeX?: boolean
}

/** x-axis settings for a variable of whole values: integer steps, labels on integers only. */
export const WHOLE_AXIS = {
  minInterval: 1,
  axisLabel: {
    fontSize: 12,
    formatter: (v: number) => (Number.isInteger(v) ? String(v) : ''),
  },
}

type RenderApi = {
  value(dim: number): number
  coord(p: [number, number]): [number, number]
}

const AXIS_FONT = 12

function arr(a: ArrayLike<number>): number[] {
  return Array.from(a)
}

/** Step-line points for bins: (e0,c0) … (e_{n−1},c_{n−1}), (e_n,c_{n−1}); drawn with step 'end'. */
export function stepPoints(
  edges: ArrayLike<number>,
  counts: ArrayLike<number>,
): [number, number][] {
  const pts: [number, number][] = []
  for (let i = 0; i < counts.length; i++) pts.push([edges[i], counts[i]])
  if (counts.length) pts.push([edges[counts.length], counts[counts.length - 1]])
  return pts
}

/** Per-bin sum of the stacked series. */
export function stackTotal(stacked: HistSeries[], bins: number): Float64Array {
  const t = new Float64Array(bins)
  for (const s of stacked) for (let i = 0; i < bins; i++) t[i] += s.counts[i]
  return t
}

function errors(s: HistSeries): number[] {
  const w2 = s.sumw2 ?? s.counts
  return Array.from({ length: s.counts.length }, (_, i) => Math.sqrt(Math.max(0, w2[i])))
}

/**
 * Lower end of a log axis: a decade below the smallest positive stack or data content, but at
 * most seven decades below the maximum (far tails of a shape would squash the plot otherwise).
 */
export function logFloor(values: number[]): number {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v))
  if (!pos.length) return 0.1
  const max = Math.max(...pos)
  const min = Math.max(Math.min(...pos), max * 1e-7)
  return 10 ** Math.floor(Math.log10(min) - 0.5)
}

/** The smallest "nice" number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) ≥ x, for axis maxima. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1
  const k = Math.floor(Math.log10(x))
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
    if (m * 10 ** k >= x * (1 - 1e-12)) return m * 10 ** k
  return 10 ** (k + 1)
}

/** Tick labels that stay short on log axes: 0.001, 1, 1000, 1e+6. */
function logLabel(v: number): string {
  return v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)
    ? v.toExponential(0)
    : String(Number(v.toPrecision(6)))
}

/**
 * Ratio points outside the panel's range [min, max], as arrow positions just inside its top
 * (`up`) or bottom (`down`) edge: [x, y on the panel, the ratio itself].
 */
export function offPanel(
  ratio: readonly (readonly number[])[],
  min: number,
  max: number,
): { up: [number, number, number][]; down: [number, number, number][] } {
  const inset = 0.07 * (max - min)
  const up: [number, number, number][] = []
  const down: [number, number, number][] = []
  for (const [x, r] of ratio) {
    if (!Number.isFinite(r)) continue
    if (r > max) up.push([x, max - inset, r])
    else if (r < min) down.push([x, min + inset, r])
  }
  return { up, down }
}

export function histogramOption(p: HistogramPlot): EChartsOption {
  const bins = p.edges.length - 1
  const edges = arr(p.edges)
  const total = stackTotal(p.stacked, bins)
  const withRatio = p.ratio && p.data !== null && p.stacked.length > 0
  const allValues = [
    ...total,
    ...p.lines.flatMap((l) => arr(l.counts)),
    ...(p.data ? arr(p.data.counts) : []),
  ]
  const floor = p.logY
    ? logFloor([
        ...total,
        ...(p.data ? arr(p.data.counts) : []),
        ...(p.stacked.length || p.data ? [] : allValues),
      ])
    : 0
  const clampY = (v: number) => (p.logY ? Math.max(v, floor) : v)

  const series: Record<string, unknown>[] = []

  // Stacked backgrounds: one custom series per process, rects from the cumulative sum below it.
  const below = new Float64Array(bins)
  for (const s of p.stacked) {
    const items = Array.from({ length: bins }, (_, i) => [
      edges[i],
      edges[i + 1],
      below[i],
      below[i] + s.counts[i],
      s.counts[i],
    ])
    for (let i = 0; i < bins; i++) below[i] += s.counts[i]
    series.push({
      type: 'custom',
      clip: true,
      name: s.name,
      xAxisIndex: 0,
      yAxisIndex: 0,
      itemStyle: { color: s.color },
      encode: { x: [0, 1], y: [2, 3], tooltip: [4] },
      dimensions: ['from', 'to', 'low', 'high', s.name],
      data: items,
      renderItem: (_params: unknown, api: RenderApi) => {
        const [x0, y0] = api.coord([api.value(0), clampY(api.value(2))])
        const [x1, y1] = api.coord([api.value(1), clampY(api.value(3))])
        return {
          type: 'rect',
          shape: { x: x0, y: y1, width: x1 - x0, height: y0 - y1 },
          style: { fill: s.color, stroke: 'rgba(0,0,0,0.35)', lineWidth: 0.5 },
        }
      },
    })
  }

  if (p.band) {
    const lo = arr(p.band.lo)
    const hi = arr(p.band.hi)
    series.push({
      type: 'custom',
      clip: true,
      name: p.band.label,
      itemStyle: { color: 'rgba(60,60,60,0.35)' },
      data: Array.from({ length: bins }, (_, i) => [edges[i], edges[i + 1], lo[i], hi[i]]),
      encode: { x: [0, 1], y: [2, 3] },
      renderItem: (_params: unknown, api: RenderApi) => {
        const [x0, y0] = api.coord([api.value(0), clampY(api.value(2))])
        const [x1, y1] = api.coord([api.value(1), clampY(api.value(3))])
        return {
          type: 'rect',
          shape: { x: x0, y: y1, width: x1 - x0, height: y0 - y1 },
          style: { fill: 'rgba(60,60,60,0.28)', stroke: 'none' },
        }
      },
      z: 3,
    })
  }

  for (const l of p.lines)
    series.push({
      type: 'line',
      name: l.name,
      step: 'end',
      symbol: 'none',
      data: stepPoints(edges, arr(l.counts).map(clampY)),
      lineStyle: { color: l.color, width: 2 },
      itemStyle: { color: l.color },
      z: 4,
    })

  const centers = Array.from({ length: bins }, (_, i) => 0.5 * (edges[i] + edges[i + 1]))
  if (p.data) {
    const errs = errors(p.data)
    const counts = arr(p.data.counts)
    series.push(
      {
        type: 'scatter',
        name: p.data.name,
        symbolSize: 6,
        itemStyle: { color: '#000' },
        data: centers.map((c, i) => [c, counts[i]]).filter(([, v]) => !p.logY || v > 0),
        z: 6,
      },
      {
        type: 'custom',
        clip: true,
        name: p.data.name,
        data: centers.map((c, i) => [c, counts[i] - errs[i], counts[i] + errs[i]]),
        renderItem: (_params: unknown, api: RenderApi) => {
          const [x, ylo] = api.coord([api.value(0), clampY(api.value(1))])
          const [, yhi] = api.coord([api.value(0), clampY(api.value(2))])
          return {
            type: 'line',
            shape: { x1: x, y1: ylo, x2: x, y2: yhi },
            style: { stroke: '#000', lineWidth: 1.2 },
          }
        },
        z: 5,
        tooltip: { show: false },
      },
    )
  }

  const grids: Record<string, unknown>[] = [
    { left: 72, right: 24, top: p.title ? 60 : 40, bottom: withRatio ? '34%' : 56 },
  ]
  const xAxes: Record<string, unknown>[] = [
    {
      type: 'value',
      gridIndex: 0,
      min: edges[0],
      max: edges[bins],
      name: withRatio ? '' : p.xLabel,
      nameLocation: 'end',
      nameGap: 28,
      nameTextStyle: {
        fontSize: AXIS_FONT,
        align: 'right',
        verticalAlign: 'top',
        padding: [30, 0, 0, 0],
      },
      axisLabel: { show: !withRatio, fontSize: AXIS_FONT },
      splitLine: { show: false },
      axisTick: { inside: true },
      ...(p.integerX ? { interval: 1 } : {}),
      ...(p.wholeX
        ? { ...WHOLE_AXIS, axisLabel: { ...WHOLE_AXIS.axisLabel, show: !withRatio } }
        : {}),
    },
  ]
  const ymax = Math.max(...allValues.filter(Number.isFinite), 0)
  const yAxes: Record<string, unknown>[] = [
    {
      type: p.logY ? 'log' : 'value',
      gridIndex: 0,
      name: p.yLabel,
      nameLocation: 'middle',
      nameRotate: 90,
      nameGap: 52,
      nameTextStyle: { fontSize: AXIS_FONT },
      min: p.logY ? floor : 0,
      // Head room above the tallest bin for the legend.
      max: p.logY
        ? 10 ** Math.ceil(Math.log10(Math.max(ymax, floor * 10)) + 0.7)
        : niceCeil(ymax * 1.3),
      axisLabel: { fontSize: AXIS_FONT, formatter: p.logY ? logLabel : undefined },
      splitLine: { show: false },
      axisTick: { inside: true },
      // Keep the y axis at the left edge when the x range spans 0 (e.g. a classifier output).
      axisLine: { onZero: false },
    },
  ]

  if (withRatio && p.data) {
    grids.push({ left: 72, right: 24, top: '70%', bottom: 56 })
    xAxes.push({
      type: 'value',
      gridIndex: 1,
      min: edges[0],
      max: edges[bins],
      name: p.xLabel,
      nameLocation: 'end',
      nameGap: 28,
      nameTextStyle: {
        fontSize: AXIS_FONT,
        align: 'right',
        verticalAlign: 'top',
        padding: [30, 0, 0, 0],
      },
      axisLabel: { fontSize: AXIS_FONT },
      splitLine: { show: false },
      axisTick: { inside: true },
      ...(p.integerX ? { interval: 1 } : {}),
      ...(p.wholeX ? WHOLE_AXIS : {}),
    })
    const d = arr(p.data.counts)
    const e = errors(p.data)
    const ratio = centers.map((c, i) => [
      c,
      total[i] > 0 ? d[i] / total[i] : NaN,
      total[i] > 0 ? e[i] / total[i] : NaN,
    ])
    const finite = ratio
      .filter(([, r]) => Number.isFinite(r))
      .map(([, r, er]) => [r - er, r + er])
      .flat()
    const lo = Math.min(0.5, ...finite)
    const hi = Math.max(1.5, ...finite)
    const rmin = Math.max(0, Math.floor(lo * 2) / 2)
    const rmax = Math.min(3, Math.ceil(hi * 2) / 2)
    const off = offPanel(ratio, rmin, rmax)
    yAxes.push({
      type: 'value',
      gridIndex: 1,
      name: 'Data / Sim.',
      nameLocation: 'middle',
      nameGap: 44,
      nameTextStyle: { fontSize: AXIS_FONT },
      min: rmin,
      max: rmax,
      interval: 0.5,
      axisLabel: { fontSize: AXIS_FONT },
      splitLine: { show: false },
      axisTick: { inside: true },
    })
    if (p.band) {
      const blo = arr(p.band.lo)
      const bhi = arr(p.band.hi)
      series.push({
        type: 'custom',
        clip: true,
        name: `${p.band.label} (ratio)`,
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: Array.from({ length: bins }, (_, i) =>
          total[i] > 0
            ? [edges[i], edges[i + 1], blo[i] / total[i], bhi[i] / total[i]]
            : [edges[i], edges[i + 1], 1, 1],
        ),
        renderItem: (_params: unknown, api: RenderApi) => {
          const [x0, y0] = api.coord([api.value(0), api.value(2)])
          const [x1, y1] = api.coord([api.value(1), api.value(3)])
          return {
            type: 'rect',
            shape: { x: x0, y: y1, width: x1 - x0, height: y0 - y1 },
            style: { fill: 'rgba(60,60,60,0.28)' },
          }
        },
        tooltip: { show: false },
      })
    }
    series.push(
      {
        type: 'scatter',
        name: 'Data / Sim.',
        xAxisIndex: 1,
        yAxisIndex: 1,
        symbolSize: 5,
        itemStyle: { color: '#000' },
        data: ratio
          .filter(([, r]) => Number.isFinite(r) && r >= rmin && r <= rmax)
          .map(([c, r]) => [c, r]),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#888', type: 'dashed' },
          data: [{ yAxis: 1 }],
          label: { show: false },
        },
      },
      {
        type: 'custom',
        clip: true,
        name: 'Data / Sim. errors',
        xAxisIndex: 1,
        yAxisIndex: 1,
        // Off-panel points have their arrow instead (a clipped bar would leave a stub at the edge).
        data: ratio
          .filter(([, r]) => Number.isFinite(r) && r >= rmin && r <= rmax)
          .map(([c, r, er]) => [c, r - er, r + er]),
        renderItem: (_params: unknown, api: RenderApi) => {
          const [x, ylo] = api.coord([api.value(0), api.value(1)])
          const [, yhi] = api.coord([api.value(0), api.value(2)])
          return {
            type: 'line',
            shape: { x1: x, y1: ylo, x2: x, y2: yhi },
            style: { stroke: '#000', lineWidth: 1 },
          }
        },
        tooltip: { show: false },
      },
      // Points beyond the panel: an arrow at its edge pointing towards them (value in the tooltip).
      ...(['up', 'down'] as const)
        .filter((d) => off[d].length)
        .map((d) => ({
          type: 'scatter',
          name: `Data / Sim. ${d === 'up' ? 'above' : 'below'} the panel`,
          xAxisIndex: 1,
          yAxisIndex: 1,
          symbol: 'arrow',
          symbolRotate: d === 'up' ? 0 : 180,
          symbolSize: [8, 11],
          itemStyle: { color: '#000' },
          data: off[d],
          tooltip: {
            formatter: (p: { value: number[] }) => `Data / Sim. = ${logLabel(p.value[2])}`,
          },
          z: 6,
        })),
    )
  }

  const legend = [
    ...p.stacked.map((s) => s.name).reverse(),
    ...p.lines.map((l) => l.name),
    ...(p.data ? [p.data.name] : []),
    ...(p.band ? [p.band.label] : []),
  ]
  return {
    animation: false,
    backgroundColor: '#fff',
    title: p.title ? { text: p.title, left: 'center', textStyle: { fontSize: 14 } } : undefined,
    legend: {
      data: legend,
      top: p.title ? 24 : 4,
      // Clear of the y axis on the left and of the chart's SVG / PNG buttons on the right.
      left: 72,
      right: 96,
      orient: 'horizontal',
      type: 'scroll',
      itemWidth: 14,
      itemHeight: 10,
      textStyle: { fontSize: 11 },
    },
    tooltip: { trigger: 'item' },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series,
  }
}
