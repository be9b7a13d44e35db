/**
 * CLs against the parameter of interest with the expected ±1σ / ±2σ band ("Brazil band"):
 * green and yellow as the experiments draw them, the expected median dashed, the observed
 * solid with markers, the 1 − CL line, and the limits in the label block.
 */
import type { BrazilFigure } from '../../../shared/plot/figure'
import { dashFor, experimentLabel, legendBelowLabel, type LegendEntry } from './annotations'
import { pos, ticksFor, type Scale } from './axis'
import type { Canvas, Box } from './canvas'
import { el, polyline } from './svg'

const GREEN = '#00cc00'
const YELLOW = '#ffcc00'

function fmt(v: number | null): string {
  return v === null ? '—' : String(Number(v.toPrecision(3)))
}

export function renderBrazil(c: Canvas, f: BrazilFigure, W: number, H: number): void {
  const s = c.s
  const F = c.F
  const pts = f.points.slice().sort((a, b) => a.mu - b.mu)
  const poi = f.poi.label || f.poi.name
  const alpha = 1 - f.cl
  const entries: LegendEntry[] = [
    { label: 'Observed CL_{s}', kind: 'line', colour: '#000000' },
    {
      label: 'Expected CL_{s}',
      kind: 'line',
      colour: '#000000',
      dash: dashFor('dashed', 1.5 * c.lw),
    },
    { label: 'Expected #pm 1#sigma', kind: 'band', colour: GREEN },
    { label: 'Expected #pm 2#sigma', kind: 'band', colour: YELLOW },
  ]
  const limitLine = `${Math.round(f.cl * 100)}% CL: ${poi} < ${fmt(f.obs)} (exp. ${fmt(f.exp[2])})`
  const titleAbove = s.experiment.trim().toUpperCase() === 'CMS'
  const boxFor = (tickW: number): Box => {
    const m = c.margins(tickW, { titleAbove })
    return { x0: m.left, y0: m.top, x1: W - m.right, y1: H - m.bottom }
  }
  let box = boxFor(2.2 * F)
  const labelLines =
    (s.experiment || s.status ? 1 : 0) +
    ((s.energyTeV ?? s.lumiFb) !== null && !titleAbove ? 1 : 0) +
    (s.regionLabel ? 1 : 0) +
    1
  const labelH = 0.9 * F + 1.25 * F * 0.75 + (labelLines - 1) * 1.4 * F + 0.7 * F
  const legendH = s.legend.position.startsWith('upper')
    ? 0.9 * F + Math.ceil(4 / s.legend.columns) * 1.45 * F
    : 0
  let xs!: Scale
  let ys!: Scale
  let xt!: ReturnType<typeof ticksFor>
  let yt!: ReturnType<typeof ticksFor>
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) box = boxFor(c.tickLabelWidth(yt))
    const frac = Math.min(0.6, Math.max(labelH, legendH) / (box.y1 - box.y0) + 0.04)
    const xlo = s.xRange?.[0] ?? (pts.length ? pts[0].mu : 0)
    const xhi = s.xRange?.[1] ?? (pts.length ? pts[pts.length - 1].mu : 1)
    xs = { lo: xlo, hi: xhi > xlo ? xhi : xlo + 1, log: false, p0: box.x0, p1: box.x1 }
    if (s.yRange)
      ys = {
        lo: s.yRange[0],
        hi: s.yRange[1],
        log: s.logY && s.yRange[0] > 0,
        p0: box.y1,
        p1: box.y0,
      }
    else if (s.logY) {
      const lo = 1e-3
      ys = { lo, hi: Math.pow(10, (3 * frac) / (1 - frac)), log: true, p0: box.y1, p1: box.y0 }
    } else
      ys = { lo: 0, hi: Math.ceil((1 / (1 - frac)) * 10) / 10, log: false, p0: box.y1, p1: box.y0 }
    xt = ticksFor(xs, Math.max(3, Math.round((box.x1 - box.x0) / (5 * F))))
    yt = ticksFor(ys, Math.max(3, Math.round((box.y1 - box.y0) / (3.2 * F))))
  }
  c.title(box)
  const X = (v: number) => pos(xs, v)
  const Y = (v: number) => pos(ys, v)
  const band = (lo: number, hi: number, fill: string) => {
    const upper: [number, number][] = []
    const lower: [number, number][] = []
    for (const p of pts) {
      const a = p.clsExp[lo]
      const b = p.clsExp[hi]
      if (a === null || b === null) continue
      upper.push([X(p.mu), Y(b)])
      lower.push([X(p.mu), Y(a)])
    }
    if (upper.length < 2) return ''
    return el('path', { d: polyline([...upper, ...lower.reverse()]) + 'Z', fill, stroke: 'none' })
  }
  const curve = (get: (p: (typeof pts)[number]) => number | null) =>
    polyline(
      pts.map((p) =>
        get(p) === null ? null : ([X(p.mu), Y(get(p) as number)] as [number, number]),
      ),
    )
  let body = band(0, 4, YELLOW) + band(1, 3, GREEN)
  body += el('path', {
    d: curve((p) => p.clsExp[2]),
    fill: 'none',
    stroke: '#000000',
    'stroke-width': 1.5 * c.lw,
    'stroke-dasharray': dashFor('dashed', 1.5 * c.lw),
  })
  body += el('path', {
    d: curve((p) => p.cls),
    fill: 'none',
    stroke: '#000000',
    'stroke-width': 1.5 * c.lw,
  })
  for (const p of pts)
    if (p.cls !== null)
      body += el('circle', { cx: X(p.mu), cy: Y(p.cls), r: s.markerPt / 2.5, fill: '#000000' })
  body += el('line', {
    x1: box.x0,
    x2: box.x1,
    y1: Y(alpha),
    y2: Y(alpha),
    stroke: '#d62728',
    'stroke-width': c.lw,
  })
  c.svg.add(el('g', { 'clip-path': c.clip(box) }, body))
  c.text(`${Math.round(f.cl * 100)}% CL`, box.x1 - 0.5 * F, Y(alpha) - 0.4 * F, {
    anchor: 'end',
    colour: '#d62728',
  })
  c.frame(box, xs, ys, xt, yt, { xLabels: true, yLabels: true })
  c.yTitle(s.yLabel ?? 'CL_{s}', box, c.tickLabelWidth(yt))
  c.xTitle(s.xLabel ?? poi, box)
  const lab = experimentLabel(c, box, [limitLine])
  legendBelowLabel(c, box, entries, lab)
}
