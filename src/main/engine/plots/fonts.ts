/**
 * The fonts figures are drawn with, shipped in resources/fonts (Latin Modern, GUST Font
 * License, beside them): the SVG names them by family, the PDF embeds them (svg-to-pdfkit's
 * font callback), resvg loads them for PNG, and the layout measures text with their real
 * advance widths (through pdfkit), so the three outputs place every label alike without any
 * font installed on the machine.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import PDFDocument from 'pdfkit'
import type { FontFamily } from '../../../shared/plot/settings'

/** One face: the family name written into the SVG, its weight and style, and its file. */
export interface Face {
  family: string
  bold: boolean
  italic: boolean
  file: string
}

export const SERIF = 'Latin Modern Roman'
export const SANS = 'Latin Modern Sans'
/** Greek and the math symbols the text faces lack. */
export const MATH = 'Latin Modern Math'

const FILES: readonly [string, boolean, boolean, string][] = [
  [SERIF, false, false, 'lmroman10-regular.otf'],
  [SERIF, false, true, 'lmroman10-italic.otf'],
  [SERIF, true, false, 'lmroman10-bold.otf'],
  [SERIF, true, true, 'lmroman10-bolditalic.otf'],
  [SANS, false, false, 'lmsans10-regular.otf'],
  [SANS, false, true, 'lmsans10-oblique.otf'],
  [SANS, true, false, 'lmsans10-bold.otf'],
  [SANS, true, true, 'lmsans10-boldoblique.otf'],
  [MATH, false, false, 'latinmodern-math.otf'],
]

/** Characters the Latin Modern text faces have no glyph for: drawn with the math face. */
const NEEDS_MATH = /[α-ωϑϕϵℓ∓≤≥≠≈∼∫∂′⟨⟩ℏ∇∈]/u

export function needsMathFont(ch: string): boolean {
  return NEEDS_MATH.test(ch)
}

export function familyOf(font: FontFamily): string {
  return font === 'serif' ? SERIF : SANS
}

let dir: string | undefined

/** resources/fonts: $HEPWB_RESOURCES_DIR/fonts, else the nearest `resources/fonts` above this file. */
export function fontDir(): string {
  if (dir) return dir
  if (process.env.HEPWB_RESOURCES_DIR) return (dir = join(process.env.HEPWB_RESOURCES_DIR, 'fonts'))
  let d = __dirname
  for (let i = 0; i < 7; i++) {
    const candidate = join(d, 'resources', 'fonts')
    if (existsSync(join(candidate, 'GUST-FONT-LICENSE.txt'))) return (dir = candidate)
    d = dirname(d)
  }
  throw new Error('the plot fonts (resources/fonts) are missing from this installation')
}

export function faces(): Face[] {
  return FILES.map(([family, bold, italic, file]) => ({
    family,
    bold,
    italic,
    file: join(fontDir(), file),
  }))
}

/** The face for a family and style (the math face has one style only). */
export function faceFor(family: string, bold: boolean, italic: boolean): Face {
  const all = faces()
  return (
    all.find((f) => f.family === family && f.bold === bold && f.italic === italic) ??
    all.find((f) => f.family === family) ??
    all[0]
  )
}

/** The key pdfkit knows a face by. */
export function faceKey(f: Face): string {
  return `${f.family}|${f.bold ? 'b' : ''}${f.italic ? 'i' : ''}`
}

let measurer: PDFKit.PDFDocument | undefined
const widths = new Map<string, number>()

/** Advance width in pt of `text` at `size` pt in a face (kerning left out, as SVG does). */
export function textWidth(text: string, size: number, face: Face): number {
  const key = `${faceKey(face)}\u0000${text}`
  let w1000 = widths.get(key)
  if (w1000 === undefined) {
    if (!measurer) {
      measurer = new PDFDocument({ autoFirstPage: false })
      for (const f of faces()) measurer.registerFont(faceKey(f), f.file)
    }
    w1000 = measurer.font(faceKey(face)).fontSize(1000).widthOfString(text)
    widths.set(key, w1000)
  }
  return (w1000 * size) / 1000
}
