/**
 * A matrix of cells (correlations, 2-D histograms, RMMs): colour per cell on a sequential
 * (viridis) or diverging (blue–white–red, symmetric about 0) scale, the value written in each
 * cell when the matrix is small enough to read, and a colour bar with its title.
 */
import type { HeatmapFigure } from '../../../shared/plot/figure'
import { experimentLabel } from './annotations'
import { pos, ticksFor, type Scale } from './axis'
import type { Box, Canvas } from './canvas'
import { axisTitle } from './render-lines'
import { el } from './svg'

const VIRIDIS = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b',
  '#fde725',
]
const DIVERGING = ['#3b4cc0', '#6f92f3', '#aac7fd', '#dddddd', '#f7b89c', '#e7745b', '#b40426']

function mix(stops: string[], t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x))
  const u = x - i
  const a = stops[i]
  const b = stops[i + 1]
  const ch = (k: number) =>
    Math.round(parseInt(a.slice(k, k + 2), 16) * (1 - u) + parseInt(b.slice(k, k + 2), 16) * u)
      .toString(16)
      .padStart(2, '0')
  return `#${ch(1)}${ch(3)}${ch(5)}`
}

function fmt(v: number): string {
  const a = Math.abs(v)
  return (a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2)).replace(/^-/, '−')
}

