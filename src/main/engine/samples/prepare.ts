/**
 * A project's loaded sample as the expression checker sees it: its file columns, and the
 * derived variables checked against them (passes read its events through the project source,
 * services/project-source.ts).
 */
import { checkExpr, requireScalar, type SymbolTable } from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import { checkVariables, type CheckedVariables, type ComputedVariable } from '../select/derived'
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
