/**
 * How a stored model turns input columns into the rows its classifier scores, the same way as
 * in training: sentinel values and NaN replaced by the training means (policy `mean`) or the
 * event's output undefined (policy `drop`, whose events were never trained on).
 */
import type { Classifier } from './classifier'

export interface MissingValues {
  /** Values meaning "undefined", besides NaN and ±∞. */
  readonly values: readonly number[]
  readonly policy: 'mean' | 'drop'
  /** Training mean of each input's defined values. */
  readonly means: readonly number[]
}

/**
 * Scores of n events given one Float64Array per input: NaN where a `drop`-policy input is
 * missing (NaN fails every cut).
 */
export function scoreColumns(
  classifier: Classifier,
  missing: MissingValues,
  columns: readonly Float64Array[],
  n: number,
): Float64Array {
  const d = columns.length
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
  const out = classifier.score(x, n)
  for (let i = 0; i < n; i++) if (undefinedRow[i]) out[i] = NaN
  return out
}
