/**
 * Per-event weights of a sample: the weight expression (a column, a product of columns, any
 * scalar expression of the expression language) evaluated over the chain, times the
 * normalisation factor. Weights are float64 (DESIGN.md §4: weights float64 when summed).
 */
import { checkScalar, type CheckedExpr, type SymbolTable } from '../../../shared/expr'
import type { Normalisation } from '../../../shared/contract/data'
import type { EventTable } from '../data/event-table'
import type { JobContext } from '../jobs/context'
import { compile } from '../select/compile'
import { columnProvider } from '../select/provider'

/** A bad weight expression; the message names the expression, the file and the table. */
export class WeightError extends Error {
  override name = 'WeightError'
}

/** Symbols (column → jagged?) of an event table, for the expression checker. */
export function tableSymbols(table: EventTable): SymbolTable {
  return new Map(table.columns.map((c) => [c.name, { jagged: c.jagged }]))
}

/**
 * Checks a weight expression against a table's columns: every name must be a column present in
 * every file, and the result one value per event. '' means unit weights (returns null).
 */
export function checkWeight(
  weight: string,
  table: EventTable,
  where: { file: string; table: string },
): CheckedExpr | null {
  if (weight.trim() === '') return null
  const r = checkScalar(weight, tableSymbols(table), 'a weight')
  if (r.ok) return r.value
  const missing = table.skipped.find((s) => r.error.reason.includes(`'${s.name}'`))
  const why = missing ? `${r.error.message}; '${missing.name}' ${missing.reason}` : r.error.message
  throw new WeightError(`weight '${weight}' in ${where.file}, table '${where.table}': ${why}`)
}

/**
 * The raw per-event weights (before normalisation), length = table.entries; null for unit
 * weights. Only the columns the expression names are decoded.
 */
export async function rawWeights(
  checked: CheckedExpr | null,
  table: EventTable,
  ctx?: JobContext,
): Promise<Float64Array | null> {
  if (!checked) return null
  const cols = await table.load(checked.columns, ctx)
  const provider = columnProvider(cols, table.entries)
  const result = compile(checked, provider).evaluate()
  // Copied: the result may share an input column's array, and float64 is what sums need.
  return Float64Array.from(result.values)
}

/** Σ of the non-NaN weights (entries when unweighted). */
export function sumWeights(weights: Float64Array | null, entries: number): number {
  if (!weights) return entries
  let s = 0
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]
    if (w === w) s += w
  }
  return s
}

/**
 * The factor applied to every weight: 1 (none), the plain factor, or
 * σ [pb] × L [pb⁻¹] / Σ generator weights (given, else `rawSum`, the sample's own Σ weights).
 */
export function normalisationScale(n: Normalisation, rawSum: number): number {
  switch (n.kind) {
    case 'none':
      return 1
    case 'scale':
      return n.factor
    case 'xsec': {
      const denominator = n.sumGenWeights ?? rawSum
      if (!(denominator !== 0 && Number.isFinite(denominator)))
        throw new WeightError(
          `cannot normalise to a cross-section: the sum of generator weights is ${denominator}`,
        )
      return (n.crossSection * n.luminosity) / denominator
    }
  }
}

/** Final per-event weights: raw × scale (a constant array when unweighted). */
export function scaledWeights(
  raw: Float64Array | null,
  scale: number,
  entries: number,
): Float64Array {
  if (!raw) return new Float64Array(entries).fill(scale)
  const out = new Float64Array(raw.length)
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] * scale
  return out
}
