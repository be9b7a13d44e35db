/**
 * Pulls of nuisance parameters as the collaborations draw them: one row per parameter, its
 * name left of the frame, the pull as a black marker with the post-fit constraint as a
 * horizontal error bar, over the ±2σ (yellow) and ±1σ (green) bands and a dashed line at 0.
 * Rows start below a headroom that keeps the experiment label and the legend off the points;
 * many parameters get a smaller row font rather than overlapping names.
 */
import type { PullsFigure } from '../../../shared/plot/figure'
import { dashFor, experimentLabel, legendBelowLabel, type LegendEntry } from './annotations'
import { niceCeil, pos, tickText, ticksFor, type Scale } from './axis'
import type { Box, Canvas } from './canvas'
import { axisTitle } from './render-lines'
import { escapeMarkup } from '../../../shared/plot/markup'
import { el } from './svg'

const GREEN = '#00cc00'
const YELLOW = '#ffcc00'
// Impacts of +1σ and −1σ, as the ATLAS ranking plots colour them.
const UP = '#1f5fa8'
const DOWN = '#17becf'

export function renderPulls(c: Canvas, f: PullsFigure, W: number, H: number): void {
  const s = c.s
  const F = c.F
  // Parameter names are identifiers (mu_sig, lumi), not markup: drawn as written.
  const rows = f.rows.map((r) => ({ ...r, name: escapeMarkup(r.name) }))
  const ranked = rows.some((r) => r.impact !== null)
  // A ranking, as the collaborations draw it: no coloured bands behind the impact bars, the
  // ±1σ of the pulls as dashed lines instead.
  const entries: LegendEntry[] = [{ label: 'Pull', kind: 'points', colour: '#000000' }]
  if (!ranked)
    entries.push(
      { label: '#pm 1#sigma', kind: 'band', colour: GREEN },
      { label: '#pm 2#sigma', kind: 'band', colour: YELLOW },
    )
  else
    entries.push(
      { label: 'Post-fit impact, +1#sigma', kind: 'fill', colour: UP },
      { label: 'Post-fit impact, #minus1#sigma', kind: 'fill', colour: DOWN },
      { label: 'Pre-fit impact', kind: 'band', colour: '#ffffff', edge: UP },
    )
  const titleAbove = s.experiment.trim().toUpperCase() === 'CMS'
  const labelLines =
    (s.experiment || s.status ? 1 : 0) +
    ((s.energyTeV ?? s.lumiFb) !== null && !titleAbove ? 1 : 0) +
    (s.regionLabel ? 1 : 0)
  const labelH = labelLines ? 0.9 * F + 1.25 * F * 0.75 + (labelLines - 1) * 1.4 * F + 0.7 * F : 0
  const legendH = s.legend.position.startsWith('upper')
    ? 0.9 * F + Math.ceil(entries.length / s.legend.columns) * 1.45 * F
    : 0
  const headroom = Math.max(labelH, legendH)
  // Row names: the settings' size, smaller when the rows would overlap (never below 55 %).
  const m0 = c.margins(0, { titleAbove })
  const rowsH = H - m0.top - m0.bottom - headroom
  const nameSize = Math.max(0.55 * F, Math.min(F, (0.85 * rowsH) / Math.max(1, rows.length)))
  const nameW = Math.max(0, ...rows.map((r) => c.width(r.name, { size: nameSize })))
  // No y title: the names stand in its place.
  const m = c.margins(nameW, { titleAbove })
  // A ranking's top axis (ΔPOI tick labels and title) above the frame.
  const topAxis = ranked ? 2.9 * F : 0
  const box: Box = {
    x0: m.left - 1.1 * F * 1.45,
    y0: m.top + topAxis,
    x1: W - m.right,
    y1: H - m.bottom,
  }
  const [xlo, xhi] = s.xRange ?? [-3, 3]
  const xs: Scale = { lo: xlo, hi: xhi > xlo ? xhi : xlo + 1, log: false, p0: box.x0, p1: box.x1 }
  // y in row units: row i at i + 0.5 from the top of the rows, below the headroom.
  const top = box.y0 + headroom
  const rowH = (box.y1 - top) / Math.max(1, rows.length)
  const ys: Scale = { lo: 0, hi: 1, log: false, p0: box.y1, p1: box.y0 }
  const xt = ticksFor(xs, Math.max(3, Math.round((box.x1 - box.x0) / (5 * F))))
  const noTicks = { major: [], minor: [] }
  c.title(box)
  const X = (v: number) => pos(xs, v)
  const yRow = (i: number) => top + (i + 0.5) * rowH
  let body = ''
  for (const [k, fill] of ranked
    ? []
    : ([
        [2, YELLOW],
        [1, GREEN],
      ] as const))
    body += el('rect', {
      x: X(-k),
      y: top,
      width: X(k) - X(-k),
      height: box.y1 - top,
      fill,
      stroke: 'none',
    })
  if (ranked)
    for (const k of [-1, 1])
      body += el('line', {
        x1: X(k),
        x2: X(k),
        y1: top,
        y2: box.y1,
        stroke: '#808080',
        'stroke-width': 0.8 * c.lw,
        'stroke-dasharray': dashFor('dashed', c.lw),
      })
  body += el('line', {
    x1: X(0),
    x2: X(0),
    y1: top,
    y2: box.y1,
    stroke: '#000000',
    'stroke-width': 0.8 * c.lw,
    'stroke-dasharray': dashFor('dashed', c.lw),
  })
  // Impacts on the top axis, a linear rescaling of the pull axis: ΔPOI = pull coordinate ×
  // `step`, so the top labels sit on the frame's own tick marks.
  const maxImpact = Math.max(
    0,
    ...rows.flatMap((r) =>
      r.impact ? [...r.impact.pre, ...r.impact.post].map((v) => Math.abs(v ?? 0)) : [],
    ),
  )
  const step = niceCeil((1.05 * maxImpact) / Math.max(1, Math.abs(xs.hi), Math.abs(xs.lo)))
  const XI = (v: number) => X(v / step)
  if (ranked)
    rows.forEach((r, i) => {
      if (!r.impact) return
      const y = yRow(i)
      const bar = (v: number | null, h: number, fill: string, stroke: string) =>
        v === null
          ? ''
          : el('rect', {
              x: Math.min(XI(0), XI(v)),
              y: y - h / 2,
              width: Math.abs(XI(v) - XI(0)),
              height: h,
              fill,
              stroke,
              'stroke-width': stroke === 'none' ? undefined : c.lw,
            })
      body += bar(r.impact.post[0], 0.5 * rowH, UP, 'none')
      body += bar(r.impact.post[1], 0.5 * rowH, DOWN, 'none')
      body += bar(r.impact.pre[0], 0.75 * rowH, 'none', UP)
      body += bar(r.impact.pre[1], 0.75 * rowH, 'none', DOWN)
    })
  rows.forEach((r, i) => {
    if (r.pull === null) return
    const y = yRow(i)
    if (r.error !== null)
      body += el('line', {
        x1: X(r.pull - r.error),
        x2: X(r.pull + r.error),
        y1: y,
        y2: y,
        stroke: '#000000',
        'stroke-width': c.lw,
      })
    body += el('circle', { cx: X(r.pull), cy: y, r: s.markerPt / 2, fill: '#000000' })
  })
  c.svg.add(el('g', { 'clip-path': c.clip(box) }, body))
  c.frame(box, xs, ys, xt, noTicks, { xLabels: true, yLabels: false })
  rows.forEach((r, i) =>
    c.text(r.name, box.x0 - 0.45 * F, yRow(i) + 0.33 * nameSize, {
      anchor: 'end',
      size: nameSize,
    }),
  )
  c.xTitle(s.xLabel ?? axisTitle(f.x), box)
  if (ranked) {
    const tickStep = (xt.major.length > 1 ? xt.major[1].value - xt.major[0].value : 1) * step
    for (const t of xt.major)
      if (t.value >= xs.lo && t.value <= xs.hi)
        c.text(tickText(t.value * step, tickStep), X(t.value), box.y0 - 0.45 * F, {
          anchor: 'middle',
        })
    c.text(f.impactLabel, c.hep ? box.x1 : (box.x0 + box.x1) / 2, box.y0 - 1.75 * F, {
      anchor: c.hep ? 'end' : 'middle',
      size: 1.1 * F,
    })
  }
  const lab = experimentLabel(c, box)
  legendBelowLabel(c, box, entries, lab)
}
