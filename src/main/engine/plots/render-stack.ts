/**
 * A stacked histogram as HEP figures draw it: backgrounds stacked (first at the bottom) with a
 * hatched √Σw² band on their total, signals as lines, data as black points with 68 % Garwood
 * intervals (empty bins keep their upper bar; weighted data use √Σw²), and a data / prediction
 * ratio panel on an aligned x axis. The legend says which errors are drawn.
 */
import type { StackComponent, StackFigure } from '../../../shared/plot/figure'
import { escapeMarkup, markupText } from '../../../shared/plot/markup'
import { paletteColour } from '../../../shared/plot/palettes'
import {
  dashFor,
  experimentLabel,
  hatchRect,
  legendBelowLabel,
  type LegendEntry,
} from './annotations'
import { niceCeil, pos, ticksFor, tickText, type Scale } from './axis'
import { Canvas, type Box } from './canvas'
import { garwood } from './poisson-interval'
import { el, n, polyline } from './svg'

/** Whether a histogram's entries carry weights (Σw² ≠ Σw somewhere). */
function weighted(c: StackComponent): boolean {
  return c.sumw.some((w, i) => Math.abs(c.sumw2[i] - w) > 1e-9 * Math.max(1, Math.abs(w)))
}

function sumArrays(cs: StackComponent[], key: 'sumw' | 'sumw2', bins: number): number[] {
  const out = new Array<number>(bins).fill(0)
  for (const c of cs) for (let b = 0; b < bins; b++) out[b] += c[key][b] ?? 0
  return out
}

/** "Events / 5 GeV" for equal bins, "Events / bin" otherwise. */
export function stackYTitle(f: StackFigure): string {
  const widths = f.edges.slice(1).map((e, i) => e - f.edges[i])
  const equal = widths.every((w) => Math.abs(w - widths[0]) < 1e-9 * Math.abs(widths[0]))
  const what = f.normalised ? 'Fraction of events' : 'Events'
  if (f.wholeX || !equal) return f.wholeX ? what : `${what} / bin`
  const w = widths[0]
  const text = tickText(w, Math.pow(10, Math.floor(Math.log10(Math.abs(w))) - 2)).replace(
    /(\.\d*?[1-9])0+$/,
    '$1',
  )
  return `${what} / ${text}${f.x.unit ? ` ${f.x.unit}` : ''}`
}

export function stackXTitle(f: StackFigure): string {
  const name = f.x.label || escapeMarkup(f.x.expr)
  return f.x.unit ? `${name} [${f.x.unit}]` : name
}

