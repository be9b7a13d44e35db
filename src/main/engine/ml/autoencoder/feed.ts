/**
 * Where training events come from: a TrainingFeed hands the trainer background events as raw
 * rows — the training events in any order it asks for, window by window, and the validation
 * events in chunks — so the same trainer runs on a data set held in memory (`memoryFeed`) and
 * on one streamed from chunks under a memory budget (megaset.ts).
 */
import type { AnomalySetup } from '../../../../shared/contract/anomaly'
import { gatherRows, indicesOf, PART, type TrainingData } from '../dataset'
import type { InputTransform } from './input-transform'

/** Raw input rows (row-major n × d, missing values already handled) and their training weights. */
export interface RawRows {
  readonly x: Float64Array
  readonly w: Float64Array
  readonly n: number
}

export interface TrainingFeed {
  readonly inputs: readonly string[]
  /** Background training events. */
  readonly trainCount: number
  readonly validationCount: number
  /** Σ w and Σ |w| over the training events. */
  readonly weightSums: { readonly sum: number; readonly abs: number }
  /** Most training rows held at once (a multiple of the batch size, or ≥ trainCount). */
  readonly windowSize: number
  /** Training rows the preprocessing is fitted on: all of them in order, or a seeded subsample. */
  fitRows(): Promise<RawRows>
  /**
   * The preprocessing fitted on every training event by streaming over them; absent: fitted
   * on fitRows() in memory.
   */
  fitTransform?(options: AnomalySetup['preprocess']): Promise<InputTransform>
  /**
   * The training rows at positions order[start], …, order[end − 1] of the training events (0 ≤
   * order[k] < trainCount), in that order; end − start ≤ windowSize.
   */
  window(order: Uint32Array, start: number, end: number): Promise<RawRows>
  /** The validation rows, chunk by chunk, in a fixed order. */
  validation(): AsyncIterable<RawRows>
}

/** A feed over the background events of a TrainingData held in memory: one window, one chunk. */
export function memoryFeed(data: TrainingData): TrainingFeed {
  const train = indicesOf(data, PART.train, 0)
  const val = indicesOf(data, PART.validation, 0)
  let sum = 0
  let abs = 0
  for (const i of train) {
    sum += data.w[i]
    abs += Math.abs(data.w[i])
  }
  const rows = (r: ArrayLike<number>): RawRows => ({
    x: gatherRows(data.x, data.d, r),
    w: Float64Array.from(r, (i) => data.w[i]),
    n: r.length,
  })
  return {
    inputs: data.inputs,
    trainCount: train.length,
    validationCount: val.length,
    weightSums: { sum, abs },
    windowSize: Math.max(train.length, 1),
    fitRows: async () => rows(train),
    window: async (order, start, end) =>
      rows(Uint32Array.from(order.subarray(start, end), (k) => train[k])),
    async *validation() {
      if (val.length) yield rows(val)
    },
  }
}
