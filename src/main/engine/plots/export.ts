/**
 * A rendered figure as a file: SVG as rendered; PDF drawn from the same SVG by svg-to-pdfkit
 * with the shipped fonts embedded (subsets), text kept as text, the page exactly the figure's
 * size; PNG rasterised by resvg with the same fonts at a chosen resolution (width = size × DPI).
 */
import { readFileSync } from 'node:fs'
import { Resvg } from '@resvg/resvg-js'
import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import { faceFor, faceKey, faces } from './fonts'
import type { RenderedFigure } from './render'

export type FileFormat = 'pdf' | 'svg' | 'png'

/** The PDF of a figure: one page of the figure's size, fonts embedded. */
export async function figurePdf(
  r: RenderedFigure,
  meta: { title: string; subject?: string },
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [r.widthPt, r.heightPt],
    margin: 0,
    autoFirstPage: true,
    // A fixed date keeps the bytes the same for the same figure.
    info: {
      Title: meta.title,
      Subject: meta.subject ?? '',
      Creator: 'HEP Workbench',
      CreationDate: new Date(0),
    },
  })
  for (const f of faces()) doc.registerFont(faceKey(f), readFileSync(f.file))
  const chunks: Buffer[] = []
  doc.on('data', (b: Buffer) => chunks.push(b))
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve())
    doc.on('error', reject)
  })
  SVGtoPDF(doc, r.svg, 0, 0, {
    width: r.widthPt,
    height: r.heightPt,
    fontCallback: (family: string, bold: boolean, italic: boolean) =>
      faceKey(faceFor(family.replace(/['"]/g, '').split(',')[0].trim(), bold, italic)),
  })
  doc.end()
  await done
  return Buffer.concat(chunks)
}

/** The PNG of a figure at `dpi` dots per inch. */
export function figurePng(r: RenderedFigure, dpi: number): Buffer {
  const widthPx = Math.round((r.widthCm / 2.54) * dpi)
  const resvg = new Resvg(r.svg, {
    fitTo: { mode: 'width', value: widthPx },
    font: {
      loadSystemFonts: false,
      fontFiles: faces().map((f) => f.file),
      defaultFontFamily: faces()[0].family,
    },
    background: '#ffffff',
  })
  return resvg.render().asPng()
}

export async function figureFile(
  r: RenderedFigure,
  format: FileFormat,
  opts: { dpi?: number; title: string; subject?: string },
): Promise<Buffer> {
  if (format === 'svg') return Buffer.from(r.svg, 'utf8')
  if (format === 'png') return figurePng(r, opts.dpi ?? 300)
  return figurePdf(r, opts)
}
