/**
 * ECharts option for an RMM heatmap: row 0 (MET) at the top, the object labels (MET, j1, b1,
 * μ1 …) on both axes, a sequential colour scale on the cell values — linear, or log10 of the
 * value when `log` is set (cells ≤ 0 then stay white: the RMM's zeros mean "no object").
 * Values are printed in the cells when the matrix is small enough to read them.
 */
import type { EChartsOption } from '../charts/option'

/** One heatmap item: column, row (from the bottom), colour value ('-' = blank), cell value. */
export type RmmItem = [number, number, number | '-', number | null]

/** The items of `matrix` (rows from the top) for a linear or log colour scale. */
export function rmmItems(matrix: readonly (readonly (number | null)[])[], log: boolean): RmmItem[] {
  const n = matrix.length
  const out: RmmItem[] = []
  matrix.forEach((row, r) =>
    row.forEach((v, c) => {
      let colour: number | '-'
      if (v === null) colour = '-'
      else if (log) colour = v > 0 ? Math.log10(v) : '-'
      else colour = v
      out.push([c, n - 1 - r, colour, v])
    }),
  )
  return out
}

/** Range of the colour values (a unit range when there is nothing to colour). */
function colourRange(items: readonly RmmItem[]): { min: number; max: number } {
  let min = Infinity
  let max = -Infinity
  for (const [, , c] of items) {
    if (c === '-') continue
    min = Math.min(min, c)
    max = Math.max(max, c)
  }
  if (!(min <= max)) return { min: 0, max: 1 }
  if (min === max) return { min: min - 0.5, max: max + 0.5 }
  return { min, max }
}

/** A cell value in at most 3 significant digits, '0' for zero. */
export function cellText(v: number | null): string {
  if (v === null) return '–'
  if (v === 0) return '0'
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4
    ? String(Number(v.toPrecision(3)))
    : v.toExponential(1)
}

export function rmmHeatmapOption(
  labels: readonly string[],
  matrix: readonly (readonly (number | null)[])[],
  title: string,
  log: boolean,
): EChartsOption {
  const items = rmmItems(matrix, log)
  const { min, max } = colourRange(items)
  const n = labels.length
  return {
    animation: false,
    backgroundColor: '#fff',
    // Title under the matrix: the column labels sit on top, as in the paper's figures.
    title: { text: title, left: 'center', bottom: 4, textStyle: { fontSize: 13 } },
    tooltip: {
      formatter: (p: unknown) => {
        const [c, y, , v] = (p as { value: RmmItem }).value
        return `${labels[n - 1 - y]} × ${labels[c]}: ${cellText(v)}`
      },
    },
    grid: { left: 48, right: 84, top: 28, bottom: 40 },
    xAxis: {
      type: 'category',
      data: [...labels],
      position: 'top',
      axisLabel: { interval: 0, fontSize: 11 },
      splitArea: { show: false },
    },
    yAxis: {
      type: 'category',
      data: [...labels].reverse(),
      axisLabel: { interval: 0, fontSize: 11 },
    },
    visualMap: {
      min,
      max,
      dimension: 2,
      calculable: false,
      right: 8,
      top: 'middle',
      itemHeight: 160,
      text: [log ? 'log₁₀' : 'max', log ? '' : 'min'],
      formatter: (v: unknown) => (log ? `1e${Number(v).toFixed(1)}` : cellText(Number(v))),
      inRange: { color: ['#f7fbff', '#9ecae1', '#4292c6', '#08306b'] },
      outOfRange: { color: '#fff' },
    },
    series: [
      {
        type: 'heatmap',
        data: items,
        label: {
          show: n <= 12,
          fontSize: 9,
          formatter: (p: unknown) => {
            const v = (p as { value: RmmItem }).value[3]
            return v === 0 ? '' : cellText(v)
          },
        },
        itemStyle: { borderColor: '#eee', borderWidth: 1 },
      },
    ],
  }
}
