/**
 * Times dense matrix products on the active backend: a quick, real check that the ML backend
 * works and how fast it is (GFLOP/s = 2·n³ per product).
 */
import type { JobContext } from '../jobs/context'
import { chooseBackend } from './backend'

export interface BackendCheckResult {
  backend: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'
  size: number
  repeats: number
  gflops: number
  seconds: number
}

/** Multiplies two size×size float32 matrices `repeats` times, yielding between products. */
export async function backendCheck(
  size: number,
  repeats: number,
  ctx: JobContext,
): Promise<BackendCheckResult> {
  const { tf, backend } = await chooseBackend()
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1)
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2)
  const t0 = performance.now()
  try {
    for (let i = 0; i < repeats; i++) {
      ctx.throwIfCancelled()
      const c = tf.matMul(a, b)
      await c.data()
      c.dispose()
      ctx.progress((i + 1) / repeats, `product ${i + 1}/${repeats}`)
      // Let cancel and other requests through between products.
      await new Promise((r) => setImmediate(r))
    }
  } finally {
    a.dispose()
    b.dispose()
  }
  const seconds = (performance.now() - t0) / 1000
  return { backend, size, repeats, seconds, gflops: (2 * size ** 3 * repeats) / seconds / 1e9 }
}
