import { describe, expect, it } from 'vitest'
import { Random } from '../../../src/main/engine/data/random'
import { applyPreprocessing, fitPreprocessing } from '../../../src/main/engine/ml/preprocess'

/** Correlated 3-d Gaussian rows: x1 = x0 + noise, x2 = 5 + 3·noise, with weights 1 or 2. */
function sample(n: number) {
  const r = new Random(3)
  const x = new Float64Array(n * 3)
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const a = r.normal()
    x[i * 3] = 10 + 2 * a
    x[i * 3 + 1] = a + 0.5 * r.normal()
    x[i * 3 + 2] = 5 + 3 * r.normal()
    w[i] = i % 2 ? 2 : 1
  }
  return { x, w, rows: Uint32Array.from({ length: n }, (_, i) => i) }
}

/** Weighted mean and covariance of row-major data, written out plainly. */
function moments(x: ArrayLike<number>, w: ArrayLike<number>, n: number, d: number) {
  let sw = 0
  const m = new Array(d).fill(0)
  for (let i = 0; i < n; i++) {
    sw += w[i]
    for (let j = 0; j < d; j++) m[j] += w[i] * x[i * d + j]
  }
  m.forEach((_, j) => (m[j] /= sw))
  const c = Array.from({ length: d }, () => new Array(d).fill(0))
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++)
      for (let k = 0; k < d; k++)
        c[j][k] += (w[i] * (x[i * d + j] - m[j]) * (x[i * d + k] - m[k])) / sw
  return { m, c }
}

describe('preprocessing', () => {
  const n = 4000
  const { x, w, rows } = sample(n)

  it('standardises to weighted mean 0 and variance 1, keeping correlations', () => {
    const p = fitPreprocessing(x, 3, rows, w, { standardise: true, decorrelate: false })
    const { m, c } = moments(applyPreprocessing(p, x, n), w, n, 3)
    for (let j = 0; j < 3; j++) {
      expect(m[j]).toBeCloseTo(0, 5) // float32 output: ~1e-7 relative
      expect(c[j][j]).toBeCloseTo(1, 5)
    }
    expect(Math.abs(c[0][1])).toBeGreaterThan(0.8)
  })

  it('decorrelates to the identity covariance', () => {
    const p = fitPreprocessing(x, 3, rows, w, { standardise: true, decorrelate: true })
    const { c } = moments(applyPreprocessing(p, x, n), w, n, 3)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 3; k++) expect(c[j][k]).toBeCloseTo(j === k ? 1 : 0, 4)
  })

  it('leaves a constant input centred but unscaled, and does nothing when asked for nothing', () => {
    const y = Float64Array.from({ length: 20 }, (_, i) => (i % 2 ? 7 : i))
    for (let i = 0; i < 10; i++) y[i * 2 + 1] = 7
    const p = fitPreprocessing(
      y,
      2,
      Uint32Array.from({ length: 10 }, (_, i) => i),
      new Float64Array(10).fill(1),
      {
        standardise: true,
        decorrelate: false,
      },
    )
    expect(p.transform[3]).toBe(1)
    const none = fitPreprocessing(x, 3, rows, w, { standardise: false, decorrelate: false })
    expect(Array.from(applyPreprocessing(none, x, 2))).toEqual(
      Array.from(x.subarray(0, 6), Math.fround),
    )
  })
})
