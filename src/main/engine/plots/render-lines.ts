/**
 * Curves on common axes (ROC curves, likelihood scans, loss curves, efficiencies): lines,
 * steps or points with error bars, optional bands from yLo/yHi, and reference lines.
 */
import type { LinesFigure } from '../../../shared/plot/figure'
import { escapeMarkup } from '../../../shared/plot/markup'
import { paletteColour } from '../../../shared/plot/palettes'
import { dashFor, experimentLabel, legendBelowLabel, type LegendEntry } from './annotations'
import { niceCeil, pos, ticksFor, type Scale } from './axis'
import type { Box, Canvas } from './canvas'
import { el, polyline } from './svg'

export function axisTitle(v: { expr: string; label: string; unit: string }): string {
  const name = v.label || escapeMarkup(v.expr)
  return v.unit ? `${name} [${v.unit}]` : name
}

export function renderLines(c: Canvas, f: LinesFigure, W: number, H: number): void {
  const s = c.s
  const F = c.F
  const xsAll = f.series.flatMap((q) => q.x).filter(Number.isFinite)
  const ysAll = f.series
    .flatMap((q) => [...q.y, ...(q.yHi ?? []), ...(q.yLo ?? [])])
    .filter((v): v is number => v !== null && Number.isFinite(v))
  const titleAbove = s.experiment.trim().toUpperCase() === 'CMS'
  const entries: LegendEntry[] = f.series.map((q, k) => ({
    label: q.name,
    kind: q.draw === 'points' ? 'points' : 'line',
    colour: paletteColour(s.palette, k, q.colour),
    dash:
      q.draw === 'points'
        ? undefined
        : dashFor(q.dash !== 'solid' ? q.dash : s.lineStyles[k % s.lineStyles.length], 1.5 * c.lw),
  }))
  const boxFor = (tickW: number): Box => {
    const m = c.margins(tickW, { titleAbove })
    return { x0: m.left, y0: m.top, x1: W - m.right, y1: H - m.bottom }
  }
  let box = boxFor(2.6 * F)
  const labelLines =
    (s.experiment || s.status ? 1 : 0) +
    ((s.energyTeV ?? s.lumiFb) !== null && !titleAbove ? 1 : 0) +
    (s.regionLabel ? 1 : 0)
  const labelH = labelLines ? 0.9 * F + 1.25 * F * 0.75 + (labelLines - 1) * 1.4 * F + 0.7 * F : 0
  const legendH = s.legend.position.startsWith('upper')
    ? 0.9 * F + Math.ceil(entries.length / s.legend.columns) * 1.45 * F
    : 0
  let xs!: Scale
  let ys!: Scale
  let xt!: ReturnType<typeof ticksFor>
  let yt!: ReturnType<typeof ticksFor>
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) box = boxFor(c.tickLabelWidth(yt))
    const frac = Math.min(0.6, Math.max(labelH, legendH) / (box.y1 - box.y0) + 0.04)
    let [xlo, xhi] = s.xRange ?? [Math.min(...xsAll), Math.max(...xsAll)]
    if (!(xhi > xlo))
      [xlo, xhi] = [Number.isFinite(xlo) ? xlo : 0, (Number.isFinite(xlo) ? xlo : 0) + 1]
    xs = { lo: xlo, hi: xhi, log: s.logX && xlo > 0, p0: box.x0, p1: box.x1 }
    if (s.yRange)
      ys = {
        lo: s.yRange[0],
        hi: s.yRange[1],
        log: s.logY && s.yRange[0] > 0,
        p0: box.y1,
        p1: box.y0,
      }
    else {
      const lo0 = ysAll.length ? Math.min(...ysAll) : 0
      const hi0 = ysAll.length ? Math.max(...ysAll) : 1
      if (s.logY) {
        const pos0 = ysAll.filter((v) => v > 0)
        const lo = Math.pow(10, Math.floor(Math.log10(pos0.length ? Math.min(...pos0) : 1e-3)))
        const lmax = Math.log10(Math.max(hi0, lo * 10))
        ys = {
          lo,
          hi: Math.pow(10, lmax + ((lmax - Math.log10(lo)) * frac) / (1 - frac)),
          log: true,
          p0: box.y1,
          p1: box.y0,
        }
      } else if (f.flavour === 'roc' && lo0 >= 0 && hi0 <= 1) {
        // Efficiencies: the unit square (the legend sits where a ROC curve never goes).
        ys = { lo: 0, hi: 1, log: false, p0: box.y1, p1: box.y0 }
      } else {
        const lo = lo0 >= 0 ? 0 : -niceCeil(-lo0)
        const hi = lo + niceCeil((hi0 - lo || 1) / (1 - frac))
        ys = { lo, hi, log: false, p0: box.y1, p1: box.y0 }
      }
    }
    xt = ticksFor(xs, Math.max(3, Math.round((box.x1 - box.x0) / (5 * F))))
    yt = ticksFor(ys, Math.max(3, Math.round((box.y1 - box.y0) / (3.2 * F))))
  }
  c.title(box)
  const X = (v: number) => pos(xs, v)
  const Y = (v: number) => pos(ys, v)
  let body = ''
  f.series.forEach((q, k) => {
    const colour = entries[k].colour
    if (q.yLo && q.yHi && q.draw !== 'points') {
      const up: [number, number][] = []
      const dn: [number, number][] = []
      q.x.forEach((x, i) => {
        const a = q.yLo?.[i]
        const b = q.yHi?.[i]
        if (a === null || b === null || a === undefined || b === undefined) return
        up.push([X(x), Y(b)])
        dn.push([X(x), Y(a)])
      })
      if (up.length > 1)
        body += el('path', {
          d: polyline([...up, ...dn.reverse()]) + 'Z',
          fill: colour,
          'fill-opacity': 0.25,
        })
    }
    if (q.draw === 'points') {
      q.x.forEach((x, i) => {
        const y = q.y[i]
        if (y === null) return
        const a = q.yLo?.[i]
        const b = q.yHi?.[i]
        if (a !== undefined && b !== undefined && a !== null && b !== null)
          body += el('line', {
            x1: X(x),
            x2: X(x),
            y1: Y(a),
            y2: Y(b),
            stroke: colour,
            'stroke-width': c.lw,
          })
        body += el('circle', { cx: X(x), cy: Y(y), r: s.markerPt / 2, fill: colour })
      })
    } else {
      const pts: ([number, number] | null)[] = []
      q.x.forEach((x, i) => {
        const y = q.y[i]
        if (y === null) return pts.push(null)
        if (q.draw === 'step' && i + 1 < q.x.length) pts.push([X(x), Y(y)], [X(q.x[i + 1]), Y(y)])
        else pts.push([X(x), Y(y)])
      })
      body += el('path', {
        d: polyline(pts),
        fill: 'none',
        stroke: colour,
        'stroke-width': 1.5 * c.lw,
        'stroke-dasharray': entries[k].dash,
      })
    }
  })
  for (const r of f.refLines) {
    const d =
      r.axis === 'y'
        ? { x1: box.x0, x2: box.x1, y1: Y(r.value), y2: Y(r.value) }
        : { x1: X(r.value), x2: X(r.value), y1: box.y0, y2: box.y1 }
    body += el('line', {
      ...d,
      stroke: '#666666',
      'stroke-width': 0.8 * c.lw,
      'stroke-dasharray': dashFor('dotted', c.lw),
    })
  }
  c.svg.add(el('g', { 'clip-path': c.clip(box) }, body))
  for (const r of f.refLines)
    if (r.label)
      if (r.axis === 'y')
        c.text(r.label, box.x1 - 0.4 * F, Y(r.value) - 0.35 * F, {
          anchor: 'end',
          colour: '#444444',
          size: 0.9 * F,
        })
      else
        c.text(r.label, X(r.value) + 0.35 * F, box.y1 - 0.5 * F, {
          colour: '#444444',
          size: 0.9 * F,
        })
  c.frame(box, xs, ys, xt, yt, { xLabels: true, yLabels: true })
  c.yTitle(s.yLabel ?? axisTitle(f.y), box, c.tickLabelWidth(yt))
  c.xTitle(s.xLabel ?? axisTitle(f.x), box)
  const lab = experimentLabel(c, box)
  legendBelowLabel(c, box, entries, lab)
}
