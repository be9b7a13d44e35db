/**
 * The trunk both INFERNO and its cross-entropy baseline use (paper §5: two hidden layers of 100
 * ReLU units, He-normal initialisation), seeded, with the input standardisation fitted on the
 * nominal training events, and batched prediction.
 */
import type * as TF from '@tensorflow/tfjs'
import { DIM } from './simulator'

/** Per-input mean and standard deviation subtracted / divided before the network. */
export interface Standardiser {
  readonly mean: number[]
  readonly sd: number[]
}

/** Mean and sd of each of the 3 inputs over the given row-major n × 3 arrays. */
export function fitStandardiser(parts: readonly Float32Array[]): Standardiser {
  const sum = [0, 0, 0]
  const sum2 = [0, 0, 0]
  let n = 0
  for (const x of parts) {
    for (let i = 0; i < x.length; i += DIM) {
      for (let j = 0; j < DIM; j++) {
        sum[j] += x[i + j]
        sum2[j] += x[i + j] * x[i + j]
      }
      n++
    }
  }
  const mean = sum.map((s) => s / Math.max(n, 1))
  const sd = sum2.map((s, j) => Math.sqrt(Math.max(s / Math.max(n, 1) - mean[j] * mean[j], 0)) || 1)
  return { mean, sd }
}

/** Standardises row-major n × 3 `x` in place and returns it. */
export function standardiseInPlace(x: Float32Array, st: Standardiser): Float32Array {
  for (let i = 0; i < x.length; i += DIM)
    for (let j = 0; j < DIM; j++) x[i + j] = (x[i + j] - st.mean[j]) / st.sd[j]
  return x
}

/** Dense ReLU layers of `hidden` units and a linear output layer of `outputs` units (`inputs` wide). */
export function buildTrunk(
  tf: typeof TF,
  hidden: readonly number[],
  outputs: number,
  seed: number,
  inputs: number = DIM,
): TF.Sequential {
  const layers: TF.layers.Layer[] = []
  hidden.forEach((units, i) =>
    layers.push(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seed * 31 + i }),
        ...(i === 0 ? { inputShape: [inputs] } : {}),
      }),
    ),
  )
  layers.push(
    tf.layers.dense({
      units: outputs,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 31 + 17 }),
      ...(hidden.length === 0 ? { inputShape: [inputs] } : {}),
    }),
  )
  return tf.sequential({ layers })
}

/** Network outputs (n × outputs, row-major) for raw events, in chunks to bound memory. */
export function predictRaw(
  tf: typeof TF,
  net: TF.LayersModel,
  st: Standardiser,
  x: Float32Array,
  chunkRows = 50_000,
): Float32Array {
  const n = x.length / DIM
  const outputs = (net.outputs[0].shape[1] as number) ?? 1
  const out = new Float32Array(n * outputs)
  for (let r0 = 0; r0 < n; r0 += chunkRows) {
    const r1 = Math.min(n, r0 + chunkRows)
    const block = standardiseInPlace(x.slice(r0 * DIM, r1 * DIM), st)
    const y = tf.tidy(() => net.predict(tf.tensor2d(block, [r1 - r0, DIM])) as TF.Tensor)
    out.set(y.dataSync() as Float32Array, r0 * outputs)
    y.dispose()
  }
  return out
}

/** Copies of the network's weights (a checkpoint). */
export function snapshot(net: TF.LayersModel): TF.Tensor[] {
  return net.getWeights().map((w) => w.clone())
}
