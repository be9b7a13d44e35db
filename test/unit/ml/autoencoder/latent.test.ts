/**
 * Latent PCA on points built with known principal axes: an ellipse of standard deviations 3, 1
 * and 0.1 rotated in 3 dimensions must give back the rotated axes (up to sign), the variance
 * fractions 9 : 1 : 0.01, and projections with those spreads.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { fitLatentPca, projectLatent } from '../../../../src/main/engine/ml/autoencoder/latent'

describe('latent PCA', () => {
  it('recovers known axes and variance fractions', () => {
    const rng = new Random(1)
    const c = Math.cos(0.5)
    const s = Math.sin(0.5)
    // Orthonormal axes: rotation by 0.5 rad in the (0, 1) plane, third axis untouched.
    const axes = [
      [c, s, 0],
      [-s, c, 0],
      [0, 0, 1],
    ]
    const sd = [3, 1, 0.1]
    const n = 20_000
    const x = new Float64Array(n * 3)
    for (let i = 0; i < n; i++) {
      const t = sd.map((v) => v * rng.normal())
      for (let l = 0; l < 3; l++)
        x[i * 3 + l] = 2 + t[0] * axes[0][l] + t[1] * axes[1][l] + t[2] * axes[2][l]
    }
    const pca = fitLatentPca(
      x,
      3,
      Uint32Array.from({ length: n }, (_, i) => i),
      2,
    )
    expect(pca.components).toHaveLength(2)
    pca.components.forEach((v, k) => {
      const dot = v.reduce((a, vl, l) => a + vl * axes[k][l], 0)
      expect(Math.abs(dot)).toBeCloseTo(1, 3)
    })
    const total = 9 + 1 + 0.01
    expect(pca.explained[0]).toBeCloseTo(9 / total, 2)
    expect(pca.explained[1]).toBeCloseTo(1 / total, 2)
    const p = projectLatent(pca, x, n)
    let v0 = 0
    for (let i = 0; i < n; i++) v0 += p[i * 2] ** 2 / n
    expect(Math.sqrt(v0)).toBeCloseTo(3, 1)
    expect(() => fitLatentPca(x, 3, [0])).toThrow(/two events/)
  })
})
