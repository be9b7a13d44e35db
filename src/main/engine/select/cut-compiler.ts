/**
 * Compiling cuts once per cut-flow rather than once per sample, region or batch: compiled cuts
 * keep their intermediate buffers, so every sample after the first reuses them.
 */
import { requiredColumns, unwrap, type SymbolTable } from '../../../shared/expr'
import type { FusedKernel } from './fused-pass'
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
  /** Fused kernels (fused-sample.ts) per symbol table and request; null: not applicable. */
  private readonly kernels = new WeakMap<SymbolTable, Map<string, FusedKernel | null>>()

  /** The fused kernel for `key` over `symbols`, built once by `build`. */
  fused(symbols: SymbolTable, key: string, build: () => FusedKernel | null): FusedKernel | null {
    let bySymbols = this.kernels.get(symbols)
    if (!bySymbols) this.kernels.set(symbols, (bySymbols = new Map()))
    let k = bySymbols.get(key)
    if (k === undefined) bySymbols.set(key, (k = build()))
    return k
  }

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
