/**
 * A minimal SVG writer: elements as strings with escaped attributes, numbers rounded to 0.01 pt
 * so the same figure gives the same bytes on every machine (a saved plot re-renders to the same
 * SVG after the project is reopened).
 */

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A number as SVG writes it: rounded to 0.01, no '-0', no trailing zeros. */
export function n(x: number): string {
  const r = Math.round(x * 100) / 100
  return Object.is(r, -0) ? '0' : String(r === 0 ? 0 : r)
}

export type Attrs = Record<string, string | number | undefined | null | false>

export function attrs(a: Attrs): string {
  let out = ''
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined || v === null || v === false) continue
    out += ` ${k}="${typeof v === 'number' ? n(v) : esc(v)}"`
  }
  return out
}

export function el(name: string, a: Attrs, children?: string): string {
  return children === undefined
    ? `<${name}${attrs(a)}/>`
    : `<${name}${attrs(a)}>${children}</${name}>`
}

/** A path through points; null breaks the line. */
export function polyline(points: ([number, number] | null)[]): string {
  let d = ''
  let pen = false
  for (const p of points) {
    if (!p) {
      pen = false
      continue
    }
    d += `${pen ? 'L' : 'M'}${n(p[0])} ${n(p[1])}`
    pen = true
  }
  return d
}

export const DASHES: Record<string, (lw: number) => string | undefined> = {
  solid: () => undefined,
  dashed: (lw) => `${n(4 * lw + 2)} ${n(2.5 * lw + 1.5)}`,
  dotted: (lw) => `${n(lw)} ${n(1.8 * lw + 0.8)}`,
  dashdot: (lw) => `${n(4 * lw + 2)} ${n(1.8 * lw + 1)} ${n(lw)} ${n(1.8 * lw + 1)}`,
}

/** Collects the elements of one figure. */
export class Svg {
  private readonly parts: string[] = []
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  add(s: string): void {
    this.parts.push(s)
  }

  /** The document: size in pt (1 user unit = 1 pt), white background. */
  toString(title: string): string {
    const w = n(this.width)
    const h = n(this.height)
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${w}pt" height="${h}pt" viewBox="0 0 ${w} ${h}">` +
      `<title>${esc(title)}</title>` +
      `<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>` +
      this.parts.join('') +
      `</svg>\n`
    )
  }
}
