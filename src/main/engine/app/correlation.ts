/**
 * The weighted correlation matrix of variables in one sample (data/correlation.ts: complete
 * cases, constant variables null and listed, diagonal exactly 1): map — one partition's
 * correlation sums (Σw, weighted means, co-moments, extremes); merge — Chan's formula for
 * co-moments; finish — the matrix. One partition is the whole-sample computation, bit for bit.
 */
import {
  correlationPart,
  finishCorrelation,
  mergeCorrelation,
  type CorrelationPart,
} from '../data/correlation'
import { silentContext, type JobContext } from '../jobs/context'
import { selectedValues } from '../select/hist'
import type { NumericArray } from '../../../shared/column'
import type { CheckedExpr } from '../../../shared/expr'
import { valueOnly } from './checked-samples'
import { definePartitionTask, mapSample } from './partition-task'
import {
  checkValue,
  type OpenedSample,
  fileColumns,
  openByName,
  preparePartition,
  valueText,
  type EventSource,
  type ValueOf,
} from './source'

export interface CorrelationRequest {
  /** The sample's name. */
  readonly sample: string
  /** The variables: expressions or columns by name. */
  readonly values: readonly ValueOf[]
}

export interface CorrelationRun {
  readonly sample: string
  /** The variables correlated (one value per event), in request order. */
  readonly variables: string[]
  /** Weighted Pearson coefficients, variables.length², null where undefined. */
  readonly matrix: (number | null)[][]
  /** Variables left out: a list per event (the matrix needs one value per event). */
  readonly skipped: string[]
  /** Of `variables`, those with one value in every event used. */
  readonly constant: string[]
  /** Events used: every variable and the weight are numbers. */
  readonly events: number
}

interface CorrelationTaskRequest {
  readonly values: readonly ValueOf[]
}

interface CorrelationPrep {
  /** The values with one value per event (lists are left out of the matrix). */
  readonly flat: readonly { text: string; expr: CheckedExpr }[]
  readonly skipped: readonly string[]
  readonly columns: readonly string[]
}

function correlationPrep(sample: OpenedSample, request: CorrelationTaskRequest): CorrelationPrep {
  const checked = request.values.map((v) => ({ text: valueText(v), expr: checkValue(sample, v) }))
  const flat = checked.filter((c) => c.expr.shape === 'scalar')
  return {
    flat,
    skipped: checked.filter((c) => c.expr.shape !== 'scalar').map((c) => c.text),
    columns: fileColumns(
      sample,
      flat.map((c) => c.expr),
    ),
  }
}

/** One partition's correlation sums (data/correlation.ts). */
export const correlationTask = definePartitionTask<
  CorrelationTaskRequest,
  CorrelationPrep,
  CorrelationPart
>({
  kind: 'correlation',
  prepare: (sample, _source, request) => correlationPrep(sample, request),
  async map(sample, prep, p, c) {
    const prepared = preparePartition(sample, await sample.read(p, prep.columns, c))
    const n = prepared.data.entries
    const values: NumericArray[] = prep.flat.map(
      (f) => selectedValues(prepared, f.expr, null).values.values,
    )
    const w = prepared.weights
    return correlationPart(values, typeof w === 'number' ? new Float64Array(n).fill(w) : w)
  },
})

/**
 * The weighted correlation of `values` over the events of one sample. Throws the source's
 * SpecError for an unknown sample or variable.
 */
export async function runCorrelation(
  source: EventSource,
  request: CorrelationRequest,
  ctx: JobContext = silentContext(),
): Promise<CorrelationRun> {
  const sample = await openByName(source, request.sample, ctx)
  try {
    const task: CorrelationTaskRequest = { values: request.values.map(valueOnly) }
    const prep = correlationPrep(sample, task)
    const { flat } = prep
    const merged = await mapSample(
      source,
      sample,
      correlationTask,
      task,
      prep,
      mergeCorrelation,
      ctx,
    )
    const { matrix, constant, events } = finishCorrelation(
      merged ??
        correlationPart(
          flat.map(() => new Float64Array(0)),
          new Float64Array(0),
        ),
    )
    const variables = flat.map((f) => f.text)
    return {
      sample: request.sample,
      variables,
      matrix,
      skipped: [...prep.skipped],
      constant: variables.filter((_, a) => constant[a]),
      events,
    }
  } finally {
    sample.release()
  }
}
