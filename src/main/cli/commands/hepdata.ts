/**
 * `hepwb hepdata PROJECT.hepwb [--plots NAMES] --out DIR [--zip]`: a HEPData submission
 * (submission.yaml, one data file per table, resources, optionally a zip ready to upload) of a
 * project's saved plots (all of them, or those named), each with its figure as image and
 * thumbnail; and/or, with `--tables REQUEST.json`, of the tables a request lists for a spec or
 * project, computed by the same use cases as `hepwb hist`, `hepwb cutflow`, `hepwb fit --scan`
 * and `hepwb limit` (app/hepdata.ts). The submission is checked against the HEPData format
 * 1.1.x before anything is written; the problems are listed in words (table, file, field, what
 * is wrong).
 */
import { basename, dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { HepdataRequest, type HepdataWritten } from '../../../shared/contract/hepdata'
import { HepdataRequestError, runHepdata, savedPlotsSubmission } from '../../engine/app/hepdata'
import { InputError } from '../../engine/io/errors'
import { FileExistsError } from '../../engine/io/output-file'
import { readJsonFile } from '../../engine/io/pyhf'
import { HepdataValidationError } from '../../engine/plots/hepdata/validate'
import { writeSubmission } from '../../engine/plots/hepdata/write'
import { UsageError, action, type GlobalOptions } from '../action'
import { isProjectFile, withEventSource } from '../event-source'
import { Project } from '../../engine/store/project'
import { findPlotByName, listPlots } from '../../engine/store/plots'
import type { StoredWorkspace } from '../../engine/store/fits'
import { plotWorkspaces } from '../../engine/store/plot-workspaces'
import type { SavedPlot } from '../../../shared/plot/saved-plot'

interface HepdataOptions extends GlobalOptions {
  out: string
  tables?: string
  plots?: string
  zip?: boolean
  overwrite?: boolean
}

async function readRequest(file: string): Promise<HepdataRequest> {
  let raw: unknown
  try {
    raw = await readJsonFile(file)
  } catch (e) {
    throw new UsageError(e instanceof InputError ? e.message : `${file}: ${(e as Error).message}`)
  }
  const parsed = HepdataRequest.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const at = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('')
  throw new UsageError(`${file}: ${at ? `${at.replace(/^\./, '')}: ` : ''}${issue.message}`)
}

/**
 * The saved plots of a project — those named (comma-separated), or all of them — and the fit
 * workspaces they came from.
 */
function projectPlots(
  file: string,
  names: string | undefined,
): { plots: SavedPlot[]; workspaces: StoredWorkspace[] } {
  const project = Project.openReadOnly(file)
  try {
    const plots = pickPlots(project, file, names)
    return { plots, workspaces: plotWorkspaces(project, plots) }
  } finally {
    project.close()
  }
}

function pickPlots(project: Project, file: string, names: string | undefined): SavedPlot[] {
  if (names === undefined) {
    const all = listPlots(project)
    if (!all.length) throw new UsageError(`${file}: the project has no saved plots`)
    return all
  }
  const wanted = names
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
  if (!wanted.length) throw new UsageError('--plots needs at least one plot name')
  return wanted.map((n) => {
    const p = findPlotByName(project, n)
    if (!p) {
      const known = listPlots(project).map((q) => `'${q.name}'`)
      throw new UsageError(
        `${file}: no saved plot named '${n}'${known.length ? ` (saved: ${known.join(', ')})` : ''}`,
      )
    }
    return p
  })
}

async function hepdata(file: string, o: HepdataOptions): Promise<HepdataWritten> {
  const project = isProjectFile(file)
  if (!o.tables && !project)
    throw new UsageError(
      `${file} is not a project: give --tables REQUEST.json (the tables to export from a spec)`,
    )
  if (o.plots !== undefined && !project)
    throw new UsageError('--plots names saved plots of a project; give PROJECT.hepwb')
  const requestFile = o.tables ? resolve(o.tables) : null
  const request = requestFile ? await readRequest(requestFile) : null
  try {
    // Saved plots: named ones, or all when there is no request either.
    const { plots, workspaces } =
      project && (o.plots !== undefined || !request)
        ? projectPlots(file, o.plots)
        : { plots: [], workspaces: [] }
    const fromPlots = savedPlotsSubmission(
      plots,
      request?.comment ?? '',
      basename(file),
      workspaces,
    )
    const fromRequest =
      request && requestFile
        ? await withEventSource(file, ({ source }) =>
            runHepdata(request, { source, baseDir: dirname(requestFile) }),
          )
        : null
    const submission = {
      comment: fromRequest?.comment || fromPlots.comment,
      resources: [...fromPlots.resources, ...(fromRequest?.resources ?? [])],
      tables: [...fromPlots.tables, ...(fromRequest?.tables ?? [])],
    }
    return writeSubmission(submission, { out: o.out, zip: o.zip, overwrite: o.overwrite })
  } catch (e) {
    if (e instanceof HepdataRequestError) throw new UsageError(`${requestFile}: ${e.message}`)
    if (e instanceof FileExistsError)
      throw new UsageError(`${e.path} already exists; --overwrite replaces it`)
    if (e instanceof HepdataValidationError) throw new UsageError(e.message)
    throw e
  }
}

function human(r: HepdataWritten): string {
  return [
    `wrote ${r.files.length} files to ${r.folder}`,
    ...r.tables.map((t) => `  ${t.file}: ${t.name} (${t.rows} rows)`),
    ...(r.zip ? [`zip ready to upload: ${r.zip}`] : []),
  ].join('\n')
}

export function register(program: Command): void {
  program
    .command('hepdata')
    .description(
      'write a HEPData submission (submission.yaml + tables), checked against HEPData format 1.1.x',
    )
    .argument(
      '<source>',
      'PROJECT.hepwb (its saved plots; its samples and regions for --tables) or an analysis spec (JSON, with --tables)',
    )
    .requiredOption('--out <dir>', 'folder to write into (created when missing)')
    .option(
      '--tables <request>',
      'the tables (JSON): {comment, conditions: {energy TeV, lumi fb^-1}, tables: [{kind: histogram|cutflow|yields|scan|cls|limit|limit-grid|contour, name, …}], workspaces}',
    )
    .option(
      '--plots <names>',
      'saved plots to export, by name (comma-separated; default: all, unless --tables)',
    )
    .option('--zip', 'also write submission.zip, ready to upload')
    .option('--overwrite', 'replace files that exist')
    .action(action<HepdataOptions, HepdataWritten>(([file], o) => hepdata(file, o), human))
}
