/**
 * Sums kept as an unevaluated pair hi + lo (Knuth's two-sum: lo gathers what each addition to
 * hi rounded away). hi + lo carries about twice the precision of a plain sum, so rounding it
 * once at the end gives the correctly rounded sum in all but astronomically rare cases — the
 * same number whatever order the terms came in and however they were split into parts. That
 * is what lets rectangular cuts summed partition by partition choose exactly the cuts the
 * in-memory search chooses (rect-cuts.ts): equal candidates stay equal to the last bit.
 */

/** Adds v to the pair at out[k], out[k + 1]. */
export function addTo(out: Float64Array, k: number, v: number): void {
  const h = out[k]
  const t = h + v
  const bp = t - h
  out[k + 1] += h - (t - bp) + (v - bp)
  out[k] = t
}

/** Adds the pairs of `b` to those of `a` (both hi, lo interleaved; `a` is returned). */
export function addPairs(a: Float64Array, b: Float64Array): Float64Array {
  for (let k = 0; k < a.length; k += 2) {
    addTo(a, k, b[k])
    a[k + 1] += b[k + 1]
  }
  return a
}

/** Σ values over `rows` (all when undefined), rounded once from the pair. */
export function pairSum(values: ArrayLike<number>, keep?: (i: number) => boolean): number {
  const p = new Float64Array(2)
  for (let i = 0; i < values.length; i++) if (!keep || keep(i)) addTo(p, 0, values[i])
  return p[0] + p[1]
}
