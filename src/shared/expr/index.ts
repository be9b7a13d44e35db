/**
 * The expression language of cuts, weights and derived variables (docs/expressions.md):
 * lexer → parser → checker here (pure, also runs in the browser editor); the vectorised
 * compiler lives in the engine (src/main/engine/select).
 */
import { referencedColumns } from './ast'
import type { ExprResult } from './errors'
import { parse } from './parser'

export * from './ast'
export * from './errors'
export { tokenize, type Token, type TokenKind } from './lexer'
export { parse, MAX_DEPTH } from './parser'
export * from './functions'
export * from './checker'
export { closest } from './suggest'
export * from './threshold'

/**
 * Columns an expression reads, each once, in order of first appearance — known from the text
 * alone, so a reader can decode just these before the full check.
 */
export function requiredColumns(source: string): ExprResult<string[]> {
  const r = parse(source)
  return r.ok ? { ok: true, value: referencedColumns(r.value) } : r
}
