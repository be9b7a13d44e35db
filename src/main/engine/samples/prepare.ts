/**
 * A project's loaded sample made ready for the selection engine (select/cutflow.ts): derived
 * variables checked against its columns, and only the file columns the given expressions read
 * decoded (the table keeps them in memory, so the next cut-flow while a cut is edited is fast).
 */
import { checkExpr, requireScalar, type CheckedExpr, type SymbolTable } from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import type { PreparedSample, SampleRole } from '../select/cutflow'
import {
  baseColumns,
  checkVariables,
  derivedLayer,
  type CheckedVariables,
  type ComputedVariable,
} from '../select/derived'
import { columnProvider } from '../select/provider'
import type { LoadedSample } from './loaded-sample'

/** The file columns of a sample as the expression checker sees them. */
export function columnSymbols(sample: LoadedSample): SymbolTable {
  return new Map(sample.table.columns.map((c) => [c.name, { jagged: c.jagged }]))
}

/** Derived variables checked for one sample (throws SpecError for a cycle or a name clash). */
export function sampleVariables(
  sample: LoadedSample,
  variables: readonly SpecVariable[],
  computed: readonly ComputedVariable[] = [],
): CheckedVariables {
  return checkVariables(
    variables,
    columnSymbols(sample),
    `in sample '${sample.spec.name}'`,
    computed,
  )
}

/**
 * Checks `expr` against a sample's columns and derived variables; a cut must be one value per
 * event. Returns the checked expression or the ExprError (with its position).
 */
export function checkFor(variables: CheckedVariables, expr: string, cut: boolean) {
  const r = checkExpr(expr, variables.symbols)
  return r.ok && cut ? requireScalar(r.value, 'a cut') : r
}

/** Decodes what `exprs` read (through derived variables) and wraps the sample for selection. */
export async function prepareLoaded(
  sample: LoadedSample,
  variables: CheckedVariables,
  exprs: readonly CheckedExpr[],
): Promise<PreparedSample> {
  const names = new Set<string>()
  for (const e of exprs) for (const c of e.columns) names.add(c)
  const columns = baseColumns(names, variables.checked, variables.computed)
  const { table, spec } = sample
  const data = columnProvider(await table.load(columns), table.entries)
  return {
    name: spec.name,
    role: spec.role as SampleRole,
    group: spec.group || spec.name,
    data,
    derive: variables.checked.size || variables.computed.size ? derivedLayer(variables) : undefined,
    weights: await sample.weights(),
  }
}
