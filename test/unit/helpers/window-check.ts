/**
 * A cut checked as the window checks it: src/shared/expr (stores/cut-edits.ts checkCut)
 * against the engine's symbol table (cuts.symbols). For service tests that need to know whether
 * a name (a derived variable, an applied model's output) is one cuts may read.
 */
import { checkCut, editorSymbols, type CutCheck } from '../../../src/renderer/src/stores/cut-edits'
import type { inProcessEngine } from './engine'

/** `expr` as a cut, checked against the table `engine` answers to cuts.symbols now. */
export async function windowCheck(
  engine: Pick<ReturnType<typeof inProcessEngine>, 'call'>,
  expr: string,
): Promise<CutCheck> {
  return checkCut(expr, editorSymbols(await engine.call('cuts.symbols', {})))
}
