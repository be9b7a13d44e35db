/**
 * The live view of INFERNO's summary while it trains: once per epoch, the normalised soft
 * histograms (softmax(logits / τ) averaged over events) of signal and of background on a fixed
 * validation batch, streamed as job metrics `soft.signal.<bin>` / `soft.background.<bin>` (the
 * caller's prefix makes them `inferno.soft.…`). Metrics rather than a new event kind: they reach
 * the renderer through the existing, validated metric stream, b numbers each, one step = epoch.
 */

/** Events per process in the fixed batch: enough for smooth bars, cheap to evaluate. */
export const SNAPSHOT_EVENTS = 2000

/**
 * Normalised soft histogram (float64, sums to 1) of logits n × b at temperature τ, each event
 * weighted by |w_i| (all 1 without weights).
 */
export function weightedSoftShape(
  logits: Float32Array,
  b: number,
  tau: number,
  weights?: ArrayLike<number>,
): Float64Array {
  const h = new Float64Array(b)
  const e = new Float64Array(b)
  const n = logits.length / b
  let total = 0
  for (let i = 0; i < n; i++) {
    const w = weights ? Math.abs(weights[i]) : 1
    let m = -Infinity
    for (let j = 0; j < b; j++) m = Math.max(m, logits[i * b + j] / tau)
    let z = 0
    for (let j = 0; j < b; j++) z += e[j] = Math.exp(logits[i * b + j] / tau - m)
    for (let j = 0; j < b; j++) h[j] += (w * e[j]) / z
    total += w
  }
  if (total > 0) for (let j = 0; j < b; j++) h[j] /= total
  return h
}

/** The metrics of one snapshot: `soft.signal.<j>` and `soft.background.<j>`, j from 0. */
export function softSnapshotMetrics(
  signal: ArrayLike<number>,
  background: ArrayLike<number>,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (let j = 0; j < signal.length; j++) out[`soft.signal.${j}`] = signal[j]
  for (let j = 0; j < background.length; j++) out[`soft.background.${j}`] = background[j]
  return out
}

/** Fixed scaled events of one role: n × d inputs and their weights. */
export interface SnapshotRows {
  readonly x: Float32Array
  readonly n: number
  readonly w: ArrayLike<number>
}

/** softSnapshotMetrics of the [signal, background] snapshot rows through `net`. */
export function snapshotMetrics(
  net: { predict(x: Float32Array, rows: number): Float32Array },
  snap: readonly SnapshotRows[],
  bins: number,
  tau: number,
): Record<string, number> {
  const [s, b] = snap.map(({ x, n, w }) =>
    n ? weightedSoftShape(net.predict(x, n), bins, tau, w) : new Float64Array(bins),
  )
  return softSnapshotMetrics(s, b)
}
