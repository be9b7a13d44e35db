/**
 * Writes a HEPData submission: submission.yaml (the submission-wide document, then one per
 * table), one YAML data file per table, the resource files (pyhf workspaces, each figure as
 * PNG with its thumbnail), and on request a zip of them ready to upload. The submission is
 * validated first (validate.ts); when it is not valid, or a file would replace one that exists
 * (without `overwrite`), nothing is written.
 */
import { Resvg } from '@resvg/resvg-js'
import { zipSync } from 'fflate'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { stringify, type ScalarTag, type Tags } from 'yaml'
import { FileExistsError, OutputPathError, writeOutputFile } from '../../io/output-file'
import { faces } from '../fonts'
import { layOut, type Layout } from './layout'
import type { Figure, Submission } from './record'
import { HepdataValidationError, validateLayout } from './validate'

/** Width of a thumbnail in pixels (HEPData shows them at about this size). */
export const THUMBNAIL_WIDTH = 200

/** Resolution of a table's image (HEPData shows it on the record's page). */
export const IMAGE_DPI = 150

/**
 * A figure's SVG as PNG bytes at `width` pixels (default: the SVG's own size), with the
 * figure renderer's fonts (resources/fonts), so the image is the figure as exported.
 */
export function renderPng(svg: string, width?: number): Uint8Array {
  const fonts = faces()
  const r = new Resvg(svg, {
    fitTo: width ? { mode: 'width', value: Math.round(width) } : { mode: 'original' },
    font: {
      loadSystemFonts: false,
      fontFiles: fonts.map((f) => f.file),
      defaultFontFamily: fonts[0].family,
    },
    background: '#ffffff',
  })
  return r.render().asPng()
}

function rendered(figure: Figure): { png: Uint8Array; thumbnail: Uint8Array } {
  const width = figure.widthCm ? (figure.widthCm / 2.54) * IMAGE_DPI : undefined
  return {
    png: renderPng(figure.svg, width),
    thumbnail: renderPng(figure.svg, THUMBNAIL_WIDTH),
  }
}

/**
 * HEPData reads the files with PyYAML, which speaks YAML 1.1: strings such as `yes`, `no`,
 * `on` are booleans there unless quoted (version 1.1 quotes them), and a float needs a '.'
 * before its exponent (`1e-20` is a string to PyYAML, `1.0e-20` a number) — so exponents of
 * whole mantissas get one.
 */
const pyyamlFloat: ScalarTag = {
  identify: (v: unknown) => typeof v === 'number' && /^-?\d+e/.test(String(v)),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  // A `test` makes yaml prefer this tag over the schema's own float tags for these numbers.
  test: /^[-+]?\d+\.0e[-+]\d+$/,
  resolve: (s: string) => Number(s),
  stringify: ({ value }) => String(value).replace('e', '.0e'),
}
const yamlOptions = {
  lineWidth: 0,
  aliasDuplicateObjects: false,
  version: '1.1',
  customTags: (tags: Tags) => [pyyamlFloat, ...tags],
} as const

/** The files of a valid submission, by name (submission.yaml first). Throws HepdataValidationError. */
export function submissionFiles(submission: Submission): {
  layout: Layout
  files: Map<string, string | Uint8Array>
} {
  const figures = new Map<number, { png: Uint8Array; thumbnail: Uint8Array }>()
  submission.tables.forEach((t, i) => {
    if (t.figure) figures.set(i, rendered(t.figure))
  })
  const layout = layOut(submission, figures)
  const problems = validateLayout(layout)
  if (problems.length) throw new HepdataValidationError(problems)
  const docs = [layout.info, ...layout.tables.map((t) => t.document)]
  const files = new Map<string, string | Uint8Array>([
    ['submission.yaml', docs.map((d) => stringify(d, yamlOptions)).join('---\n')],
  ])
  for (const t of layout.tables) files.set(t.file, stringify(t.data, yamlOptions))
  for (const [name, content] of layout.resources) files.set(name, content)
  return { layout, files }
}

/** The submission as a zip (files at its top level, as HEPData's upload takes them). */
export function submissionZip(files: ReadonlyMap<string, string | Uint8Array>): Uint8Array {
  const enc = new TextEncoder()
  const entries: Record<string, Uint8Array> = {}
  // A fixed date: the same submission gives the same zip, byte for byte.
  const mtime = new Date(Date.UTC(2020, 0, 1))
  for (const [name, content] of files)
    entries[name] = typeof content === 'string' ? enc.encode(content) : content
  return zipSync(Object.fromEntries(Object.entries(entries).map(([n, b]) => [n, [b, { mtime }]])), {
    level: 6,
  })
}

export interface WriteOptions {
  /** The folder to write into (created when missing). */
  out: string
  /** Also write `submission.zip` there. */
  zip?: boolean
  /** Replace files that exist (default: refuse, writing nothing). */
  overwrite?: boolean
}

export interface WrittenSubmission {
  folder: string
  /** Files written into the folder, submission.yaml first. */
  files: string[]
  /** The zip's path, or null. */
  zip: string | null
  /** Each table: its name, data file, and number of rows (independent values). */
  tables: { name: string; file: string; rows: number }[]
}

export const ZIP_NAME = 'submission.zip'

/** Validates, then writes `submission` under `options.out` (see the module comment). */
export function writeSubmission(submission: Submission, options: WriteOptions): WrittenSubmission {
  const folder = resolve(options.out)
  const { layout, files } = submissionFiles(submission)
  const zip = options.zip ? submissionZip(files) : null
  if (existsSync(folder) && !statSync(folder).isDirectory())
    throw new OutputPathError(`cannot write into ${folder}: it is a file, not a folder`)
  const names = [...files.keys(), ...(zip ? [ZIP_NAME] : [])]
  if (!options.overwrite) {
    const there = names.filter((n) => existsSync(join(folder, n)))
    if (there.length) throw new FileExistsError(join(folder, there[0]))
  }
  mkdirSync(folder, { recursive: true })
  const overwrite = options.overwrite ?? false
  for (const [name, content] of files) writeOutputFile(join(folder, name), content, overwrite)
  if (zip) writeOutputFile(join(folder, ZIP_NAME), zip, overwrite)
  return {
    folder,
    files: [...files.keys()],
    zip: zip ? join(folder, ZIP_NAME) : null,
    tables: layout.tables.map((t) => ({
      name: t.document.name,
      file: t.file,
      rows: t.data.independent_variables[0]?.values.length ?? 0,
    })),
  }
}
