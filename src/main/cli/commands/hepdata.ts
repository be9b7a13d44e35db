/**
 * `hepwb hepdata SPEC.json|PROJECT.hepwb --tables REQUEST.json --out DIR [--zip]`: a HEPData
 * submission (submission.yaml, one data file per table, resources, optionally a zip ready to
 * upload) from the tables a request lists, computed by the same use cases as `hepwb hist`,
 * `hepwb cutflow`, `hepwb fit --scan` and `hepwb limit` (app/hepdata.ts). The submission is
 * checked against the HEPData format 1.1.x before anything is written; the problems are listed
 * in words (table, file, field, what is wrong).
 */
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { HepdataRequest, type HepdataWritten } from '../../../shared/contract/hepdata'
import { HepdataRequestError, runHepdata } from '../../engine/app/hepdata'
import { InputError } from '../../engine/io/errors'
import { FileExistsError } from '../../engine/io/output-file'
import { readJsonFile } from '../../engine/io/pyhf'
import { HepdataValidationError } from '../../engine/plots/hepdata/validate'
import { writeSubmission } from '../../engine/plots/hepdata/write'
import { UsageError, action, type GlobalOptions } from '../action'
import { withEventSource } from '../event-source'

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

async function hepdata(file: string, o: HepdataOptions): Promise<HepdataWritten> {
  if (o.plots !== undefined)
    throw new UsageError(
      '--plots needs saved plots, which this build does not have; use --tables REQUEST.json',
    )
  if (!o.tables) throw new UsageError('--tables REQUEST.json is required (the tables to export)')
  const requestFile = resolve(o.tables)
  const request = await readRequest(requestFile)
  try {
    const submission = await withEventSource(file, ({ source }) =>
      runHepdata(request, { source, baseDir: dirname(requestFile) }),
    )
    return writeSubmission(submission, { out: o.out, zip: o.zip, overwrite: o.overwrite })
  } catch (e) {
    if (e instanceof HepdataRequestError) throw new UsageError(`${requestFile}: ${e.message}`)
    if (e instanceof HepdataValidationError || e instanceof FileExistsError)
      throw new UsageError(e.message)
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
      'analysis spec (JSON) or PROJECT.hepwb whose samples and regions the tables read',
    )
    .requiredOption('--out <dir>', 'folder to write into (created when missing)')
    .option(
      '--tables <request>',
      'the tables (JSON): {comment, conditions: {energy TeV, lumi fb^-1}, tables: [{kind: histogram|cutflow|yields|scan|cls|limit|contour, name, …}], workspaces}',
    )
    .option('--plots <names>', 'saved plots to export, by name (comma-separated)')
    .option('--zip', 'also write submission.zip, ready to upload')
    .option('--overwrite', 'replace files that exist')
    .action(action<HepdataOptions, HepdataWritten>(([file], o) => hepdata(file, o), human))
}
