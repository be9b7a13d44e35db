/**
 * Derived variables: named expressions (`ptlead = max(pt1, pt2)`) usable wherever a column is —
 * in cuts, weights, histograms and other derived variables. They are checked in dependency
 * order (each after the variables it reads, so its shape is known), never decoded from a file,
 * and computed only when something reads them, once per batch.
 */
import {
  checkExpr,
  parse,
  requireScalar,
  referencedColumns,
  type CheckedExpr,
  type SymbolInfo,
  type SymbolTable,
} from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import type { Column } from '../../../shared/column'
import { compile, type CompiledExpr } from './compile'
import type { ColumnProvider } from './provider'
import { SpecError, atPath, exprSpecError } from './spec-error'

/** A variable with its position in the spec (`variables[index]`) for messages. */
interface Indexed {
  readonly variable: SpecVariable
  readonly index: number
}

/**
 * The variables ordered so that each comes after every variable its expression names. Throws
 * SpecError for a syntax error or a cycle (`a → b → a`), at the first variable on the cycle.
 */
export function dependencyOrder(variables: readonly SpecVariable[]): SpecVariable[] {
  const byName = new Map(variables.map((v, index) => [v.name, { variable: v, index }]))
  const deps = new Map<string, string[]>()
  variables.forEach((v, i) => {
    const path = ['variables', i, 'expr']
    const ast = atPath(path, v.expr, '', () => {
      const r = parse(v.expr)
      if (!r.ok) throw r.error
      return r.value
    })
    deps.set(
      v.name,
      referencedColumns(ast).filter((n) => byName.has(n)),
    )
  })
  const order: SpecVariable[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (v: Indexed, stack: string[]): void => {
    const s = state.get(v.variable.name)
    if (s === 'done') return
    if (s === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(v.variable.name)), v.variable.name]
      throw new SpecError(
        ['variables', v.index, 'expr'],
        `derived variables depend on each other: ${cycle.join(' → ')}`,
      )
    }
    state.set(v.variable.name, 'visiting')
    for (const d of deps.get(v.variable.name) ?? []) {
      const dep = byName.get(d)
      if (dep) visit(dep, [...stack, v.variable.name])
    }
    state.set(v.variable.name, 'done')
    order.push(v.variable)
  }
  variables.forEach((variable, index) => visit({ variable, index }, []))
  return order
}

/**
 * A variable computed by code rather than an expression: a trained model's output applied to
 * the project. Its inputs are expressions (columns, derived variables); `compute` maps their
 * values (one array per input, n events) to one value per event.
 */
export interface ComputedVariable {
  readonly name: string
  readonly inputs: readonly string[]
  /**
   * What identifies the computation behind the name (an applied model's id), so values cached
   * for one model are not served after another is applied under the same name.
   */
  readonly key?: string
  compute(inputs: readonly Float64Array[], n: number): Float64Array
}

/** A computed variable whose inputs were checked against a sample. */
export interface CheckedComputed {
  readonly variable: ComputedVariable
  readonly inputs: readonly CheckedExpr[]
  /** The file columns and derived variables its inputs read. */
  readonly columns: readonly string[]
}

/** Derived variables checked against one sample's columns. */
export interface CheckedVariables {
  /** The sample's columns and the derived variables: what cuts and weights are checked against. */
  readonly symbols: SymbolTable
  /** Each derived variable's checked expression, in dependency order. */
  readonly checked: ReadonlyMap<string, CheckedExpr>
  /**
   * Variables this sample cannot compute (a column they read is missing here), with why. They
   * are an error only where an expression of this sample uses them: a variable of simulated
   * samples may read columns that collision data lack.
   */
  readonly failed: ReadonlyMap<string, SpecError>
  /** Computed variables (applied models) whose inputs this sample has. */
  readonly computed: ReadonlyMap<string, CheckedComputed>
}

/**
 * Checks every derived variable against `columns` (a sample's file columns) in dependency
 * order. A variable may not take a column's name (which one would `pt1` mean?): SpecError.
 * `context` names the sample in messages.
 */
