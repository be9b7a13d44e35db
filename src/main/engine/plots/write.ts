/**
 * Writes saved plots as files: for each plot its figure (PDF, SVG or PNG) and a LaTeX snippet
 * (`NAME.tex`) beside it, into a folder or one zip file. Nothing existing is replaced unless the
 * caller says so; file names are the plots' slugs, made unique.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import type { SavedPlot } from '../../../shared/plot/saved-plot'
import { type StyleName } from '../../../shared/plot/settings'
import { applyStyle } from '../../../shared/plot/styles'
import { FileExistsError, OutputPathError, writeOutputFile } from '../io/output-file'
import { figureFile, type FileFormat } from './export'
import { latexSnippet, plotSlug } from './latex'
import { figureTitle, renderFigure } from './render'

export interface WrittenFile {
  plot: string
  path: string
  format: FileFormat | 'tex' | 'zip'
  bytes: number
}

export interface WriteRequest {
  format: FileFormat
  dpi: number
  /** Restyle for this export only. */
  style?: StyleName
  /** A folder (created if missing), or a path ending in .zip. */
  path: string
  overwrite: boolean
}

/** The files of each plot as name → bytes (names unique within the export). */
export async function plotFiles(
  plots: readonly SavedPlot[],
  req: Pick<WriteRequest, 'format' | 'dpi' | 'style'>,
): Promise<{ plot: string; name: string; format: FileFormat | 'tex'; data: Uint8Array }[]> {
  const used = new Set<string>()
  const out: { plot: string; name: string; format: FileFormat | 'tex'; data: Uint8Array }[] = []
  for (const p of plots) {
    let slug = plotSlug(p.name)
    for (let k = 2; used.has(slug); k++) slug = `${plotSlug(p.name)}-${k}`
    used.add(slug)
    const settings = req.style ? applyStyle(p.settings, req.style) : p.settings
    const r = renderFigure(p.figure, settings)
    const data = await figureFile(r, req.format, {
      dpi: req.dpi,
      title: p.name,
      subject: figureTitle(p.figure),
    })
    out.push({ plot: p.name, name: `${slug}.${req.format}`, format: req.format, data })
    out.push({
      plot: p.name,
      name: `${slug}.tex`,
      format: 'tex',
      data: Buffer.from(latexSnippet({ ...p, settings }, `${slug}.${req.format}`), 'utf8'),
    })
  }
  return out
}

export async function writePlots(
  plots: readonly SavedPlot[],
  req: WriteRequest,
): Promise<WrittenFile[]> {
  const files = await plotFiles(plots, req)
  if (req.path.toLowerCase().endsWith('.zip')) {
    const zip = zipSync(Object.fromEntries(files.map((f) => [f.name, f.data])), {
      level: 6,
      mtime: new Date(1980, 0, 1),
    })
    writeOutputFile(req.path, zip, req.overwrite)
    return [
      {
        plot: plots.map((p) => p.name).join(', '),
        path: req.path,
        format: 'zip',
        bytes: zip.length,
      },
    ]
  }
  if (existsSync(req.path) && !statSync(req.path).isDirectory())
    throw new OutputPathError(`cannot write into ${req.path}: it is a file, not a folder`)
  mkdirSync(req.path, { recursive: true })
  // Every target is checked before anything is written, so a refusal leaves the folder as it was.
  if (!req.overwrite)
    for (const f of files)
      if (existsSync(join(req.path, f.name))) throw new FileExistsError(join(req.path, f.name))
  return files.map((f) => {
    const path = join(req.path, f.name)
    writeOutputFile(path, f.data, req.overwrite)
    return { plot: f.plot, path, format: f.format, bytes: f.data.length }
  })
}
