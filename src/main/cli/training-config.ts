/**
 * The part of a `hepwb train` config every kind shares: a JSON object whose "spec" names the
 * analysis spec, or whose "project" names a project file (either relative to the config), the
 * rest being the training config the window sends (checked by the caller's schema).
 */
import { dirname, resolve } from 'node:path'
import { InputError } from '../engine/io/errors'
import { parseJsonFile } from '../engine/io/json-file'
import { UsageError } from './action'

/** The config's own fields (`rest`) and the absolute path of the file its events come from. */
export function readConfigObject(
  file: string,
  text: string,
): { rest: Record<string, unknown>; source: string } {
  let raw: unknown
  try {
    raw = parseJsonFile(text, file)
  } catch (e) {
    // parseJsonFile's message names the file and position and never quotes the file.
    throw new UsageError(e instanceof InputError ? e.message : `${file}: ${(e as Error).message}`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(`${file}: a training config is a JSON object`)
  const { spec, project, ...rest } = raw as Record<string, unknown>
  if (spec !== undefined && project !== undefined)
    throw new UsageError(`${file}: give "spec" or "project", not both`)
  const source = spec ?? project
  if (typeof source !== 'string' || !source)
    throw new UsageError(
      `${file}: "spec" (the analysis spec file) or "project" (a project file) is required`,
    )
  return { rest, source: resolve(dirname(file), source) }
}
