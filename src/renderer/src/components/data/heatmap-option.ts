/**
 * ECharts options for the two heatmaps of the Data view: the weighted correlation matrix
 * (diverging blue–white–red on [−1, 1], coefficients printed in the cells) and a weighted 2-D
 * histogram (sequential colour scale on Σw per cell, value axes in the variables' units).
 */
import type { CorrelationResult, Hist2DResult } from '../../../../shared/contract/data'
import type { EChartsOption } from '../charts/option'

/** Axis tick labels in at most 4 significant digits. */
function short(v: number): string {
  return String(Number(v.toPrecision(4)))
}

/**
 * A value axis's ticks: for one bin per whole number (edges −0.5, 0.5, …), labels on the
 * integers only, at integer steps; otherwise short labels.
 */
function ticks(lo: number, hi: number, bins: number) {
  const whole = (hi - lo) / bins === 1 && Math.abs(lo % 1) === 0.5
  return whole
    ? {
        minInterval: 1,
        axisLabel: {
          formatter: (v: number) => (Number.isInteger(v) ? String(v) : ''),
          hideOverlap: true,
        },
      }
    : { axisLabel: { formatter: short, hideOverlap: true } }
}

type RenderApi = {
  value(dim: number): number
  coord(p: [number, number]): [number, number]
  visual(what: 'color'): string
}

export function correlationOption(
  c: Omit<CorrelationResult, 'constant'> & { constant?: readonly string[] },
  title: string,
): EChartsOption {
  const n = c.variables.length
  const data: [number, number, number | '-'][] = []
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const r = c.matrix[i][j]
      // Row i drawn from the top: y index n − 1 − i keeps the diagonal top-left to bottom-right.
      data.push([j, n - 1 - i, r === null ? '-' : Math.round(r * 100) / 100])
    }
  // A constant variable has no correlation: its row stays empty, and its label says why.
  const constant = new Set(c.constant ?? [])
  const labels = c.variables.map((v) => (constant.has(v) ? `${v} (constant)` : v))
  const longest = Math.max(...labels.map((v) => v.length), 4)
  return {
    animation: false,
    backgroundColor: '#fff',
    title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
    tooltip: {
      formatter: (p: unknown) => {
        const v = (p as { value: [number, number, number | '-'] }).value
        const a = c.variables[n - 1 - v[1]]
        const b = c.variables[v[0]]
        const why = [a, b].filter((x) => constant.has(x))
        return `${a} × ${b}: ${why.length ? `undefined (${why.join(', ')} constant)` : v[2]}`
      },
    },
    grid: {
      left: Math.min(220, 12 + longest * 7),
      right: 80,
      top: 36,
      bottom: Math.min(160, 20 + longest * 6),
    },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { rotate: 45, fontSize: 11, interval: 0 },
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      data: [...labels].reverse(),
      axisLabel: { fontSize: 11, interval: 0 },
    },
    visualMap: {
      min: -1,
      max: 1,
      calculable: false,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      itemHeight: 160,
      text: ['+1', '−1'],
      inRange: { color: ['#2166ac', '#f7f7f7', '#b2182b'] },
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: n <= 16, fontSize: 10 },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  }
}

/**
 * The 2-D histogram as rectangles on value axes; empty cells are left white. `names`: the axis
 * titles (label and unit, `m_ll [GeV]`; default the variable names). The colour bar reads its
 * range in numbers at both ends, under the title "Σw / cell".
 */
export function hist2dOption(
  h: Hist2DResult,
  title: string,
  names: { x?: string; y?: string } = {},
): EChartsOption {
  const dx = (h.xhi - h.xlo) / h.xbins
  const dy = (h.yhi - h.ylo) / h.ybins
  const cells: [number, number, number, number, number][] = []
  let max = 0
  let min = 0
  for (let ix = 0; ix < h.xbins; ix++)
    for (let iy = 0; iy < h.ybins; iy++) {
      const w = h.sumw[ix][iy]
      if (w === 0) continue
      max = Math.max(max, w)
      min = Math.min(min, w)
      const x0 = h.xlo + ix * dx
      const y0 = h.ylo + iy * dy
      cells.push([x0, x0 + dx, y0, y0 + dy, w])
    }
  return {
    animation: false,
    backgroundColor: '#fff',
    title: [
      { text: title, left: 'center', textStyle: { fontSize: 13 } },
      // The colour bar's quantity, above it.
      { text: 'Σw / cell', right: 8, top: 36, textStyle: { fontSize: 11, fontWeight: 'normal' } },
    ],
    tooltip: {
      formatter: (p: unknown) => {
        const v = (p as { value: number[] }).value
        return `${h.x} ∈ [${v[0].toPrecision(4)}, ${v[1].toPrecision(4)})<br>${h.y} ∈ [${v[2].toPrecision(4)}, ${v[3].toPrecision(4)})<br>Σw = ${v[4].toPrecision(4)}`
      },
    },
    grid: { left: 72, right: 96, top: 36, bottom: 56 },
    xAxis: {
      type: 'value',
      min: h.xlo,
      max: h.xhi,
      name: names.x ?? h.x,
      nameLocation: 'middle',
      nameGap: 30,
      ...ticks(h.xlo, h.xhi, h.xbins),
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: h.ylo,
      max: h.yhi,
      name: names.y ?? h.y,
      nameLocation: 'middle',
      nameGap: 50,
      ...ticks(h.ylo, h.yhi, h.ybins),
      splitLine: { show: false },
    },
    visualMap: {
      // Negative cells (negative generator weights) get their own colour below zero.
      min,
      max: max || 1,
      dimension: 4,
      calculable: false,
      right: 8,
      top: 'middle',
      itemHeight: 160,
      // The range in numbers at the two ends of the bar (top: the largest Σw).
      text: [short(max || 1), short(min)],
      textGap: 6,
      inRange: {
        color:
          min < 0
            ? ['#b2182b', '#f7fbff', '#6baed6', '#08306b']
            : ['#f7fbff', '#6baed6', '#08306b'],
      },
    },
    series: [
      {
        type: 'custom',
        data: cells,
        encode: { x: [0, 1], y: [2, 3], tooltip: [4] },
        renderItem: (_params: unknown, api: RenderApi) => {
          const [x0, y0] = api.coord([api.value(0), api.value(2)])
          const [x1, y1] = api.coord([api.value(1), api.value(3)])
          return {
            type: 'rect',
            shape: { x: x0, y: y1, width: x1 - x0, height: y0 - y1 },
            style: { fill: api.visual('color') },
          }
        },
      },
    ],
  }
}