export function renderStack(c: Canvas, f: StackFigure, W: number, H: number): void {
  const s = c.s
  const F = c.F
  const bins = f.edges.length - 1
  const bkg = f.components.filter((x) => x.role === 'background')
  const sig = f.components.filter((x) => x.role === 'signal')
  const dataComps = f.components.filter((x) => x.role === 'data')
  const data = dataComps.length
    ? {
        sumw: sumArrays(dataComps, 'sumw', bins),
        sumw2: sumArrays(dataComps, 'sumw2', bins),
        weighted: dataComps.some(weighted),
      }
    : null
  const total = sumArrays(bkg, 'sumw', bins)
  // The band: a fit's uncertainty when the figure carries one, else √Σw² of the backgrounds.
  const totalVar = f.uncertainty
    ? Array.from({ length: bins }, (_, b) => (f.uncertainty?.error[b] ?? 0) ** 2)
    : sumArrays(bkg, 'sumw2', bins)
  const showRatio = Boolean(data && bkg.length && s.ratio && !f.normalised)
  const dataInt = data
    ? data.sumw.map((v, b) =>
        data.weighted ? [v - Math.sqrt(data.sumw2[b]), v + Math.sqrt(data.sumw2[b])] : garwood(v),
      )
    : []

  // Colours: the palette in order over backgrounds, then signals (or each sample's own colour).
  const colour = (comp: StackComponent, k: number) => paletteColour(s.palette, k, comp.colour)
  const bkgColours = bkg.map((b, k) => colour(b, k))
  const sigColours = sig.map((b, k) => colour(b, bkg.length + k))

  // x scale
  let xlo = f.edges[0]
  let xhi = f.edges[bins]
  if (s.xRange) [xlo, xhi] = s.xRange
  const logX = s.logX && xlo > 0

  // Legend entries (data first, then the stack from the top, the band, signals).
  const entries: LegendEntry[] = []
  if (data)
    entries.push({
      label: data.weighted ? 'Data (#sqrt{Σw^{2}})' : 'Data (Poisson 68% CL)',
      kind: 'points',
      colour: '#000000',
    })
  for (let k = bkg.length - 1; k >= 0; k--)
    entries.push({ label: bkg[k].name, kind: 'fill', colour: bkgColours[k] })
  // The band's entry only when there is a band (yields without Σw², e.g. a summary, have none).
  if (bkg.length && !f.normalised && totalVar.some((v) => v > 0))
    entries.push({
      label: f.uncertainty?.label ?? 'Stat. unc. (#sqrt{Σw^{2}})',
      kind: s.hatchedBand ? 'hatch' : 'fill',
      colour: s.hatchedBand ? '#000000' : '#bdbdbd',
    })
  sig.forEach((g, k) =>
    entries.push({
      label: g.name,
      kind: 'line',
      colour: sigColours[k],
      dash: dashFor(s.lineStyles[k % s.lineStyles.length], 1.5 * c.lw),
    }),
  )

  // Vertical extent of what is drawn.
  const tops: number[] = []
  const positives: number[] = []
  for (let b = 0; b < bins; b++) {
    if (bkg.length)
      tops.push(
        f.normalised ? Math.max(...bkg.map((x) => x.sumw[b])) : total[b] + Math.sqrt(totalVar[b]),
      )
    for (const g of sig) tops.push(g.sumw[b])
    if (data && (data.sumw[b] > 0 || !s.logY)) tops.push(dataInt[b][1])
    // The log axis starts below the stack's total and the data (a signal's far tail or one
    // tiny process must not stretch it over tens of decades).
    for (const v of bkg.length || data
      ? [total[b], data ? data.sumw[b] : 0]
      : sig.map((g) => g.sumw[b]))
      if (v > 0) positives.push(v)
  }
  const maxV = Math.max(0, ...tops.filter(Number.isFinite))
  const minPos = positives.length ? Math.min(...positives) : 1

  // Layout: the y tick labels decide the left margin; a first guess is refined once.
  const titleAbove = s.experiment.trim().toUpperCase() === 'CMS'
  const frameFor = (yTickW: number): { main: Box; ratio: Box | null } => {
    const m = c.margins(yTickW, { titleAbove })
    const x0 = m.left
    const x1 = W - m.right
    const y0 = m.top
    const y1 = H - m.bottom
    if (!showRatio) return { main: { x0, y0, x1, y1 }, ratio: null }
    const split = y0 + (y1 - y0) * 0.72
    return { main: { x0, y0, x1, y1: split }, ratio: { x0, y0: split, x1, y1 } }
  }
  const yScaleFor = (box: Box, headroom: number): Scale => {
    if (s.yRange)
      return {
        lo: s.yRange[0],
        hi: s.yRange[1],
        log: s.logY && s.yRange[0] > 0,
        p0: box.y1,
        p1: box.y0,
      }
    const frac = Math.min(0.6, headroom / (box.y1 - box.y0) + 0.04)
    if (s.logY) {
      const lo = Math.pow(10, Math.floor(Math.log10(Math.max(minPos * 0.5, maxV * 1e-6))))
      const lmax = Math.log10(Math.max(maxV, lo * 10))
      const lhi = lmax + ((lmax - Math.log10(lo)) * frac) / (1 - frac)
      return { lo, hi: Math.pow(10, Math.ceil(lhi * 2) / 2), log: true, p0: box.y1, p1: box.y0 }
    }
    return { lo: 0, hi: niceCeil((maxV || 1) / (1 - frac)), log: false, p0: box.y1, p1: box.y0 }
  }
  const yTarget = (box: Box) => Math.max(3, Math.round((box.y1 - box.y0) / (3.2 * F)))
  // Headroom: measured by drawing the annotations into a scratch canvas is overkill; estimate
  // from line counts (the same formulas as annotations.ts).
  const labelLines =
    (s.experiment || s.status ? 1 : 0) +
    ((s.energyTeV ?? s.lumiFb) !== null && !titleAbove ? 1 : 0) +
    (s.regionLabel ? 1 : 0)
  const labelH = labelLines ? 0.9 * F + 1.25 * F * 0.75 + (labelLines - 1) * 1.4 * F + 0.7 * F : 0
  const rows = s.legend.position.startsWith('upper')
    ? Math.ceil(entries.length / s.legend.columns)
    : 0
  const legendH = rows ? 0.9 * F + rows * 1.45 * F : 0
  const legendWithLabel = s.legend.position === 'upper left' && !titleAbove
  const headroom = legendWithLabel ? labelH + legendH : Math.max(labelH, legendH)

  let frames = frameFor(3 * F)
  let ys = yScaleFor(frames.main, headroom)
  let yt = ticksFor(ys, yTarget(frames.main))
  frames = frameFor(c.tickLabelWidth(yt))
  ys = yScaleFor(frames.main, headroom)
  yt = ticksFor(ys, yTarget(frames.main))
  const main = frames.main
  const xs: Scale = { lo: xlo, hi: xhi, log: logX, p0: main.x0, p1: main.x1 }
  const xt = ticksFor(xs, Math.max(3, Math.round((main.x1 - main.x0) / (5 * F))), f.wholeX)

  c.title(main)
  const X = (v: number) => pos(xs, v)
  const Y = (v: number) => pos(ys, v)
  const clipMain = c.clip(main)
  let body = ''

  // Stacked backgrounds (or unit-area shapes overlaid).
  const lower = new Array<number>(bins).fill(0)
  bkg.forEach((g, k) => {
    const upper = f.normalised ? g.sumw.slice() : g.sumw.map((v, b) => lower[b] + v)
    const base = f.normalised ? new Array<number>(bins).fill(0) : lower.slice()
    const floor = (v: number) => (ys.log ? Math.max(v, ys.lo * 1e-3) : v)
    const pts: [number, number][] = []
    for (let b = 0; b < bins; b++) {
      pts.push([X(f.edges[b]), Y(floor(upper[b]))], [X(f.edges[b + 1]), Y(floor(upper[b]))])
    }
    for (let b = bins - 1; b >= 0; b--) {
      pts.push([X(f.edges[b + 1]), Y(floor(base[b]))], [X(f.edges[b]), Y(floor(base[b]))])
    }
    body += f.normalised
      ? el('path', {
          d: polyline(pts.slice(0, 2 * bins)),
          fill: 'none',
          stroke: bkgColours[k],
          'stroke-width': 1.5 * c.lw,
        })
      : el('path', {
          d: polyline(pts) + 'Z',
          fill: bkgColours[k],
          stroke: c.hep ? '#000000' : 'none',
          'stroke-width': 0.4 * c.lw,
        })
    if (!f.normalised) for (let b = 0; b < bins; b++) lower[b] = upper[b]
  })

  // The simulation's statistical uncertainty on the total.
  if (bkg.length && !f.normalised)
    for (let b = 0; b < bins; b++) {
      const sd = Math.sqrt(totalVar[b])
      if (!(sd > 0)) continue
      const ya = Y(total[b] + sd)
      const yb = Y(ys.log ? Math.max(total[b] - sd, ys.lo * 1e-3) : total[b] - sd)
      body += s.hatchedBand
        ? hatchRect(X(f.edges[b]), ya, X(f.edges[b + 1]), yb, 0.35 * F, 0.5 * c.lw, '#000000')
        : el('rect', {
            x: X(f.edges[b]),
            y: ya,
            width: X(f.edges[b + 1]) - X(f.edges[b]),
            height: yb - ya,
            fill: '#000000',
            'fill-opacity': 0.25,
          })
    }

  // Signals as step lines.
  sig.forEach((g, k) => {
    const pts: [number, number][] = []
    for (let b = 0; b < bins; b++) {
      const v = ys.log ? Math.max(g.sumw[b], ys.lo * 1e-3) : g.sumw[b]
      pts.push([X(f.edges[b]), Y(v)], [X(f.edges[b + 1]), Y(v)])
    }
    body += el('path', {
      d: polyline(pts),
      fill: 'none',
      stroke: sigColours[k],
      'stroke-width': 1.5 * c.lw,
      'stroke-dasharray': dashFor(s.lineStyles[k % s.lineStyles.length], 1.5 * c.lw),
    })
  })

  // Data points.
  if (data)
    for (let b = 0; b < bins; b++) {
      const v = data.sumw[b]
      const [lo, hi] = dataInt[b]
      const xc = X((f.edges[b] + f.edges[b + 1]) / 2)
      if (ys.log && v <= 0) continue
      body += el('line', {
        x1: xc,
        x2: xc,
        y1: Y(Math.max(lo, ys.log ? ys.lo * 1e-3 : lo)),
        y2: Y(hi),
        stroke: '#000000',
        'stroke-width': c.lw,
      })
      if (v > 0) body += el('circle', { cx: xc, cy: Y(v), r: s.markerPt / 2, fill: '#000000' })
    }
  // An N−1 plot's threshold: where the cut removes events.
  for (const x of f.cuts)
    body += el('line', {
      x1: X(x),
      x2: X(x),
      y1: main.y0,
      y2: main.y1,
      stroke: '#d62728',
      'stroke-width': 1.5 * c.lw,
      'stroke-dasharray': dashFor('dashed', 1.5 * c.lw),
    })
  c.svg.add(el('g', { 'clip-path': clipMain }, body))

  c.frame(main, xs, ys, xt, yt, { xLabels: !showRatio, yLabels: true })
  const yTickW = c.tickLabelWidth(yt)
  c.yTitle(s.yLabel ?? stackYTitle(f), main, yTickW)

  // Ratio panel.
  if (showRatio && frames.ratio && data) {
    const rb = frames.ratio
    const rs: Scale = { lo: s.ratioRange[0], hi: s.ratioRange[1], log: false, p0: rb.y1, p1: rb.y0 }
    const rt = ticksFor(rs, 3)
    const R = (v: number) => pos(rs, v)
    const clipR = c.clip(rb)
    let rbody = ''
    for (let b = 0; b < bins; b++) {
      const t = total[b]
      if (!(t > 0)) continue
      const rel = Math.sqrt(totalVar[b]) / t
      const ya = R(1 + rel)
      const yb = R(1 - rel)
      rbody += s.hatchedBand
        ? hatchRect(X(f.edges[b]), ya, X(f.edges[b + 1]), yb, 0.35 * F, 0.5 * c.lw, '#000000')
        : el('rect', {
            x: X(f.edges[b]),
            y: ya,
            width: X(f.edges[b + 1]) - X(f.edges[b]),
            height: yb - ya,
            fill: '#000000',
            'fill-opacity': 0.25,
          })
    }
    rbody += el('line', {
      x1: rb.x0,
      x2: rb.x1,
      y1: R(1),
      y2: R(1),
      stroke: '#000000',
      'stroke-width': 0.6 * c.lw,
      'stroke-dasharray': dashFor('dashed', 0.6 * c.lw),
    })
    const arrows: string[] = []
    for (let b = 0; b < bins; b++) {
      const t = total[b]
      if (!(t > 0)) continue
      // An empty data bin has no ratio to show (its upper bar is in the main panel).
      if (!(data.sumw[b] > 0)) continue
      const v = data.sumw[b] / t
      const [lo, hi] = dataInt[b]
      const xc = X((f.edges[b] + f.edges[b + 1]) / 2)
      if (v > rs.hi || v < rs.lo) {
        // Beyond the panel: an arrow at the edge pointing where the point is.
        const up = v > rs.hi
        const ye = up ? rb.y0 + 0.25 * F : rb.y1 - 0.25 * F
        const len = 0.9 * F
        const tip = up ? ye : ye
        const tail = up ? ye + len : ye - len
        arrows.push(
          el('line', {
            x1: xc,
            x2: xc,
            y1: tail,
            y2: tip,
            stroke: '#000000',
            'stroke-width': c.lw,
          }) +
            el('path', {
              d: `M${n(xc - 0.3 * F)} ${n(tip + (up ? 0.45 : -0.45) * F)}L${n(xc)} ${n(tip)}L${n(xc + 0.3 * F)} ${n(tip + (up ? 0.45 : -0.45) * F)}`,
              fill: 'none',
              stroke: '#000000',
              'stroke-width': c.lw,
            }),
        )
        continue
      }
      rbody += el('line', {
        x1: xc,
        x2: xc,
        y1: R(lo / t),
        y2: R(hi / t),
        stroke: '#000000',
        'stroke-width': c.lw,
      })
      if (data.sumw[b] > 0)
        rbody += el('circle', { cx: xc, cy: R(v), r: s.markerPt / 2, fill: '#000000' })
    }
    c.svg.add(el('g', { 'clip-path': clipR }, rbody) + arrows.join(''))
    c.frame(rb, xs, rs, xt, rt, {
      xLabels: true,
      yLabels: true,
      skipY: (v) => Math.abs(v - rs.hi) < 1e-9,
    })
    c.yTitle('Data / Pred.', rb, yTickW)
    c.xTitle(s.xLabel ?? stackXTitle(f), rb)
  } else c.xTitle(s.xLabel ?? stackXTitle(f), main)

  const lab = experimentLabel(c, main)
  legendBelowLabel(c, main, entries, lab, legendWithLabel)
}

/** The plain-text name of a stack figure, for titles and file names. */
export function stackName(f: StackFigure): string {
  return markupText(f.x.label || f.x.expr)
}
