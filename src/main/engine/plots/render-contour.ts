/**
 * A mass plane with exclusion contours, drawn as the SUSY and exotics searches draw them: the
 * expected ±1σ band filled yellow with thin edges, the expected contour dashed black, the
 * observed contour solid red, and the signal points as small markers (filled when excluded
 * at the figure's CL, open when not). Headroom at the top keeps the label and the legend off
 * the contours.
 */
import type { ContourCurve, ContourFigure } from '../../../shared/plot/figure'
import { dashFor, experimentLabel, legendBelowLabel, type LegendEntry } from './annotations'
import { niceCeil, pos, ticksFor, type Scale } from './axis'
import type { Box, Canvas } from './canvas'
import { axisTitle } from './render-lines'
import { el, polyline } from './svg'

const BAND = '#ffcc00'
const BAND_EDGE = '#c9a000'
const OBSERVED = '#d62728'

/** How each role is stroked (width in line widths, dash style). */
const STROKE: Record<ContourCurve['role'], { colour: string; width: number; dash: string }> = {
  observed: { colour: OBSERVED, width: 2, dash: 'solid' },
  expected: { colour: '#000000', width: 1.6, dash: 'dashed' },
  expectedMinus1: { colour: BAND_EDGE, width: 0.8, dash: 'solid' },
  expectedPlus1: { colour: BAND_EDGE, width: 0.8, dash: 'solid' },
  other: { colour: '#1f77b4', width: 1.5, dash: 'dotted' },
}

/** Lower and upper ends of an axis from its values, padded by 4 % (the points off the frame). */
function extent(values: number[]): [number, number] {
  const v = values.filter(Number.isFinite)
  if (!v.length) return [0, 1]
  const lo = Math.min(...v)
  const hi = Math.max(...v)
  const pad = 0.04 * (hi - lo || 1)
  return [lo - pad, hi + pad]
}

export function renderContour(c: Canvas, f: ContourFigure, W: number, H: number): void {
  const s = c.s
  const F = c.F
  const alpha = 1 - f.cl
  const cl = `${Math.round(f.cl * 1000) / 10}% CL`
  const roles = new Set(f.curves.map((q) => q.role))
  const entries: LegendEntry[] = []
  // Observed first, as the legends of exclusion plots read.
  const legendOrder: ContourCurve['role'][] = ['observed', 'expected', 'other']
  const listed = legendOrder.flatMap((role) => f.curves.filter((q) => q.role === role))
  for (const q of listed) {
    const st = STROKE[q.role]
    entries.push({
      label: q.name,
      kind: 'line',
      colour: st.colour,
      dash: dashFor(st.dash, st.width * c.lw),
    })
  }
  if (f.band.length || roles.has('expectedMinus1') || roles.has('expectedPlus1'))
    entries.push({ label: 'Expected #pm 1#sigma', kind: 'band', colour: BAND, edge: BAND_EDGE })
  const curveXY = f.curves.flatMap((q) => q.pieces.flatMap((p) => p.points))
  const allX = [...f.points.map((p) => p.x), ...(f.points.length ? [] : curveXY.map((p) => p[0]))]
  const allY = [...f.points.map((p) => p.y), ...(f.points.length ? [] : curveXY.map((p) => p[1]))]
  const titleAbove = s.experiment.trim().toUpperCase() === 'CMS'
  const boxFor = (tickW: number): Box => {
    const m = c.margins(tickW, { titleAbove })
    return { x0: m.left, y0: m.top, x1: W - m.right, y1: H - m.bottom }
  }
  let box = boxFor(2.6 * F)
  const labelLines =
    (s.experiment || s.status ? 1 : 0) +
    ((s.energyTeV ?? s.lumiFb) !== null && !titleAbove ? 1 : 0) +
    (s.regionLabel ? 1 : 0) +
    1
  const labelH = 0.9 * F + 1.25 * F * 0.75 + (labelLines - 1) * 1.4 * F + 0.7 * F
  const legendH = s.legend.position.startsWith('upper')
    ? 0.9 * F + Math.ceil(entries.length / s.legend.columns) * 1.45 * F
    : 0
  let xs!: Scale
  let ys!: Scale
  let xt!: ReturnType<typeof ticksFor>
  let yt!: ReturnType<typeof ticksFor>
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) box = boxFor(c.tickLabelWidth(yt))
    const frac = Math.min(0.5, Math.max(labelH, legendH) / (box.y1 - box.y0) + 0.03)
    const [xlo, xhi] = s.xRange ?? extent(allX)
    xs = { lo: xlo, hi: xhi > xlo ? xhi : xlo + 1, log: s.logX && xlo > 0, p0: box.x0, p1: box.x1 }
    if (s.yRange) ys = { lo: s.yRange[0], hi: s.yRange[1], log: false, p0: box.y1, p1: box.y0 }
    else {
      const [lo, hi0] = extent(allY)
      // The label and the legend sit above the highest point.
      const hi = lo + niceCeil((hi0 - lo || 1) / (1 - frac))
      ys = { lo, hi, log: false, p0: box.y1, p1: box.y0 }
    }
    xt = ticksFor(xs, Math.max(3, Math.round((box.x1 - box.x0) / (5 * F))))
    yt = ticksFor(ys, Math.max(3, Math.round((box.y1 - box.y0) / (3.2 * F))))
  }
  c.title(box)
  const X = (v: number) => pos(xs, v)
  const Y = (v: number) => pos(ys, v)
  const path = (pts: readonly (readonly [number, number])[], closed: boolean) =>
    polyline(pts.map(([x, y]) => [X(x), Y(y)] as [number, number])) + (closed ? 'Z' : '')
  let body = ''
  for (const poly of f.band)
    if (poly.length > 2)
      body += el('path', { d: path(poly, true), fill: BAND, stroke: BAND, 'stroke-width': 0.3 })
  // ±1σ edges first, then expected, then observed on top.
  const order: ContourCurve['role'][] = [
    'expectedMinus1',
    'expectedPlus1',
    'other',
    'expected',
    'observed',
  ]
  for (const role of order)
    for (const q of f.curves.filter((k) => k.role === role)) {
      const st = STROKE[role]
      for (const piece of q.pieces)
        if (piece.points.length > 1)
          body += el('path', {
            d: path(piece.points, piece.closed),
            fill: 'none',
            stroke: st.colour,
            'stroke-width': st.width * c.lw,
            'stroke-dasharray': dashFor(st.dash, st.width * c.lw),
            'stroke-linejoin': 'round',
          })
    }
  const r = s.markerPt / 2.4
  for (const p of f.points) {
    const excluded = p.cls !== null && p.cls < alpha
    body += el('circle', {
      cx: X(p.x),
      cy: Y(p.y),
      r,
      fill: excluded ? '#404040' : '#ffffff',
      stroke: '#404040',
      'stroke-width': 0.5 * c.lw,
    })
  }
  c.svg.add(el('g', { 'clip-path': c.clip(box) }, body))
  c.frame(box, xs, ys, xt, yt, { xLabels: true, yLabels: true })
  c.yTitle(s.yLabel ?? axisTitle(f.y), box, c.tickLabelWidth(yt))
  c.xTitle(s.xLabel ?? axisTitle(f.x), box)
  const lab = experimentLabel(c, box, [`${cl} exclusion (CL_{s})`])
  legendBelowLabel(c, box, entries, lab)
}
