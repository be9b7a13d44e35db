/**
 * A problem with an analysis spec found while running it (an expression naming a column the
 * sample lacks, a cycle of derived variables, an unreadable file): says where in the spec, as a
 * JSON path (`regions[1].cuts[0].expr`), and for expressions the position in the text with a
 * caret line, so the CLI and the UI can show it as is.
 */
import { ExprError, formatExprError } from '../../../shared/expr'
import { formatSpecPath } from '../../../shared/spec'

export class SpecError extends Error {
  override readonly name = 'SpecError'
  /** JSON path in the spec. */
  readonly path: readonly (string | number)[]
  /** The message without the path. */
  readonly reason: string

  constructor(path: readonly (string | number)[], reason: string, options?: { cause?: unknown }) {
    super(path.length ? `${formatSpecPath(path)}: ${reason}` : reason, options)
    this.path = path
    this.reason = reason
  }
}

/**
 * Runs `fn`; an ExprError becomes a SpecError at `path` with the caret rendering of `source`,
 * `context` (e.g. "in sample 'Zmumu'") added after the path.
 */
export function atPath<T>(
  path: readonly (string | number)[],
  source: string,
  context: string,
  fn: () => T,
): T {
  try {
    return fn()
  } catch (e) {
    if (!(e instanceof ExprError)) throw e
    throw exprSpecError(path, source, context, e)
  }
}

/** The SpecError for ExprError `e` in expression `source` at `path` (see atPath). */
export function exprSpecError(
  path: readonly (string | number)[],
  source: string,
  context: string,
  e: ExprError,
): SpecError {
  const where = context ? `${context}: ` : ''
  return new SpecError(path, where + formatExprError(source, e), { cause: e })
}
