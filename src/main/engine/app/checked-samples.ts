/**
 * Opening the samples a pass over one expression reads, each checked before any is read: the
 * expression and the cuts against the sample's columns and variables, and the file columns
 * they need listed. A typo fails in a second, not after reading.
 */
import { ExprError, type CheckedExpr } from '../../../shared/expr'
import type { JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import type { ResolvedCut } from '../select/regions'
import { SpecError } from '../select/spec-error'
import {
  checkValue,
  fileColumns,
  type EventSource,
  type OpenedSample,
  type ValueOf,
} from './source'

export interface CheckedSample {
  readonly sample: OpenedSample
  /** The expression checked for this sample (lists allowed). */
  readonly values: CheckedExpr
  /** File columns the expression, the cuts and derived variables read. */
  readonly columns: readonly string[]
}

/**
 * Opens samples `which` (positions in source.samples()) and checks `value` (an expression, or a
 * column by name) and `cuts` for each.
 * The expression is not part of the source: messages show it with a caret instead of a path.
 * `skipUnusable`: a sample they do not compile for is left out instead of failing.
 */
export async function openChecked(
  source: EventSource,
  which: readonly { index: number }[],
  value: string | ValueOf,
  cuts: readonly ResolvedCut[],
  skipUnusable: boolean | undefined,
  ctx: JobContext,
): Promise<CheckedSample[]> {
  const out: CheckedSample[] = []
  for (const { index } of which) {
    try {
      const sample = await source.open(index, ctx)
      const values = checkValue(sample, typeof value === 'string' ? { expr: value } : value)
      const cutExprs = cuts.map((c) => sample.check(c.expr, c.path, 'a cut'))
      out.push({ sample, values, columns: fileColumns(sample, [values, ...cutExprs]) })
    } catch (e) {
      if (!skipUnusable || !(e instanceof ExprError || e instanceof SpecError)) throw e
    }
  }
  return out
}

/** A pass over a value under cuts, as a partition task sends it (plain data). */
export interface SelectionRequest {
  readonly value: ValueOf
  readonly cuts: readonly ResolvedCut[]
}

/** What every partition of a sample needs for a SelectionRequest. */
export interface SelectionPrep {
  readonly values: CheckedExpr
  readonly cuts: readonly ResolvedCut[]
  readonly columns: readonly string[]
  readonly compiler: CutCompiler
}

/** The request checked for one sample (the same checks as openChecked). */
export function selectionPrep(sample: OpenedSample, request: SelectionRequest): SelectionPrep {
  const values = checkValue(sample, request.value)
  const cutExprs = request.cuts.map((c) => sample.check(c.expr, c.path, 'a cut'))
  return {
    values,
    cuts: request.cuts,
    columns: fileColumns(sample, [values, ...cutExprs]),
    compiler: new CutCompiler(),
  }
}

/** The ValueOf of a request that is one (an expression or a column), without its options. */
export function valueOnly(v: ValueOf): ValueOf {
  return 'column' in v ? { column: v.column } : { expr: v.expr }
}
