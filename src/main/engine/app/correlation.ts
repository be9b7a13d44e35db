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
import { mapMerge } from './executor'
import {
  checkValue,
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
    const checked = request.values.map((v) => ({ text: valueText(v), expr: checkValue(sample, v) }))
    const flat = checked.filter((c) => c.expr.shape === 'scalar')
    const columns = fileColumns(
      sample,
      flat.map((c) => c.expr),
    )
    const merged = await mapMerge<CorrelationPart>(
      await sample.partitions(),
      {
        map: async (p, c) => {
          const prepared = preparePartition(sample, await sample.read(p, columns, c))
          const n = prepared.data.entries
          const values: NumericArray[] = flat.map(
            (f) => selectedValues(prepared, f.expr, null).values.values,
          )
          const w = prepared.weights
          return correlationPart(values, typeof w === 'number' ? new Float64Array(n).fill(w) : w)
        },
        merge: mergeCorrelation,
      },
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
      skipped: checked.filter((c) => c.expr.shape !== 'scalar').map((c) => c.text),
      constant: variables.filter((_, a) => constant[a]),
      events,
    }
  } finally {
    sample.release()
  }
}
