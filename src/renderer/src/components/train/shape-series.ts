/**
 * ECharts series for normalised shapes: a filled histogram (training events, input shapes) and
 * points with vertical error bars (test events).
 */
import type { Shape } from './shape'

type RenderApi = {
  value(dim: number): number
  coord(p: [number, number]): [number, number]
}

export function filledSeries(
  name: string,
  s: Shape,
  fill: string,
  stroke: string,
): Record<string, unknown> {
  return {
    type: 'custom',
    name,
    clip: true,
    itemStyle: { color: fill, borderColor: stroke },
    encode: { x: [0, 1], y: [2] },
    data: s.y.map((y, i) => [s.edges[i], s.edges[i + 1], y]),
    renderItem: (_p: unknown, api: RenderApi) => {
      const [x0, y0] = api.coord([api.value(0), 0])
      const [x1, y1] = api.coord([api.value(1), api.value(2)])
      return {
        type: 'rect',
        shape: { x: x0, y: y1, width: x1 - x0, height: y0 - y1 },
        style: { fill, stroke, lineWidth: 1 },
      }
    },
  }
}

export function pointSeries(name: string, s: Shape, colour: string): Record<string, unknown>[] {
  const centres = s.y.map((_, i) => 0.5 * (s.edges[i] + s.edges[i + 1]))
  return [
    {
      type: 'scatter',
      name,
      symbol: 'circle',
      symbolSize: 6,
      itemStyle: { color: colour },
      data: centres.map((c, i) => [c, s.y[i]]),
      z: 5,
    },
    {
      type: 'custom',
      name,
      clip: true,
      data: centres.map((c, i) => [c, s.y[i] - s.err[i], s.y[i] + s.err[i]]),
      renderItem: (_p: unknown, api: RenderApi) => {
        const [x, ylo] = api.coord([api.value(0), Math.max(0, api.value(1))])
        const [, yhi] = api.coord([api.value(0), api.value(2)])
        return {
          type: 'line',
          shape: { x1: x, y1: ylo, x2: x, y2: yhi },
          style: { stroke: colour, lineWidth: 1.2 },
        }
      },
      tooltip: { show: false },
      z: 4,
    },
  ]
}
