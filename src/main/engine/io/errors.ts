/**
 * The one error type every reader throws for bad input: a file that is missing, truncated, of
 * the wrong format, or whose content does not fit what was asked for. It names where the
 * problem is (file, and where it applies table, line, column, branch) so the CLI and the UI can
 * show it as is; anything else that escapes a reader is a bug, not bad input.
 */
export interface InputLocation {
  /** Path of the file as given by the caller. */
  readonly file: string
  /** Tree / dataset group / table inside the file. */
  readonly table?: string
  /** 1-based line of a text file (CSV). */
  readonly line?: number
  /** Column name (or 1-based column number when the header has none). */
  readonly column?: string
  /** ROOT branch. */
  readonly branch?: string
}

export class InputError extends Error implements InputLocation {
  readonly file: string
  readonly table?: string
  readonly line?: number
  readonly column?: string
  readonly branch?: string
  /** The message without the location prefix. */
  readonly reason: string

  constructor(where: InputLocation, reason: string, options?: { cause?: unknown }) {
    super(`${formatLocation(where)}: ${reason}`, options)
    this.name = 'InputError'
    this.file = where.file
    this.table = where.table
    this.line = where.line
    this.column = where.column
    this.branch = where.branch
    this.reason = reason
  }
}

/** "file.csv, line 12, column 'pt'" — the prefix of every InputError message. */
export function formatLocation(w: InputLocation): string {
  const parts = [w.file]
  if (w.table !== undefined) parts.push(`table '${w.table}'`)
  if (w.branch !== undefined) parts.push(`branch '${w.branch}'`)
  if (w.line !== undefined) parts.push(`line ${w.line}`)
  if (w.column !== undefined) parts.push(`column '${w.column}'`)
  return parts.join(', ')
}

/** The message of anything thrown, for wrapping library errors into an InputError. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * Runs `fn`, turning any error that is not already an InputError (library exceptions on broken
 * bytes, fs errors) into one at `where`, so the caller sees a single error type.
 */
export async function asInputError<T>(
  where: InputLocation,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof InputError) throw e
    if (isCancel(e)) throw e
    throw new InputError(where, `${what}: ${errorMessage(e)}`, { cause: e })
  }
}

function isCancel(e: unknown): boolean {
  return e instanceof Error && e.name === 'CancelledError'
}
