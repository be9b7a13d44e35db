/**
 * What every trained classifier offers the evaluation, the project store and "apply": a score
 * per event from the raw input values (the inputs' own units), larger meaning more signal-like.
 */
export interface Classifier {
  readonly kind: 'lda' | 'cuts' | 'mlp'
  readonly inputs: readonly string[]
  /** Scores of n events; `x` is row-major n × inputs.length, missing values already handled. */
  score(x: Float64Array, n: number): Float64Array
}