export function checkVariables(
  variables: readonly SpecVariable[],
  columns: SymbolTable,
  context: string,
  computedVariables: readonly ComputedVariable[] = [],
): CheckedVariables {
  const symbols = new Map<string, SymbolInfo>(columns)
  const checked = new Map<string, CheckedExpr>()
  const failed = new Map<string, SpecError>()
  const computed = new Map<string, CheckedComputed>()
  // Computed outputs are one value per event; expressions may read them like columns.
  for (const c of computedVariables)
    if (!columns.has(c.name)) symbols.set(c.name, { jagged: false })
  const index = new Map(variables.map((v, i) => [v, i]))
  for (const v of dependencyOrder(variables)) {
    const i = index.get(v) ?? -1
    if (columns.has(v.name)) {
      throw new SpecError(
        ['variables', i, 'name'],
        `${context}: '${v.name}' is already a column of this sample; give the variable another name`,
      )
    }
    const r = checkExpr(v.expr, symbols)
    if (!r.ok) {
      const dep = [...failed.keys()].find((n) => r.error.reason === `unknown variable '${n}'`)
      const error = dep
        ? (failed.get(dep) as SpecError)
        : exprSpecError(['variables', i, 'expr'], v.expr, context, r.error)
      failed.set(v.name, error)
      continue
    }
    checked.set(v.name, r.value)
    symbols.set(v.name, { jagged: r.value.shape === 'jagged' })
  }
  for (const c of computedVariables) {
    if (columns.has(c.name)) continue
    const inputs: CheckedExpr[] = []
    for (const [k, input] of c.inputs.entries()) {
      const r = checkExpr(input, symbols)
      const s = r.ok ? requireScalar(r.value, 'a model input') : r
      if (!s.ok || s.value.columns.includes(c.name)) {
        const why = s.ok ? `it reads '${c.name}' itself` : s.error.message
        failed.set(
          c.name,
          new SpecError([], `${context}: input ${k + 1} of '${c.name}' (${input}): ${why}`),
        )
        symbols.delete(c.name)
        break
      }
      inputs.push(s.value)
    }
    if (inputs.length === c.inputs.length)
      computed.set(c.name, {
        variable: c,
        inputs,
        columns: [...new Set(inputs.flatMap((e) => e.columns))],
      })
  }
  return { symbols, checked, failed, computed }
}

/**
 * The file columns behind `names` (columns or derived variables): derived variables are
 * replaced by the columns their expressions read, recursively. Each once, first use first.
 */
export function baseColumns(
  names: Iterable<string>,
  derived: ReadonlyMap<string, CheckedExpr>,
  computed: ReadonlyMap<string, CheckedComputed> = new Map(),
): string[] {
  const out = new Set<string>()
  const seen = new Set<string>()
  const visit = (n: string): void => {
    if (seen.has(n)) return
    seen.add(n)
    const d = derived.get(n) ?? computed.get(n)
    if (d) d.columns.forEach(visit)
    else out.add(n)
  }
  for (const n of names) visit(n)
  return [...out]
}

/**
 * A function giving, for each batch of events, that batch plus the derived variables as
 * columns: each computed from its expression the first time it is asked for in the batch and
 * kept for the rest of it. The expressions are compiled once, on the first batch, and their
 * buffers reused for the next ones. A derived column may share arrays with base columns; like
 * every column here it is read-only.
 */
export function derivedLayer(
  variables: CheckedVariables,
): (batch: ColumnProvider) => ColumnProvider {
  const compiled = new Map<string, CompiledExpr>()
  return (base) => {
    const values = new Map<string, Column>()
    const busy = new Set<string>()
    const computedColumn = (name: string, c: CheckedComputed): Column => {
      let col = values.get(name)
      if (col) return col
      if (busy.has(name)) throw new SpecError([], `'${name}' depends on itself through its inputs`)
      busy.add(name)
      try {
        const inputs = c.inputs.map((e) => {
          let expr = compiled.get(`${name}\u0000${e.source}`)
          if (!expr) {
            expr = compile(e, provider)
            compiled.set(`${name}\u0000${e.source}`, expr)
          }
          return Float64Array.from(expr.evaluate(provider).values)
        })
        col = { kind: 'flat', type: 'float64', values: c.variable.compute(inputs, base.entries) }
      } finally {
        busy.delete(name)
      }
      values.set(name, col)
      return col
    }
    const provider: ColumnProvider = {
      entries: base.entries,
      symbols: variables.symbols,
      column(name) {
        const checked = variables.checked.get(name)
        if (!checked) {
          const c = variables.computed.get(name)
          return c ? computedColumn(name, c) : base.column(name)
        }
        let c = values.get(name)
        if (!c) {
          let expr = compiled.get(name)
          if (!expr) {
            expr = compile(checked, provider)
            compiled.set(name, expr)
          }
          c = expr.evaluate(provider)
          values.set(name, c)
        }
        return c
      },
    }
    return provider
  }
}

/** `base` plus the derived variables as columns (one batch; see derivedLayer). */
export function withDerived(base: ColumnProvider, variables: CheckedVariables): ColumnProvider {
  return derivedLayer(variables)(base)
}
