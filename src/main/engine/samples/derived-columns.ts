/**
 * The project's derived variables as columns of a loaded sample, so the explorer, the weights
 * and everything else that reads "a column" can read them too: which variables an expression
 * reaches (directly or through other variables), and a variable's values over the whole sample,
 * computed from the file columns it reads (nothing is stored; the file columns stay cached).
 */
import { parse, referencedColumns } from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import type { Column } from '../data/column'
import type { EventTable } from '../data/event-table'
import type { JobContext } from '../jobs/context'
import { baseColumns, withDerived, type CheckedVariables } from '../select/derived'
import { columnProvider } from '../select/provider'

/** The names an expression reads ([] when it does not parse: the checker reports that). */
function namesIn(expr: string): string[] {
  const r = parse(expr)
  return r.ok ? referencedColumns(r.value) : []
}

/**
 * The derived variables that `names` reach, directly or through other variables, in the
 * project's order. Variables nothing reads are left out, so a problem in one of them (a column
 * this sample lacks) cannot touch an expression that does not use it.
 */
export function variablesReadBy(
  names: Iterable<string>,
  variables: readonly SpecVariable[],
): SpecVariable[] {
  const byName = new Map(variables.map((v) => [v.name, v]))
  const reached = new Set<string>()
  const visit = (n: string): void => {
    const v = byName.get(n)
    if (!v || reached.has(n)) return
    reached.add(n)
    namesIn(v.expr).forEach(visit)
  }
  for (const n of names) visit(n)
  return variables.filter((v) => reached.has(v.name))
}

/** The derived variables an expression reaches (see variablesReadBy). */
export function variablesReadByExpr(
  expr: string,
  variables: readonly SpecVariable[],
): SpecVariable[] {
  return variablesReadBy(namesIn(expr), variables)
}

/**
 * A key that changes whenever the values of `name` may change: its expression and those of the
 * variables it reads (for caching statistics computed from it).
 */
export function derivedKey(name: string, variables: readonly SpecVariable[]): string {
  const used = variablesReadBy([name], variables).map((v) => [v.name, v.expr])
  return `derived:${name}:${JSON.stringify(used)}`
}

/**
 * The values of derived variable `name` (checked in `variables`) over every event of `table`:
 * flat (one per event) or jagged (a list per event). Decodes only the file columns it reads.
 */
export async function derivedColumn(
  table: EventTable,
  variables: CheckedVariables,
  name: string,
  ctx?: JobContext,
): Promise<Column> {
  if (!variables.checked.has(name)) {
    const why = variables.failed.get(name)
    throw new Error(why ? why.reason : `'${name}' is not a derived variable of this sample`)
  }
  const columns = baseColumns([name], variables.checked)
  const data = columnProvider(await table.load(columns, ctx), table.entries)
  return withDerived(data, variables).column(name)
}
