/**
 * Per-event weights of a sample: the weight expression (a column, a product of columns, a
 * derived variable of the project, any scalar expression of the expression language) evaluated
 * over the chain, times the normalisation factor. Weights are float64 (DESIGN.md §4: weights
 * float64 when summed).
 */
import { checkScalar, type CheckedExpr, type SymbolTable } from '../../../shared/expr'
import type { Column } from '../../../shared/column'
import type { Normalisation } from '../../../shared/contract/data'
import type { SpecVariable } from '../../../shared/spec'
import type { EventTable } from '../data/event-table'
import type { JobContext } from '../jobs/context'
import { compile } from '../select/compile'
import { baseColumns, checkVariables, withDerived, type CheckedVariables } from '../select/derived'
import { columnProvider } from '../select/provider'
import { SpecError } from '../select/spec-error'
import { variablesReadByExpr } from './derived-columns'

/** A bad weight expression; the message names the expression, the file and the table. */
export class WeightError extends Error {
  override name = 'WeightError'
}

/** Symbols (column → jagged?) of an event table, for the expression checker. */
export function tableSymbols(table: EventTable): SymbolTable {
  return new Map(table.columns.map((c) => [c.name, { jagged: c.jagged }]))
}

/** A checked weight expression with the derived variables it reads (null: it reads none). */
export interface CheckedWeight {
  readonly expr: CheckedExpr
  readonly variables: CheckedVariables | null
}

/**
 * Checks a weight expression against a table's columns and the project's derived `variables`:
 * every name must be a column present in every file or a derived variable this table can
 * compute, and the result one value per event. '' means unit weights (returns null).
 */
export function checkWeight(
  weight: string,
  table: EventTable,
  where: { file: string; table: string },
  variables: readonly SpecVariable[] = [],
): CheckedWeight | null {
  if (weight.trim() === '') return null
  const fail = (why: string) =>
    new WeightError(`weight '${weight}' in ${where.file}, table '${where.table}': ${why}`)
  const used = variablesReadByExpr(weight, variables)
  let derived: CheckedVariables | null = null
  if (used.length) {
    try {
      derived = checkVariables(used, tableSymbols(table), `derived variable`)
    } catch (e) {
      if (e instanceof SpecError) throw fail(e.reason)
      throw e
    }
    // A variable the weight reads that cannot be computed here: its own error says why.
    const bad = used.find((v) => derived?.failed.has(v.name))
    if (bad) throw fail(`derived variable '${bad.name}': ${derived.failed.get(bad.name)?.reason}`)
  }
  const r = checkScalar(weight, derived?.symbols ?? tableSymbols(table), 'a weight')
  if (r.ok) return { expr: r.value, variables: derived }
  const missing = table.skipped.find((s) => r.error.reason.includes(`'${s.name}'`))
  throw fail(missing ? `${r.error.message}; '${missing.name}' ${missing.reason}` : r.error.message)
}

/**
 * The raw per-event weights (before normalisation), length = table.entries; null for unit
 * weights. Only the file columns the expression reads (through derived variables) are decoded.
 */
export async function rawWeights(
  checked: CheckedWeight | null,
  table: EventTable,
  ctx?: JobContext,
): Promise<Float64Array | null> {
  if (!checked) return null
  return weightsOf(checked, await table.load(weightColumns(checked), ctx), table.entries)
}

/** The file columns a weight expression reads (through derived variables). */
export function weightColumns(checked: CheckedWeight): string[] {
  const { expr, variables } = checked
  return variables ? baseColumns(expr.columns, variables.checked) : [...expr.columns]
}

/**
 * The values of the weight's column when the weight is one flat float64 file column `entries`
 * long (the usual ntuple weight, not a derived variable): that column's array as it was read,
 * not a copy — a pass only reads its weights. Null otherwise (weightsOf computes them).
 * `column`: the columns read, by name.
 */
export function bareWeight(
  expr: CheckedExpr,
  isDerived: (name: string) => boolean,
  column: (name: string) => Column | undefined,
  entries: number,
): Float64Array | null {
  if (expr.ast.type !== 'name' || isDerived(expr.ast.name)) return null
  const c = column(expr.ast.name)
  return c?.kind === 'flat' && c.values instanceof Float64Array && c.values.length === entries
    ? c.values
    : null
}

/** Raw weights of `entries` events whose weightColumns are `cols` (any range of the table). */
export function weightsOf(
  checked: CheckedWeight,
  cols: ReadonlyMap<string, Column>,
  entries: number,
  /** Where to write them (`entries` long); default a new array. */
  out?: Float64Array,
): Float64Array {
  const base = columnProvider(cols, entries)
  const provider = checked.variables ? withDerived(base, checked.variables) : base
  const result = compile(checked.expr, provider).evaluate(provider)
  // Copied: the result may share an input column's array, and float64 is what sums need. The
  // constructor copies a typed array with memcpy (Float64Array.from iterates: ~10× slower).
  if (!out) return new Float64Array(result.values)
  out.set(result.values)
  return out
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
