/**
 * Compiling cuts once per cut-flow rather than once per sample, region or batch: compiled cuts
 * keep their intermediate buffers, so every sample after the first reuses them.
 */
import { requiredColumns, unwrap } from '../../../shared/expr'
import { compileMask, type CompiledMask } from './mask'
import type { ColumnProvider } from './provider'
import type { ResolvedCut } from './regions'
import { atPath } from './spec-error'

/**
 * Compiled cuts shared by the samples of one cut-flow, so the second sample reuses the first
 * one's buffers. Keyed by the expression and the shapes of the columns it reads (a column may
 * be flat in one sample and jagged in another).
 */
export class CutCompiler {
  private readonly cache = new Map<string, CompiledMask>()
  /** Columns each expression names (parsing once, not once per batch). */
  private readonly names = new Map<string, readonly string[]>()

  get(cut: ResolvedCut, data: ColumnProvider, context: string): CompiledMask {
    return atPath(cut.path, cut.expr, context, () => {
      let names = this.names.get(cut.expr)
      if (!names) {
        names = unwrap(requiredColumns(cut.expr))
        this.names.set(cut.expr, names)
      }
      const key = `${cut.expr}\0${names.map((n) => (data.symbols.get(n)?.jagged ? 'j' : 'f')).join('')}`
      let m = this.cache.get(key)
      if (!m) {
        m = compileMask(cut.expr, data)
        this.cache.set(key, m)
      }
      return m
    })
  }
}