export function renderHeatmap(c: Canvas, f: HeatmapFigure, W: number, H: number): void {
  const s = c.s
  const F = c.F
  const rows = f.yLabels.length
  const cols = f.xLabels.length
  const vals = f.values.flat().filter((v): v is number => v !== null && Number.isFinite(v))
  let zlo = vals.length ? Math.min(...vals) : 0
  let zhi = vals.length ? Math.max(...vals) : 1
  if (f.diverging) {
    const m = Math.max(Math.abs(zlo), Math.abs(zhi)) || 1
    ;[zlo, zhi] = [-m, m]
  } else if (s.logY === false && zlo > 0) zlo = 0
  if (!(zhi > zlo)) zhi = zlo + 1
  // A 2-D histogram: numeric axes from its edges (ticks instead of one label per cell).
  const xE = f.xEdges && f.xEdges.length === cols + 1 ? f.xEdges : null
  const yE = f.yEdges && f.yEdges.length === rows + 1 ? f.yEdges : null
  const numeric = xE !== null && yE !== null
  const titleAbove = s.experiment.trim().toUpperCase() === 'CMS'
  const above = titleAbove ? 0 : labelBlockHeight(c)
  const boxFor = (yLabW: number): Box => {
    const m = c.margins(yLabW, { titleAbove, rightExtra: 5 * F })
    return { x0: m.left, y0: m.top + above, x1: W - m.right, y1: H - m.bottom }
  }
  let yLabW = Math.max(0, ...f.yLabels.map((l) => c.width(l)))
  let box = boxFor(yLabW)
  let xs: Scale | null = null
  let ys: Scale | null = null
  let xt: ReturnType<typeof ticksFor> | null = null
  let yt: ReturnType<typeof ticksFor> | null = null
  if (xE && yE)
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1 && yt) box = boxFor((yLabW = c.tickLabelWidth(yt)))
      xs = { lo: xE[0], hi: xE[cols], log: false, p0: box.x0, p1: box.x1 }
      ys = { lo: yE[0], hi: yE[rows], log: false, p0: box.y1, p1: box.y0 }
      xt = ticksFor(xs, Math.max(3, Math.round((box.x1 - box.x0) / (5 * F))))
      yt = ticksFor(ys, Math.max(3, Math.round((box.y1 - box.y0) / (3.2 * F))))
    }
  const cw = (box.x1 - box.x0) / Math.max(1, cols)
  const chh = (box.y1 - box.y0) / Math.max(1, rows)
  /** Left edge and width of column k; bottom edge (y of its top) and height of row r. */
  const colAt = (k: number) =>
    xs && xE
      ? { x: pos(xs, xE[k]), w: pos(xs, xE[k + 1]) - pos(xs, xE[k]) }
      : { x: box.x0 + k * cw, w: cw }
  const rowAt = (r: number) =>
    ys && yE
      ? { y: pos(ys, yE[r + 1]), h: pos(ys, yE[r]) - pos(ys, yE[r + 1]) }
      : { y: box.y1 - (r + 1) * chh, h: chh }
  c.title(box)
  const colours = f.diverging ? DIVERGING : VIRIDIS
  let body = ''
  const cells: { text: string; x: number; y: number; colour: string }[] = []
  const writeValues = cols <= 16 && rows <= 16
  f.values.forEach((row, r) =>
    row.forEach((v, k) => {
      if (v === null || !Number.isFinite(v)) return
      const t = (v - zlo) / (zhi - zlo)
      const { x, w } = colAt(k)
      const { y, h } = rowAt(r)
      // A hair wider than the cell: no seams between neighbours in PDF viewers.
      body += el('rect', { x, y, width: w + 0.05, height: h + 0.05, fill: mix(colours, t) })
      if (writeValues) {
        const dark = f.diverging ? Math.abs(t - 0.5) > 0.3 : t < 0.6
        cells.push({
          text: fmt(v),
          x: x + w / 2,
          y: y + h / 2 + 0.3 * F * 0.8,
          colour: dark ? '#ffffff' : '#000000',
        })
      }
    }),
  )
  c.svg.add(body)
  for (const cell of cells)
    c.text(cell.text, cell.x, cell.y, { anchor: 'middle', size: 0.8 * F, colour: cell.colour })
  if (numeric && xs && ys && xt && yt)
    c.frame(box, xs, ys, xt, yt, { xLabels: true, yLabels: true })
  else
    c.svg.add(
      el('rect', {
        x: box.x0,
        y: box.y0,
        width: box.x1 - box.x0,
        height: box.y1 - box.y0,
        fill: 'none',
        stroke: '#000000',
        'stroke-width': 0.8 * c.lw,
      }),
    )
  if (!numeric) {
    f.xLabels.forEach((l, k) =>
      c.text(l, box.x0 + (k + 0.5) * cw, box.y1 + 1.2 * F, {
        anchor: 'middle',
        size: cols > 10 ? 0.75 * F : F,
      }),
    )
    f.yLabels.forEach((l, r) =>
      c.text(l, box.x0 - 0.4 * F, box.y1 - (r + 0.5) * chh + 0.33 * F, {
        anchor: 'end',
        size: rows > 10 ? 0.75 * F : F,
      }),
    )
  }
  if (f.x.expr || f.x.label) c.xTitle(axisTitle(f.x), box)
  if (f.y.expr || f.y.label) c.yTitle(axisTitle(f.y), box, yLabW)
  // Colour bar.
  const bx0 = box.x1 + 1.0 * F
  const bx1 = bx0 + 1.0 * F
  const steps = 40
  for (let i = 0; i < steps; i++) {
    const y = box.y1 - ((i + 1) / steps) * (box.y1 - box.y0)
    c.svg.add(
      el('rect', {
        x: bx0,
        y,
        width: bx1 - bx0,
        height: (box.y1 - box.y0) / steps + 0.3,
        fill: mix(colours, (i + 0.5) / steps),
      }),
    )
  }
  c.svg.add(
    el('rect', {
      x: bx0,
      y: box.y0,
      width: bx1 - bx0,
      height: box.y1 - box.y0,
      fill: 'none',
      stroke: '#000000',
      'stroke-width': 0.6 * c.lw,
    }),
  )
  const zs: Scale = { lo: zlo, hi: zhi, log: false, p0: box.y1, p1: box.y0 }
  for (const t of ticksFor(zs, 5).major) {
    const y = pos(zs, t.value)
    c.svg.add(
      el('line', {
        x1: bx1,
        x2: bx1 - 0.3 * F,
        y1: y,
        y2: y,
        stroke: '#000000',
        'stroke-width': 0.6 * c.lw,
      }),
    )
    c.text(t.label, bx1 + 0.3 * F, y + 0.33 * F, { size: 0.85 * F })
  }
  if (f.z.label || f.z.expr)
    c.text(axisTitle(f.z), W - 0.4 * F, box.y0, { anchor: 'end', rotate: -90, size: F })
  if (titleAbove) experimentLabel(c, box)
  else if (above > 0) experimentLabel(c, { ...box, y0: box.y0 - above - 0.6 * F, y1: box.y0 })
}

/** Height of the experiment label block when it is drawn above the frame (0: no label). */
function labelBlockHeight(c: Canvas): number {
  const s = c.s
  const F = c.F
  const lines =
    (s.experiment || s.status ? 1 : 0) +
    (s.energyTeV !== null || s.lumiFb !== null ? 1 : 0) +
    (s.regionLabel ? 1 : 0)
  return lines ? 0.94 * F + (lines - 1) * 1.4 * F + 0.6 * F : 0
}
