/**
 * Errors of the expression language. Every problem with an expression's text — a syntax error,
 * an unknown name, a wrong argument count, a jagged value where one number per event is needed,
 * jagged operands of different lengths at run time — is an `ExprError` carrying the 0-based
 * character range [position, end) of the offending text, so the editor can underline it.
 * Anything else escaping the parser, checker or compiler is a bug, not bad input.
 */
export class ExprError extends Error {
  override readonly name = 'ExprError'
  /** The message without position and hint, e.g. `expected ')'`. */
  readonly reason: string
  /** 0-based offset of the first offending character. */
  readonly position: number
  /** 0-based offset just past the offending text (≥ position). */
  readonly end: number
  /** Optional help, e.g. `did you mean 'Jet_pt'?`. */
  readonly hint?: string

  constructor(reason: string, position: number, end: number = position, hint?: string) {
    super(`${reason} at ${position}${hint ? ` (${hint})` : ''}`)
    this.reason = reason
    this.position = position
    this.end = Math.max(end, position)
    this.hint = hint
  }
}

/** Errors as values: what the parser and checker return instead of throwing. */
export type ExprResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ExprError }

export function ok<T>(value: T): ExprResult<T> {
  return { ok: true, value }
}

export function fail<T>(error: ExprError): ExprResult<T> {
  return { ok: false, error }
}

/** Runs `fn`, turning a thrown ExprError into a failed result; other errors propagate (bugs). */
export function attempt<T>(fn: () => T): ExprResult<T> {
  try {
    return ok(fn())
  } catch (e) {
    if (e instanceof ExprError) return fail(e)
    throw e
  }
}

/** Returns the value or throws the ExprError (for callers that prefer exceptions). */
export function unwrap<T>(r: ExprResult<T>): T {
  if (r.ok) return r.value
  throw r.error
}

/**
 * Two-line rendering for terminals: the source, then a caret line under [position, end).
 *
 *     Jet_ptt > 30
 *     ^^^^^^^
 */
export function formatExprError(source: string, error: ExprError): string {
  const width = Math.max(1, Math.min(error.end, source.length) - error.position)
  return `${error.message}\n  ${source}\n  ${' '.repeat(error.position)}${'^'.repeat(width)}`
}
