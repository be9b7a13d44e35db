/**
 * Hard summary histograms of a network with b outputs (training uses the soft assignment
 * softmax(logits / τ), fisher-head.ts; τ → 0 gives this argmax assignment).
 */
/** Bin index (argmax) of each event's logits, n × b (row-major) → n. */
export function argmaxBins(logits: Float32Array, b: number): Int32Array {
  const n = logits.length / b
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let v = logits[i * b]
    for (let j = 1; j < b; j++) {
      if (logits[i * b + j] > v) {
        v = logits[i * b + j]
        best = j
      }
    }
    out[i] = best
  }
  return out
}

/** Normalised histogram (sums to 1) of bin indices in [0, b). */
export function hardHistogram(bins: ArrayLike<number>, b: number): Float64Array {
  const h = new Float64Array(b)
  for (let i = 0; i < bins.length; i++) h[bins[i]]++
  if (bins.length > 0) for (let j = 0; j < b; j++) h[j] /= bins.length
  return h
}

/** Bin of a classifier output p ∈ [0, 1] among b uniform bins (p = 1 in the last). */
export function uniformBin(p: number, b: number): number {
  return Math.min(b - 1, Math.max(0, Math.floor(p * b)))
}
