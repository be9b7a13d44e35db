/**
 * The KL term against the textbook multivariate formula ½[tr(Σ₂⁻¹Σ₁) + (m₂ − m₁)ᵀΣ₂⁻¹(m₂ − m₁)
 * − k + ln(det Σ₂ / det Σ₁)] and against a Monte-Carlo estimate E_q[log q − log p]; the
 * TensorFlow.js op against the float64 function, with the standard and a trained prior.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { kl, klTensor } from '../../../../src/main/engine/ml/autoencoder/kl'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const mu = [0.3, -1.2, 2]
const logSigma = [-0.5, 0.4, 0]
const m = [0, 0.5, 1.5]
const logS = [0.2, -0.3, 0.8]

/** Multivariate Gaussian KL for diagonal covariances, variances as given. */
function textbookKl(m1: number[], v1: number[], m2: number[], v2: number[]): number {
  let trace = 0
  let quad = 0
  let logDet = 0
  for (let i = 0; i < m1.length; i++) {
    trace += v1[i] / v2[i]
    quad += (m2[i] - m1[i]) ** 2 / v2[i]
    logDet += Math.log(v2[i]) - Math.log(v1[i])
  }
  return 0.5 * (trace + quad - m1.length + logDet)
}

describe('KL(N(μ, σ²) ‖ N(m, s²))', () => {
  it('matches the textbook formula, summed over dimensions', () => {
    const sum = mu.reduce((a, _, i) => a + kl(mu[i], logSigma[i], m[i], logS[i]), 0)
    const v1 = logSigma.map((l) => Math.exp(2 * l))
    const v2 = logS.map((l) => Math.exp(2 * l))
    expect(sum).toBeCloseTo(textbookKl(mu, v1, m, v2), 12)
    // Standard prior by default; zero when q is the prior.
    expect(kl(0.7, 0.1)).toBeCloseTo(textbookKl([0.7], [Math.exp(0.2)], [0], [1]), 12)
    expect(kl(0.5, -0.3, 0.5, -0.3)).toBeCloseTo(0, 14)
  })

  it('matches a Monte-Carlo estimate within 4 standard errors', () => {
    const rng = new Random(7)
    const logN = (x: number, mean: number, ls: number) =>
      -ls - 0.5 * Math.log(2 * Math.PI) - 0.5 * ((x - mean) * Math.exp(-ls)) ** 2
    for (let i = 0; i < mu.length; i++) {
      const N = 200_000
      let s = 0
      let s2 = 0
      for (let k = 0; k < N; k++) {
        const x = mu[i] + Math.exp(logSigma[i]) * rng.normal()
        const v = logN(x, mu[i], logSigma[i]) - logN(x, m[i], logS[i])
        s += v
        s2 += v * v
      }
      const mean = s / N
      const se = Math.sqrt((s2 / N - mean * mean) / N)
      expect(Math.abs(mean - kl(mu[i], logSigma[i], m[i], logS[i]))).toBeLessThan(4 * se)
    }
  })

  it('the TensorFlow.js op equals the float64 function, with and without a prior', () => {
    const rows = [mu, logSigma.map((v) => v + 0.2)]
    const lsRows = [logSigma, logSigma.map((v) => -v)]
    const [plain, withPrior] = tf.tidy(() => {
      const M = tf.tensor2d(rows)
      const L = tf.tensor2d(lsRows)
      return [
        klTensor(tf, M, L).arraySync(),
        klTensor(tf, M, L, { mean: tf.tensor1d(m), logSigma: tf.tensor1d(logS) }).arraySync(),
      ]
    })
    rows.forEach((r, i) =>
      r.forEach((v, j) => {
        expect(plain[i][j]).toBeCloseTo(kl(v, lsRows[i][j]), 5)
        expect(withPrior[i][j]).toBeCloseTo(kl(v, lsRows[i][j], m[j], logS[j]), 5)
      }),
    )
  })
})
