/**
 * Reading an analysis spec file (`hepwb cutflow SPEC.json`): JSON, validated against the spec
 * schema, with sample file paths resolved relative to the spec file's folder (so a spec and its
 * data can move together). Every error names the spec file and the JSON path.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { formatSpecIssues, parseSpec, type AnalysisSpec } from '../../../shared/spec'
import { InputError, errorMessage } from '../io/errors'
import { parseJsonFile } from '../io/json-file'
import { SpecError } from './spec-error'

/** A problem with a spec file: the message starts with the file's path. */
export class SpecFileError extends Error {
  override readonly name = 'SpecFileError'
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options)
  }
}

/** The spec in `file`, validated, with absolute sample paths. Throws SpecFileError. */
export async function readSpecFile(file: string): Promise<AnalysisSpec> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new SpecFileError(file, `cannot read: ${errorMessage(e)}`, { cause: e })
  }
  let json: unknown
  try {
    json = parseJsonFile(text, file)
  } catch (e) {
    // In words and by position only: the file may be anything (never quote it).
    throw new SpecFileError(file, e instanceof InputError ? e.reason : 'not valid JSON')
  }
  const r = parseSpec(json)
  if (!r.ok) {
    const n = r.issues.length
    const head = n === 1 ? 'invalid spec: ' : `invalid spec (${n} problems):\n`
    throw new SpecFileError(file, head + formatSpecIssues(r.issues))
  }
  return resolvePaths(r.spec, dirname(file))
}

/** A copy of `spec` whose relative sample paths are taken relative to `dir`. */
export function resolvePaths(spec: AnalysisSpec, dir: string): AnalysisSpec {
  return {
    ...spec,
    samples: spec.samples.map((s) => ({ ...s, files: s.files.map((f) => resolve(dir, f)) })),
  }
}

/** Runs `fn` over a spec read from `file`, prefixing any SpecError with the file's path. */
export async function withSpecFile<T>(
  file: string,
  fn: (spec: AnalysisSpec) => Promise<T>,
): Promise<T> {
  const spec = await readSpecFile(file)
  try {
    return await fn(spec)
  } catch (e) {
    if (e instanceof SpecError) throw new SpecFileError(file, e.message, { cause: e })
    throw e
  }
}
