/**
 * The Fit build form's check of a channel's observable, made in the window as the cut editor
 * checks cuts: src/shared/expr against the project's symbol table (cuts.symbols). An observable
 * is binned once per event, so it must be one value per event — what the engine's build
 * requires of it ('the observable'), in the same words. Plain TypeScript (no Vue, no api/), so a
 * test compares it with the engine's own answer.
 */
import { checkCut, type EditorSymbols } from './cut-edits'

/**
 * The problem with `expr` as an observable (the checker's message with its position), or null
 * when it reads fine or is still empty. Without a symbol table yet only the syntax is checked.
 */
export function observableProblem(expr: string, symbols: EditorSymbols | null): string | null {
  if (!expr.trim()) return null
  const r = checkCut(expr, symbols, 'the observable')
  return r.ok ? null : r.message
}
