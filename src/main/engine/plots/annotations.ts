/**
 * The experiment label and the legend, placed as the collaborations' guidelines place them:
 * ATLAS — "ATLAS" bold italic and the status upright, inside the frame at the top left, with
 * √s and ∫L on the next line (ATLAS style guide); CMS — "CMS" bold and the status italic above
 * the frame on the left, "∫L fb⁻¹ (√s TeV)" above it on the right (CMS publication guidelines);
 * LHCb — "LHCb" upright, inside at the top right; any other text as ATLAS does. The region label
 * follows on its own line. Both report the height they take so the y range leaves room for them.
 */
import type { PlotSettings } from '../../../shared/plot/settings'
import type { Box, Canvas } from './canvas'
import { DASHES, el, n } from './svg'

export interface LegendEntry {
  label: string
  kind: 'fill' | 'line' | 'points' | 'hatch' | 'band'
  colour: string
  dash?: string
  /** For 'band': a hatch on top (a band with its statistical hatch). */
  hatch?: boolean
  /** For 'points': draw no marker (an empty-bin upper limit only). */
  edge?: string
}

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000)
}

/** "√s = 13 TeV, 139 fb⁻¹" (ATLAS order) or "139 fb⁻¹ (13 TeV)" (CMS order); '' when neither is set. */
export function energyLumiText(s: PlotSettings, cmsOrder: boolean): string {
  const e = s.energyTeV === null ? '' : `${fmt(s.energyTeV)} TeV`
  // Three significant digits; below 1 fb⁻¹ in pb⁻¹ (a 0.06 fb⁻¹ sample reads 60 pb⁻¹, not 0).
  const sig = (x: number) => String(Number(x.toPrecision(3)))
  const l =
    s.lumiFb === null
      ? ''
      : s.lumiFb < 1
        ? `${sig(s.lumiFb * 1000)} pb^{−1}`
        : `${sig(s.lumiFb)} fb^{−1}`
  if (cmsOrder) return e && l ? `${l} (${e})` : l || (e ? `(${e})` : '')
  return [e ? `#sqrt{s} = ${e}` : '', l].filter(Boolean).join(', ')
}

/** Where the experiment label sits. */
export function labelPlacement(s: PlotSettings): 'inside-left' | 'above' | 'inside-right' {
  const exp = s.experiment.trim().toUpperCase()
  if (exp === 'CMS') return 'above'
  if (exp === 'LHCB') return 'inside-right'
  return 'inside-left'
}

/**
 * Draws the experiment label block; returns the height (pt) it takes inside the frame from the
 * top (0 when it sits above the frame), and on which side.
 */
export function experimentLabel(
  c: Canvas,
  b: Box,
  extraLines: string[] = [],
): { height: number; side: 'left' | 'right' } {
  const s = c.s
  const F = c.F
  const exp = s.experiment.trim()
  const place = labelPlacement(s)
  const big = 1.25 * F
  const lines: string[] = []
  const pad = 0.9 * F
  const step = 1.4 * F
  let y = b.y0 + pad + big * 0.75
  const x = place === 'inside-right' ? b.x1 - pad : b.x0 + pad
  const anchor = place === 'inside-right' ? 'end' : 'start'
  if (place === 'above') {
    // CMS: outside the frame, left; luminosity and energy on the right.
    const yb = b.y0 - 0.45 * F
    c.text(exp, b.x0, yb, { size: 1.35 * F, bold: true })
    if (s.status)
      c.text(s.status, b.x0 + c.width(exp, { size: 1.35 * F, bold: true }) + 0.35 * F, yb, {
        size: 1.05 * F,
        italic: true,
      })
    const el = energyLumiText(s, true)
    if (el) c.text(el, b.x1, yb, { size: 1.05 * F, anchor: 'end' })
    y = b.y0 + pad + 0.75 * F
  } else if (exp || s.status) {
    const atlasLike = exp.toUpperCase() !== 'LHCB'
    const nameStyle = { size: big, bold: atlasLike, italic: atlasLike }
    const nameW = exp ? c.width(exp, nameStyle) : 0
    const statusW = s.status ? c.width(s.status, { size: big }) : 0
    const gap = exp && s.status ? 0.3 * big : 0
    const total = nameW + gap + statusW
    const x0 = anchor === 'end' ? x - total : x
    if (exp) c.text(exp, x0, y, nameStyle)
    if (s.status)
      c.text(s.status, x0 + nameW + gap, y, { size: big, italic: !exp && atlasLike ? true : false })
    y += step + 0.1 * F
  } else {
    y = b.y0 + pad + 0.75 * F
  }
  if (place !== 'above') {
    const el = energyLumiText(s, false)
    if (el) lines.push(el)
  }
  if (s.regionLabel) lines.push(s.regionLabel)
  lines.push(...extraLines.filter(Boolean))
  for (const line of lines) {
    c.text(line, x, y, { anchor })
    y += step
  }
  const used = y - step - b.y0 + 0.45 * F
  const any = place === 'above' ? lines.length > 0 : Boolean(exp || s.status || lines.length)
  return { height: any ? used : 0, side: place === 'inside-right' ? 'right' : 'left' }
}

