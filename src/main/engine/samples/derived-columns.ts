/**
 * The project's derived variables as the explorer and the weights see them: which variables
 * an expression reaches (directly or through other variables), and a key that changes with
 * a variable's definition (for statistics kept per sample). Their values are computed where
 * they are read (select/derived.ts derivedLayer); applied model outputs likewise.
 */
import { parse, referencedColumns } from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import type { ComputedVariable } from '../select/derived'

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
 * What the explorer computes rather than reads from a file: the project's derived variables
 * and the applied models' outputs (select/derived.ts ComputedVariable).
 */
export interface Definitions {
  readonly variables: readonly SpecVariable[]
  readonly computed: readonly ComputedVariable[]
}

/**
 * A key that changes whenever the values of `name` may change: its definition and those of the
 * variables and model outputs it reads, directly or through others — an expression, or a
 * model's identity (name, model id) and inputs (for caching statistics computed from it).
 */
export function derivedKey(name: string, defs: Definitions): string {
  const byName = new Map(defs.computed.map((c) => [c.name, c]))
  const variables = new Map(defs.variables.map((v) => [v.name, v]))
  const reached = new Set<string>()
  const visit = (n: string): void => {
    if (reached.has(n)) return
    const v = variables.get(n)
    const c = v ? undefined : byName.get(n)
    if (!v && !c) return
    reached.add(n)
    if (v) namesIn(v.expr).forEach(visit)
    else c?.inputs.forEach((input) => namesIn(input).forEach(visit))
  }
  visit(name)
  const used = [
    ...defs.variables.filter((v) => reached.has(v.name)).map((v) => [v.name, v.expr]),
    ...defs.computed
      .filter((c) => reached.has(c.name) && !variables.has(c.name))
      .map((c) => [c.name, { model: c.key ?? null, inputs: c.inputs }]),
  ]
  return `derived:${name}:${JSON.stringify(used)}`
}
