/**
 * Writes to a path the user chose never replace a file silently (issue 17, item 9): the engine
 * refuses an existing file with the error code 'exists' unless the request says `overwrite`;
 * here the window asks "X exists. Replace it?" and, on yes, sends the request again with it.
 * A path from a native save dialog was already confirmed there (`confirmed`).
 */
import { ApiError } from './client'

/**
 * The browser's blocking confirm dialog, declared here because this module is also compiled
 * with the unit tests, which have no DOM library.
 */
declare const confirm: (message: string) => boolean

/** Asks the user whether `path` may be replaced (a blocking confirm; e2e tests answer it). */
export function askReplace(path: string): boolean {
  return confirm(`${path} exists. Replace it?`)
}

/**
 * Runs `write(overwrite)`: first without overwrite (unless `confirmed`); when the engine says
 * the file exists, asks and, on yes, runs it again with overwrite. Resolves with the write's
 * result, or null when the user kept the existing file. Other errors are thrown as they came.
 */
export async function writeAsking<T>(
  write: (overwrite: boolean) => Promise<T>,
  confirmed = false,
  ask: (path: string) => boolean = askReplace,
): Promise<T | null> {
  try {
    return await write(confirmed)
  } catch (e) {
    if (!(e instanceof ApiError) || e.info.code !== 'exists') throw e
    if (!ask(e.info.path ?? 'The file')) return null
    return write(true)
  }
}
