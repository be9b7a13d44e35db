/**
 * One training epoch of the cross-entropy baselines (paper benchmark and project samples): a
 * network with one logit trained on weighted BCE through the hand-written pass, batch after
 * batch in a given order, awaiting the pause gate before each batch.
 */
import type * as TF from '@tensorflow/tfjs'
import { weightedBceHead } from '../dense-backprop'
import type { TrainableDense } from '../trainable-dense'
import type { TrainingGate } from '../../jobs/context'

export interface BceRows {
  /** Scaled inputs, row-major n × d. */
  readonly x: Float32Array
  /** Labels 0 / 1. */
  readonly y: Float32Array
  /** Per-event weights; a batch's loss is Σ w·BCE / batch (the weighted batch mean). */
  readonly w: Float32Array | null
  readonly n: number
  readonly d: number
}

/**
 * Trains on the rows in the order `perm`, `batch` at a time (a last partial batch is left out);
 * returns the mean batch loss, read back from the backend once, or NaN when the gate stops it.
 */
export async function bceEpoch(
  tf: typeof TF,
  net: TrainableDense,
  rows: BceRows,
  perm: Uint32Array,
  batch: number,
  gate: TrainingGate,
): Promise<number> {
  const { x, y, w, n, d } = rows
  const xb = new Float32Array(batch * d)
  const yb = new Float32Array(batch)
  const wb = new Float32Array(batch)
  const costs: TF.Scalar[] = []
  // Unweighted rows: one constant weight tensor for the epoch (a tensor per batch costs time at
  // batch 32).
  const same = w ? null : (tf.fill([batch, 1], 1 / batch) as TF.Tensor2D)
  try {
    for (let k = 0; k + batch <= n; k += batch) {
      if (!(await gate.beforeBatch())) return NaN
      for (let r = 0; r < batch; r++) {
        const i = perm[k + r]
        xb.set(x.subarray(i * d, i * d + d), r * d)
        yb[r] = y[i]
        if (w) wb[r] = w[i] / batch
      }
      const yt = tf.tensor2d(yb, [batch, 1])
      const wt = same ?? tf.tensor2d(wb, [batch, 1])
      costs.push(net.step(xb, batch, weightedBceHead(tf, yt, wt)))
      // Stepping while paused: read this batch's loss back so the step shows it (costs a sync).
      if (gate.paused) gate.afterBatch(costs[costs.length - 1].dataSync()[0])
      yt.dispose()
      if (!same) wt.dispose()
    }
    if (!costs.length) return NaN
    const stacked = tf.stack(costs)
    const values = stacked.dataSync()
    stacked.dispose()
    let sum = 0
    for (let i = 0; i < values.length; i++) sum += values[i]
    return sum / values.length
  } finally {
    costs.forEach((c) => c.dispose())
    same?.dispose()
  }
}