/**
 * Draws the legend below the experiment label `lab` when both sit in the same top corner, else
 * in its own corner. `sharesLeft`: whether an upper-left legend shares the label's corner (a
 * figure whose label stands above the frame may say no).
 */
export function legendBelowLabel(
  c: Canvas,
  b: Box,
  entries: LegendEntry[],
  lab: { height: number; side: 'left' | 'right' },
  sharesLeft = c.s.legend.position === 'upper left',
): number {
  const shared = sharesLeft || (lab.side === 'right' && c.s.legend.position === 'upper right')
  return legend(c, b, entries, shared ? lab.height : 0)
}

/** Draws the legend (no box, as HEP figures do); returns the height it takes from its corner. */
export function legend(c: Canvas, b: Box, entries: LegendEntry[], offsetTop = 0): number {
  const pos = c.s.legend.position
  if (pos === 'none' || entries.length === 0) return 0
  const F = c.F
  const cols = Math.min(c.s.legend.columns, entries.length)
  const rows = Math.ceil(entries.length / cols)
  const rowH = 1.45 * F
  const sym = 1.9 * F
  const symGap = 0.5 * F
  const colGap = 1.0 * F
  const colW = Array.from({ length: cols }, (_, k) =>
    Math.max(
      ...entries.filter((_, i) => i % cols === k).map((e) => sym + symGap + c.width(e.label)),
    ),
  )
  const width = colW.reduce((a, w) => a + w, 0) + colGap * (cols - 1)
  const height = rows * rowH
  const pad = 0.9 * F
  const right = pos.endsWith('right')
  const top = pos.startsWith('upper')
  const x0 = right ? b.x1 - pad - width : b.x0 + pad
  const y0 = top ? b.y0 + pad + offsetTop : b.y1 - pad - height
  entries.forEach((e, i) => {
    const col = i % cols
    const row = Math.floor(i / cols)
    const x = x0 + colW.slice(0, col).reduce((a, w) => a + w + colGap, 0)
    const yc = y0 + row * rowH + rowH / 2
    symbol(c, e, x, yc - 0.45 * F, sym, 0.9 * F)
    c.text(e.label, x + sym + symGap, yc + 0.33 * F)
  })
  return top ? offsetTop + pad + height : 0
}

function symbol(c: Canvas, e: LegendEntry, x: number, y: number, w: number, h: number): void {
  const lw = c.lw
  const ym = y + h / 2
  if (e.kind === 'fill' || e.kind === 'band') {
    c.svg.add(
      el('rect', {
        x,
        y,
        width: w,
        height: h,
        fill: e.colour,
        stroke: e.edge ?? (c.hep && e.kind === 'fill' ? '#000000' : 'none'),
        'stroke-width': 0.5 * lw,
      }),
    )
  }
  if (e.kind === 'hatch' || e.hatch)
    c.svg.add(hatchRect(x, y, x + w, y + h, 0.35 * c.F, 0.5 * lw, '#000000', true))
  if (e.kind === 'line')
    c.svg.add(
      el('line', {
        x1: x,
        x2: x + w,
        y1: ym,
        y2: ym,
        stroke: e.colour,
        'stroke-width': 1.5 * lw,
        'stroke-dasharray': e.dash,
      }),
    )
  if (e.kind === 'points') {
    const r = c.s.markerPt / 2
    c.svg.add(
      el('line', {
        x1: x + w / 2,
        x2: x + w / 2,
        y1: y - 0.15 * h,
        y2: y + 1.15 * h,
        stroke: e.colour,
        'stroke-width': lw,
      }) + el('circle', { cx: x + w / 2, cy: ym, r, fill: e.colour }),
    )
  }
}

/**
 * Diagonal hatching of a rectangle, drawn as line segments clipped to it by hand (no SVG
 * pattern, which PDF converters draw unevenly): 45° lines `spacing` pt apart, aligned to a
 * global grid so neighbouring bins join seamlessly; `outline` adds the rectangle's border.
 */
export function hatchRect(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  spacing: number,
  width: number,
  colour: string,
  outline = false,
): string {
  if (!(x1 > x0) || !(y1 > y0)) return ''
  let d = ''
  // Lines x − y = k·spacing (going up-right in screen coordinates: y decreases as x grows).
  // In screen coordinates use lines x + y = c: from (c − y1, y1) to (c − y0, y0).
  const cMin = x0 + y0
  const cMax = x1 + y1
  for (let k = Math.ceil(cMin / spacing); k * spacing <= cMax; k++) {
    const cc = k * spacing
    // Intersect x + y = cc with the rectangle.
    const xa = Math.max(x0, cc - y1)
    const xb = Math.min(x1, cc - y0)
    if (xb <= xa) continue
    d += `M${n(xa)} ${n(cc - xa)}L${n(xb)} ${n(cc - xb)}`
  }
  let out = d ? el('path', { d, fill: 'none', stroke: colour, 'stroke-width': width }) : ''
  if (outline)
    out += el('rect', {
      x: x0,
      y: y0,
      width: x1 - x0,
      height: y1 - y0,
      fill: 'none',
      stroke: colour,
      'stroke-width': width,
    })
  return out
}

export const dashFor = (style: string, lw: number): string | undefined => DASHES[style]?.(lw)
