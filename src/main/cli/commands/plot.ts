/**
 * `hepwb plot hist` draws a styled figure of an expression from a spec or project (backgrounds
 * stacked, signals as lines, data as points with a ratio panel) with the window's renderer;
 * `hepwb plot export` writes a project's saved plots, restyled, as PDF, SVG or PNG with a LaTeX
 * snippet each. Both print a `--json` summary of what was written.
 */
import { existsSync, statSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import type { Command } from 'commander'
import {
  STYLE_NAMES,
  EXPERIMENT_STATUSES,
  type StyleName,
  type ExperimentStatus,
} from '../../../shared/plot/settings'
import type { SavedPlot } from '../../../shared/plot/saved-plot'
import { defaultSettings } from '../../../shared/plot/styles'
import { stackFigure } from '../../engine/app/stack-figure'
import { figureFile, type FileFormat } from '../../engine/plots/export'
import { figureTitle, renderFigure } from '../../engine/plots/render'
import { writePlots, type WrittenFile } from '../../engine/plots/write'
import { writeOutputFile } from '../../engine/io/output-file'
import { listPlots } from '../../engine/store/plots'
import { Project } from '../../engine/store/project'
import { appVersion } from '../../engine/version'
import { UsageError, action, type GlobalOptions } from '../action'
import { withEventSource } from '../event-source'
import { listOption } from './cutflow'
import { binningOf, type HistOptions } from './hist'
import { writeFigureHepdata, type HepdataWritten } from './plot-hepdata'

const FORMATS: readonly FileFormat[] = ['pdf', 'svg', 'png']

function styleOption(value: string | undefined): StyleName {
  const style = (value ?? 'thesis').toLowerCase()
  if (!(STYLE_NAMES as readonly string[]).includes(style))
    throw new UsageError(`--style must be one of ${STYLE_NAMES.join(', ')}, got '${value}'`)
  return style as StyleName
}

function dpiOption(value: string | undefined): number {
  const dpi = value === undefined ? 300 : Number(value)
  if (!Number.isInteger(dpi) || dpi < 30 || dpi > 2400)
    throw new UsageError(`--dpi must be a whole number from 30 to 2400, got '${value}'`)
  return dpi
}

function positive(what: string, value: string | undefined): number | null {
  if (value === undefined) return null
  const x = Number(value)
  if (!(x > 0) || !Number.isFinite(x))
    throw new UsageError(`${what} must be a number > 0, got '${value}'`)
  return x
}

/**
 * `--label "ATLAS Internal"`: an experiment (ATLAS, CMS, LHCb or any text) and, when the rest
 * is one of the guidelines' statuses, that status.
 */
export function experimentOption(text: string | undefined): {
  experiment: string
  status: ExperimentStatus
} {
  if (!text) return { experiment: '', status: '' }
  const t = text.trim()
  for (const status of EXPERIMENT_STATUSES) {
    if (!status) continue
    if (t.toLowerCase() === status.toLowerCase()) return { experiment: '', status }
    if (t.toLowerCase().endsWith(` ${status.toLowerCase()}`))
      return { experiment: t.slice(0, t.length - status.length).trim(), status }
  }
  return { experiment: t, status: '' }
}

interface PlotHistOptions extends HistOptions {
  log?: boolean
  style?: string
  label?: string
  lumi?: string
  energy?: string
  out?: string
  dpi?: string
  xlabel?: string
  hepdata?: string
  overwrite?: boolean
}

interface PlotHistResult {
  path: string
  format: FileFormat
  bytes: number
  style: StyleName
  width_cm: number
  height_cm: number
  dpi: number | null
  expr: string
  region: string | null
  edges: number[]
  /** Per drawn component (process group, signal, data): Σw and Σw² per bin. */
  components: { name: string; role: string; samples: string[]; sumw: number[]; sumw2: number[] }[]
  hidden: string[]
  hepdata: HepdataWritten | null
}

async function plotHist(file: string, o: PlotHistOptions): Promise<PlotHistResult> {
  if (!o.out) throw new UsageError('--out FILE.pdf|svg|png is required')
  const format = extname(o.out).slice(1).toLowerCase() as FileFormat
  if (!FORMATS.includes(format))
    throw new UsageError(`--out must end in .pdf, .svg or .png, got '${o.out}'`)
  const style = styleOption(o.style)
  const dpi = dpiOption(o.dpi)
  const expr = o.var
  if (!expr) throw new UsageError('--var EXPR is required')
  const settings = defaultSettings(style, {
    logY: o.log ?? false,
    ...experimentOption(o.label),
    lumiFb: positive('--lumi', o.lumi),
    energyTeV: positive('--energy', o.energy),
    xLabel: o.xlabel ?? null,
    regionLabel: '',
  })
  if (o.label === undefined && (style === 'atlas' || style === 'cms')) {
    // The style's own label (ATLAS Internal, CMS Preliminary) stays.
    const d = defaultSettings(style)
    settings.experiment = d.experiment
    settings.status = d.status
  }
  const { figure, hidden } = await withEventSource(file, ({ source, variables }) =>
    stackFigure(source, {
      value: { expr },
      binning: binningOf(o, variables),
      region: o.region ?? null,
    }),
  )
  if (o.region) settings.regionLabel = o.region
  const rendered = renderFigure(figure, settings)
  const data = await figureFile(rendered, format, { dpi, title: figureTitle(figure) })
  const path = resolve(o.out)
  writeOutputFile(path, data, o.overwrite ?? false)
  let hepdata: HepdataWritten | null = null
  if (o.hepdata) {
    const now = new Date().toISOString()
    const plot: SavedPlot = {
      id: 'cli',
      name: figureTitle(figure),
      tags: [],
      figure,
      settings,
      provenance: {
        project: null,
        step: 'cli',
        source: `hepwb plot hist ${file}`,
        samples: [],
        region: null,
        variables: [],
        model: null,
        run: null,
        workspace: null,
        engineVersion: appVersion(),
        date: now,
        recipe: { kind: 'none' },
        inputsKey: '',
      },
      createdAt: now,
      updatedAt: now,
    }
    hepdata = await writeFigureHepdata(plot, resolve(o.hepdata))
  }
  return {
    path,
    format,
    bytes: data.length,
    style,
    width_cm: rendered.widthCm,
    height_cm: rendered.heightCm,
    dpi: format === 'png' ? dpi : null,
    expr,
    region: o.region ?? null,
    edges: figure.edges,
    components: figure.components.map((c) => ({
      name: c.name,
      role: c.role,
      samples: c.samples,
      sumw: c.sumw,
      sumw2: c.sumw2,
    })),
    hidden,
    hepdata,
  }
}

interface PlotExportOptions extends GlobalOptions {
  all?: boolean
  name?: string
  style?: string
  format?: string
  out?: string
  dpi?: string
  overwrite?: boolean
}

async function plotExport(file: string, o: PlotExportOptions): Promise<{ files: WrittenFile[] }> {
  if (!o.out) throw new UsageError('--out DIR (or FILE.zip) is required')
  const format = (o.format ?? 'pdf').toLowerCase() as FileFormat
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be pdf, svg or png, got '${o.format}'`)
  const names = listOption(o.name)
  if (!o.all && !names?.length) throw new UsageError('give --all or --name NAME[,NAME…]')
  if (!existsSync(file) || !statSync(file).isFile())
    throw new UsageError(`${file}: no such project file`)
  const project = Project.openReadOnly(file)
  try {
    const all = listPlots(project)
    const chosen = o.all
      ? all
      : (names ?? []).map((n) => {
          const p = all.find((x) => x.name === n)
          if (!p)
            throw new UsageError(
              `${file}: no saved plot named '${n}' (saved: ${all.map((x) => x.name).join(', ') || 'none'})`,
            )
          return p
        })
    if (!chosen.length) throw new UsageError(`${file}: the project has no saved plots`)
    const files = await writePlots(chosen, {
      format,
      dpi: dpiOption(o.dpi),
      style: o.style === undefined ? undefined : styleOption(o.style),
      path: resolve(o.out),
      overwrite: o.overwrite ?? false,
    })
    return { files }
  } finally {
    project.close()
  }
}

export function register(program: Command): void {
  const plot = program
    .command('plot')
    .description('styled figures (thesis, atlas, cms, slides, screen) as PDF, SVG or PNG')
  plot
    .command('hist')
    .description(
      'stacked histogram of an expression: backgrounds stacked, signals as lines, data as points with a ratio panel',
    )
    .argument('<spec>', 'analysis spec (JSON) or PROJECT.hepwb')
    .requiredOption('--var <expr>', 'expression: a column, a derived variable, any formula')
    .option('--region <name>', 'only the events of this region (default: all events)')
    .option('--bins <n>', "number of uniform bins (default: the variable's binning)")
    .option('--range <lo hi...>', "lower and upper edge (default: the variable's binning)")
    .option('--log', 'logarithmic y axis')
    .option('--style <name>', `${STYLE_NAMES.join(' | ')} (default thesis)`)
    .option(
      '--label <text>',
      "experiment label, e.g. 'ATLAS Internal', 'CMS Preliminary', 'Private work'",
    )
    .option('--lumi <fb-1>', 'integrated luminosity in fb⁻¹, shown in the label')
    .option('--energy <TeV>', 'centre-of-mass energy √s in TeV, shown in the label')
    .option('--xlabel <markup>', 'x-axis title (TeX-like: p_{T} [GeV], #eta)')
    .requiredOption('--out <file>', 'FILE.pdf, FILE.svg or FILE.png')
    .option('--dpi <n>', 'PNG resolution (default 300)')
    .option('--hepdata <dir>', "also write the figure's HEPData record into DIR")
    .option('--overwrite', 'replace --out if it exists')
    .action(
      action<PlotHistOptions, PlotHistResult>(
        ([file], o) => plotHist(file, o),
        (r) => `wrote ${r.path} (${r.width_cm} × ${r.height_cm} cm, ${r.style})`,
      ),
    )
  plot
    .command('export')
    .description("a project's saved plots, restyled, as PDF, SVG or PNG with a LaTeX snippet each")
    .argument('<project>', 'PROJECT.hepwb')
    .option('--all', 'every saved plot')
    .option('--name <names>', 'saved plots by name, comma-separated')
    .option('--style <name>', `restyle for this export: ${STYLE_NAMES.join(' | ')}`)
    .option('--format <fmt>', 'pdf | svg | png (default pdf)')
    .requiredOption('--out <dir>', 'folder to write into (created if missing), or FILE.zip')
    .option('--dpi <n>', 'PNG resolution (default 300)')
    .option('--overwrite', 'replace files that exist')
    .action(
      action<PlotExportOptions, { files: WrittenFile[] }>(
        ([file], o) => plotExport(file, o),
        (r) => r.files.map((f) => `wrote ${f.path}`).join('\n'),
      ),
    )
}
