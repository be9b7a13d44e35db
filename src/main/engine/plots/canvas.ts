/**
 * What every figure kind draws with: the settings' fonts and sizes, a panel frame with HEP ticks
 * (inside, all four sides, minor ticks) or screen ticks (outside, two sides), axis titles placed
 * as mplhep and ROOT place them (x at the right end, y at the top end), and the clip of a panel.
 */
import type { PlotSettings } from '../../../shared/plot/settings'
import { pos, type Scale, type Ticks } from './axis'
import { familyOf } from './fonts'
import { el, n, type Svg } from './svg'
import { label, labelWidth, type TextStyle } from './text'

/** 1 cm in pt. */
export const PT_PER_CM = 72 / 2.54

export interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

export class Canvas {
  readonly F: number
  readonly family: string
  readonly lw: number
  private clips = 0

  constructor(
    readonly svg: Svg,
    readonly s: PlotSettings,
  ) {
    this.F = s.fontPt
    this.family = familyOf(s.font)
    this.lw = s.lineWidthPt
  }

  get hep(): boolean {
    return this.s.hepTicks
  }

  style(over: Partial<TextStyle> = {}): TextStyle {
    return { size: this.F, family: this.family, ...over }
  }

  text(markup: string, x: number, y: number, over: Partial<TextStyle> = {}): void {
    this.svg.add(label(markup, x, y, this.style(over)))
  }

  width(markup: string, over: Partial<TextStyle> = {}): number {
    return labelWidth(markup, this.style(over))
  }

  /** Width of the widest tick label of these ticks. */
  tickLabelWidth(t: Ticks): number {
    return Math.max(0, ...t.major.map((m) => this.width(m.label)))
  }

  /** A clip path for the box; returns the attribute value to put on a group. */
  clip(b: Box): string {
    const id = `clip${++this.clips}`
    this.svg.add(
      el(
        'clipPath',
        { id },
        el('rect', { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 }),
      ),
    )
    return `url(#${id})`
  }

  /**
   * The panel's frame, ticks and tick labels. `xLabels`/`yLabels` false leave the labels out
   * (the main panel above a ratio panel); `skipY` leaves out tick labels at these values.
   */
  frame(
    b: Box,
    xs: Scale,
    ys: Scale,
    xt: Ticks,
    yt: Ticks,
    opts: { xLabels: boolean; yLabels: boolean; skipY?: (v: number) => boolean },
  ): void {
    const F = this.F
    const major = this.hep ? 0.55 * F : 0.45 * F
    const minor = this.hep ? 0.3 * F : 0
    const sign = this.hep ? 1 : -1 // inside: towards the panel
    let d = ''
    const seg = (x1: number, y1: number, x2: number, y2: number) => {
      d += `M${n(x1)} ${n(y1)}L${n(x2)} ${n(y2)}`
    }
    const inRange = (v: number, s: Scale) =>
      v >= Math.min(s.lo, s.hi) - 1e-9 && v <= Math.max(s.lo, s.hi) + 1e-9
    for (const [list, len] of [
      [xt.major.map((m) => m.value), major],
      [xt.minor, minor],
    ] as const) {
      if (len === 0) continue
      for (const v of list) {
        if (!inRange(v, xs)) continue
        const x = pos(xs, v)
        seg(x, b.y1, x, b.y1 - sign * len)
        if (this.hep) seg(x, b.y0, x, b.y0 + len)
      }
    }
    for (const [list, len] of [
      [yt.major.map((m) => m.value), major],
      [yt.minor, minor],
    ] as const) {
      if (len === 0) continue
      for (const v of list) {
        if (!inRange(v, ys)) continue
        const y = pos(ys, v)
        seg(b.x0, y, b.x0 + sign * len, y)
        if (this.hep) seg(b.x1, y, b.x1 - len, y)
      }
    }
    this.svg.add(
      el('path', { d, fill: 'none', stroke: '#000000', 'stroke-width': 0.6 * this.lw }) +
        el('rect', {
          x: b.x0,
          y: b.y0,
          width: b.x1 - b.x0,
          height: b.y1 - b.y0,
          fill: 'none',
          stroke: '#000000',
          'stroke-width': 0.8 * this.lw,
        }),
    )
    const gap = this.hep ? 0.45 * F : 0.45 * F + major
    if (opts.xLabels)
      for (const m of xt.major)
        if (inRange(m.value, xs))
          this.text(m.label, pos(xs, m.value), b.y1 + gap + 0.75 * F, { anchor: 'middle' })
    if (opts.yLabels)
      for (const m of yt.major)
        if (inRange(m.value, ys) && !opts.skipY?.(m.value))
          this.text(m.label, b.x0 - gap, pos(ys, m.value) + 0.33 * F, { anchor: 'end' })
  }

  /** The x-axis title below the tick labels: right-aligned (HEP) or centred (screen). */
  xTitle(text: string, b: Box): void {
    const size = 1.1 * this.F
    const y = b.y1 + 2.45 * this.F
    if (this.hep) this.text(text, b.x1, y, { size, anchor: 'end' })
    else this.text(text, (b.x0 + b.x1) / 2, y, { size, anchor: 'middle' })
  }

  /** The y-axis title left of the tick labels, upright: top-aligned (HEP) or centred. */
  yTitle(text: string, b: Box, tickWidth: number): void {
    const size = 1.1 * this.F
    const x = b.x0 - tickWidth - (this.hep ? 0.45 : 0.9) * this.F - 0.55 * size
    if (this.hep) this.text(text, x, b.y0, { size, anchor: 'end', rotate: -90 })
    else this.text(text, x, (b.y0 + b.y1) / 2, { size, anchor: 'middle', rotate: -90 })
  }

  /** Plot area margins around a frame for these y tick labels (pt). */
  margins(yTickWidth: number, opts: { titleAbove: boolean; rightExtra?: number }) {
    const F = this.F
    return {
      left: yTickWidth + (this.hep ? 0.45 : 0.9) * F + 1.1 * F * 1.45 + 0.3 * F,
      right: 0.9 * F + (opts.rightExtra ?? 0),
      top: (opts.titleAbove ? 1.8 : 0.6) * F + (this.s.title ? 1.6 * F : 0),
      bottom: 3.0 * F,
    }
  }

  /** The figure's title, centred above everything ('' = none, as HEP figures usually are). */
  title(b: Box): void {
    if (!this.s.title) return
    this.text(this.s.title, (b.x0 + b.x1) / 2, 1.25 * this.F, {
      size: 1.2 * this.F,
      anchor: 'middle',
    })
  }
}
