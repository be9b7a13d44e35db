/**
 * Labels in TeX-like markup (shared/plot/markup.ts) drawn as SVG text: one <text> per label
 * with a <tspan> per run — sub- and superscripts smaller and shifted, Greek and symbols in the
 * math face — measured with the real fonts so anchors (middle, end) are placed exactly and the
 * PDF, PNG and SVG agree. Text stays text (selectable, searchable in the PDF).
 */
import { italicVariables, parseMarkup } from '../../../shared/plot/markup'
import { MATH, faceFor, needsMathFont, textWidth, type Face } from './fonts'
import { el, esc, n } from './svg'

export interface TextStyle {
  size: number
  family: string
  bold?: boolean
  italic?: boolean
  anchor?: 'start' | 'middle' | 'end'
  colour?: string
  /** No automatic italic for single-letter variables (tick labels, plain text). */
  upright?: boolean
  /** Degrees, about the anchor point (−90: an upright y-axis title). */
  rotate?: number
}

interface Piece {
  text: string
  face: Face
  size: number
  /** Baseline offset in pt, positive = down. */
  dy: number
  overline: boolean
}

const SCRIPT = 0.7

function pieces(markup: string, st: TextStyle): Piece[] {
  const out: Piece[] = []
  for (const run of st.upright ? parseMarkup(markup) : italicVariables(parseMarkup(markup))) {
    const level = Math.abs(run.shift)
    const size = st.size * Math.pow(SCRIPT, level)
    const dy = run.shift === 0 ? 0 : run.shift < 0 ? 0.28 * st.size : -0.42 * st.size
    const bold = (st.bold ?? false) || run.bold
    const italic = (st.italic ?? false) || run.italic
    let chunk = ''
    let math = false
    const flush = () => {
      if (!chunk) return
      const face = math ? faceFor(MATH, false, false) : faceFor(st.family, bold, italic)
      out.push({ text: chunk, face, size, dy: dy * Math.max(1, level), overline: run.overline })
      chunk = ''
    }
    for (const ch of run.text) {
      const m = needsMathFont(ch)
      if (m !== math) flush()
      math = m
      chunk += ch
    }
    flush()
  }
  return out
}

/** Width in pt of a label. */
export function labelWidth(markup: string, st: TextStyle): number {
  return pieces(markup, st).reduce((w, p) => w + textWidth(p.text, p.size, p.face), 0)
}

/** A label at (x, y) (baseline), anchored and optionally rotated. */
export function label(markup: string, x: number, y: number, st: TextStyle): string {
  const ps = pieces(markup, st)
  if (ps.length === 0) return ''
  const width = ps.reduce((w, p) => w + textWidth(p.text, p.size, p.face), 0)
  const anchor = st.anchor ?? 'start'
  const x0 = anchor === 'start' ? 0 : anchor === 'middle' ? -width / 2 : -width
  let spans = ''
  let offset = 0
  let cx = x0
  let bars = ''
  for (const p of ps) {
    const w = textWidth(p.text, p.size, p.face)
    spans += el(
      'tspan',
      {
        x: cx,
        dy: p.dy - offset === 0 ? undefined : p.dy - offset,
        'font-family': p.face.family,
        'font-size': p.size,
        'font-weight': p.face.bold ? 'bold' : undefined,
        'font-style': p.face.italic ? 'italic' : undefined,
      },
      esc(p.text),
    )
    if (p.overline) {
      const yb = p.dy - 0.78 * p.size
      bars += el('line', {
        x1: cx + 0.08 * p.size,
        x2: cx + w - 0.02 * p.size,
        y1: yb,
        y2: yb,
        stroke: st.colour ?? '#000000',
        'stroke-width': 0.05 * p.size,
      })
    }
    offset = p.dy
    cx += w
  }
  const transform = `translate(${n(x)} ${n(y)})${st.rotate ? ` rotate(${n(st.rotate)})` : ''}`
  return el(
    'g',
    { transform },
    el('text', { x: 0, y: 0, fill: st.colour ?? '#000000' }, spans) + bars,
  )
}
