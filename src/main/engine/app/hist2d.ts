/**
 * The weighted 2-D histogram of two variables (one value per event each) in one sample: map —
 * one partition's Σw per cell and Σw inside / outside the ranges (data/hist2d.ts); merge — they
 * add.
 */
import { fillHist2D, type Hist2D } from '../data/hist2d'
import { silentContext, type JobContext } from '../jobs/context'
import type { Binning } from '../select/hist'
import { selectedValues } from '../select/hist'
import { SpecError } from '../select/spec-error'
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

export interface Hist2DRequest {
  /** The sample's name. */
  readonly sample: string
  readonly x: ValueOf
  readonly y: ValueOf
  readonly xbins: Binning
  readonly ybins: Binning
}

interface Hist2DTaskRequest {
  readonly x: ValueOf
  readonly y: ValueOf
  readonly xbins: Binning
  readonly ybins: Binning
}

interface Hist2DPrep extends Hist2DTaskRequest {
  readonly checked: readonly [CheckedExpr, CheckedExpr]
  readonly columns: readonly string[]
}

/** The two values checked for a sample: one value per event each. */
function hist2dPrep(sample: OpenedSample, request: Hist2DTaskRequest): Hist2DPrep {
  const [x, y] = [request.x, request.y].map((v) => {
    const expr = checkValue(sample, v)
    if (expr.shape !== 'scalar')
      throw new SpecError(
        [],
        `'${valueText(v)}' is a list per event; a 2-D histogram needs one value per event`,
      )
    return expr
  })
  return { ...request, checked: [x, y], columns: fileColumns(sample, [x, y]) }
}

/** One partition's Σw per cell (data/hist2d.ts). */
export const hist2dTask = definePartitionTask<Hist2DTaskRequest, Hist2DPrep, Hist2D>({
  kind: 'hist2d',
  prepare: (sample, _source, request) => hist2dPrep(sample, request),
  async map(sample, prep, p, c) {
    const prepared = preparePartition(sample, await sample.read(p, prep.columns, c))
    const n = prepared.data.entries
    const w = prepared.weights
    const [x, y] = prep.checked
    return fillHist2D(
      selectedValues(prepared, x, null).values.values,
      selectedValues(prepared, y, null).values.values,
      typeof w === 'number' ? new Float64Array(n).fill(w) : w,
      prep.xbins,
      prep.ybins,
    )
  },
})

/**
 * Σw per cell of `x` against `y` over one sample's events. Throws SpecError for an unknown
 * sample or variable, or one that is a list per event.
 */
export async function runHist2D(
  source: EventSource,
  request: Hist2DRequest,
  ctx: JobContext = silentContext(),
): Promise<Hist2D> {
  const sample = await openByName(source, request.sample, ctx)
  try {
    const task: Hist2DTaskRequest = {
      x: valueOnly(request.x),
      y: valueOnly(request.y),
      xbins: request.xbins,
      ybins: request.ybins,
    }
    const prep = hist2dPrep(sample, task)
    const merged = await mapSample(source, sample, hist2dTask, task, prep, addHist2D, ctx)
    const empty = new Float64Array(0)
    return merged ?? fillHist2D(empty, empty, empty, request.xbins, request.ybins)
  } finally {
    sample.release()
  }
}

/** a + b cell by cell (a's array reused). */
export function addHist2D(a: Hist2D, b: Hist2D): Hist2D {
  for (let i = 0; i < a.sumw.length; i++) a.sumw[i] += b.sumw[i]
  a.inside += b.inside
  a.outside += b.outside
  return a
}
