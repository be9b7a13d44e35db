import { Matrix, inverse } from 'ml-matrix'
import { beforeAll, describe, expect, it } from 'vitest'
import type * as TF from '@tensorflow/tfjs'
import { Random } from '../../../../src/main/engine/data/random'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import { inverseDiagonalTf, invertSpdTf } from './autodiff-reference'

let tf: typeof TF

beforeAll(async () => {
  tf = (await chooseBackend()).tf
})

/** A random SPD k × k matrix A Aᵀ + k I with entries of order 1…10 (Fisher-like). */
function randomSpd(k: number, seed: number, scale = 1): number[][] {
  const rng = new Random(seed)
  const a = Array.from({ length: k }, () => Array.from({ length: k }, () => rng.normal()))
  return Array.from({ length: k }, (_, i) =>
    Array.from(
      { length: k },
      (_, j) => scale * (a[i].reduce((s, v, l) => s + v * a[j][l], 0) + (i === j ? k : 0)),
    ),
  )
}

describe('differentiable SPD inverse in TF.js ops', () => {
  it.each([1, 2, 3, 4])('matches ml-matrix for %i × %i to 1e-5 (float32)', (k) => {
    for (const seed of [1, 2, 3]) {
      const m = randomSpd(k, seed * 10 + k, 7)
      const ref = inverse(new Matrix(m)).to2DArray()
      const got = tf.tidy(() => invertSpdTf(tf, tf.tensor2d(m)).arraySync())
      const scale = Math.max(...ref.flat().map(Math.abs))
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++)
          expect(Math.abs(got[i][j] - ref[i][j]) / scale).toBeLessThan(1e-5)
    }
  })

  it('(M⁻¹)_pp by Schur complement matches ml-matrix for every p', () => {
    const m = randomSpd(4, 77, 3)
    const ref = inverse(new Matrix(m)).to2DArray()
    for (let p = 0; p < 4; p++) {
      const got = tf.tidy(() => {
        const entries = m.map((r) => r.map((v) => tf.scalar(v)))
        return inverseDiagonalTf(tf, entries, p).dataSync()[0]
      })
      expect(Math.abs(got - ref[p][p]) / ref[p][p]).toBeLessThan(1e-5)
    }
  })

  it('has the closed-form gradient ∂(M⁻¹)_00/∂M = −(M⁻¹e₀)(M⁻¹e₀)ᵀ', () => {
    const m = randomSpd(3, 5, 2)
    const inv = inverse(new Matrix(m)).to2DArray()
    const g = tf.tidy(
      () =>
        tf
          .grad((x: TF.Tensor) => {
            const r = invertSpdTf(tf, x as TF.Tensor2D)
            return tf.sum(
              tf.mul(
                r,
                tf.tensor2d([
                  [1, 0, 0],
                  [0, 0, 0],
                  [0, 0, 0],
                ]),
              ),
            )
          })(tf.tensor2d(m))
          .arraySync() as number[][],
    )
    const scale = inv[0][0] * inv[0][0]
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        expect(Math.abs(g[i][j] + inv[i][0] * inv[0][j]) / scale).toBeLessThan(1e-4)
  })
})
