/**
 * An applied autoencoder / VAE: its anomaly score per event from input columns, as a computed
 * variable (select/derived.ts) that cuts, histograms and fits read like a column. Missing
 * inputs are replaced as in training (the training means, policy `mean`) or leave the event's
 * score undefined (NaN, policy `drop`: NaN fails every cut). Plain JavaScript forward passes,
 * so computing a variable needs no TensorFlow backend.
 */
import type { ComputedVariable } from '../../select/derived'
import type { MissingValues } from '../model-inputs'
import { fromStored } from './format'
import { type AnomalyModel, eventLosses, jsRunner } from './model'

/** Scores of n events given one Float64Array per input (the model's inputs, in order). */
export function anomalyScoreColumns(
  model: AnomalyModel,
  missing: MissingValues,
  columns: readonly Float64Array[],
  n: number,
): Float64Array {
  const d = columns.length
  if (d !== model.arch.inputs.length)
    throw new Error(`the model takes ${model.arch.inputs.length} inputs, got ${d} columns`)
  const sentinels = new Set(missing.values)
  const x = new Float64Array(n * d)
  const undefinedRow = new Uint8Array(n)
  for (let j = 0; j < d; j++) {
    const c = columns[j]
    const mean = missing.means[j] ?? 0
    for (let i = 0; i < n; i++) {
      const v = c[i]
      if (Number.isFinite(v) && !sentinels.has(v)) x[i * d + j] = v
      else if (missing.policy === 'mean') x[i * d + j] = mean
      else undefinedRow[i] = 1
    }
  }
  const out = Float64Array.from(eventLosses(model, jsRunner(model.arch, model.weights), x, n).score)
  for (let i = 0; i < n; i++) if (undefinedRow[i]) out[i] = NaN
  return out
}

/** A stored autoencoder / VAE (store/anomaly-models.ts): what scoring needs of it. */
export interface StoredAnomalyScore {
  /** The stored document (format.ts AnomalyModelDocument, unparsed). */
  readonly document: unknown
  readonly weights: Uint8Array
  /** How missing inputs were replaced in training. */
  readonly missing: MissingValues
}

/** The anomaly score of stored model `id` as the computed variable `name`. */
export function anomalyVariable(
  name: string,
  id: string,
  stored: StoredAnomalyScore,
): ComputedVariable {
  const model = fromStored(stored.document, stored.weights)
  return {
    name,
    inputs: model.arch.inputs,
    key: id,
    compute: (columns, n) => anomalyScoreColumns(model, stored.missing, columns, n),
  }
}
