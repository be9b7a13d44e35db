/**
 * A supervised training set: the selected events of the chosen signal and background samples as
 * one row-major matrix of input values, with labels, weights and the train / validation / test
 * assignment. Every classifier (lda, cuts, mlp) and INFERNO read this; building it from the
 * project's samples is `ml/build-dataset.ts`.
 */

/** Which part of the split an event belongs to. */
export const PART = { train: 0, validation: 1, test: 2 } as const
export type Part = (typeof PART)[keyof typeof PART]

export interface TrainingData {
  /** Input names (expressions as the user wrote them), d of them. */
  readonly inputs: readonly string[]
  /** Number of events. */
  readonly n: number
  /** Number of inputs. */
  readonly d: number
  /**
   * Input values, row-major n × d, in the inputs' own units. Missing values (sentinels and NaN)
   * were already handled by the set-up's policy: no NaN here.
   */
  readonly x: Float64Array
  /** 1 for signal, 0 for background, per event. */
  readonly y: Uint8Array
  /** Training weights (after the normalisation mode and the negative-weight choice), per event. */
  readonly w: Float64Array
  /** Physical weights (weight expression × scale), per event: what evaluation uses. */
  readonly weight: Float64Array
  /** PART of each event. */
  readonly part: Uint8Array
  /** Index into `samples` of each event. */
  readonly sample: Uint16Array
  readonly samples: readonly { name: string; role: 'signal' | 'background' }[]
}

/** Row indices of the events in `part` (and, optionally, of one class). */
export function indicesOf(data: TrainingData, part: Part, label?: 0 | 1): Uint32Array {
  let k = 0
  for (let i = 0; i < data.n; i++)
    if (data.part[i] === part && (label === undefined || data.y[i] === label)) k++
  const out = new Uint32Array(k)
  k = 0
  for (let i = 0; i < data.n; i++)
    if (data.part[i] === part && (label === undefined || data.y[i] === label)) out[k++] = i
  return out
}

/** Rows `rows` of the row-major matrix `x` (d columns) as a new row-major matrix. */
export function gatherRows(x: Float64Array, d: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * d)
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] * d
    for (let j = 0; j < d; j++) out[r * d + j] = x[i + j]
  }
  return out
}
