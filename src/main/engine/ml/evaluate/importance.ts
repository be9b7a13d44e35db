/**
 * Permutation importance of each input: how much the weighted AUC on the given (test) events
 * drops when that input's column is shuffled among them, breaking its link to the label while
 * keeping its distribution. Larger = the classifier relies more on the input; ≈ 0 = unused.
 */
import { Random } from '../../data/random'
import { gatherRows } from '../dataset'
import { weightedRoc } from './roc'

/**
 * `x` row-major with `d` columns; `rows` the events used; `score(x, n, j)` scores n rows of a
 * row-major matrix (j: the input shuffled, −1 for the original). Returns per input AUC(original) − AUC(column shuffled), NaN where undefined.
 * The same seed gives the same shuffles.
 */
export function permutationImportance(
  x: Float64Array,
  d: number,
  rows: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number>,
  score: (x: Float64Array, n: number, j: number) => Float64Array,
  seed: number,
): number[] {
  const n = rows.length
  const sub = gatherRows(x, d, rows)
  const y = new Uint8Array(n)
  const w = new Float64Array(n)
  for (let r = 0; r < n; r++) {
    y[r] = labels[rows[r]]
    w[r] = weights[rows[r]]
  }
  const base = weightedRoc(score(sub, n, -1), y, w, undefined, 3).auc
  const random = new Random(seed)
  const out: number[] = []
  const column = new Float64Array(n)
  for (let j = 0; j < d; j++) {
    for (let r = 0; r < n; r++) column[r] = sub[r * d + j]
    const perm = random.permutation(n)
    for (let r = 0; r < n; r++) sub[r * d + j] = column[perm[r]]
    out.push(base - weightedRoc(score(sub, n, j), y, w, undefined, 3).auc)
    for (let r = 0; r < n; r++) sub[r * d + j] = column[r]
  }
  return out
}
