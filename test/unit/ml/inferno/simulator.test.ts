import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import {
  DIM,
  benchmarkData,
  simulate,
  transformBackground,
} from '../../../../src/main/engine/ml/inferno/simulator'

/** Mean and variance of column j of a row-major n × 3 array. */
function moments(x: Float32Array, j: number): { mean: number; variance: number; n: number } {
  const n = x.length / DIM
  let s = 0
  for (let i = 0; i < n; i++) s += x[i * DIM + j]
  const mean = s / n
  let v = 0
  for (let i = 0; i < n; i++) v += (x[i * DIM + j] - mean) ** 2
  return { mean, variance: v / (n - 1), n }
}

/**
 * The sample mean is within 5 standard errors of the closed form (σ/√n) and the sample variance
 * within 5 of its own standard error √((μ₄ − σ⁴)/n): μ₄ = 3σ⁴ (normal), 9σ⁴ (exponential).
 */
function expectMoments(
  x: Float32Array,
  j: number,
  mean: number,
  variance: number,
  kurtosis: number,
): void {
  const m = moments(x, j)
  expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / m.n))
  const seVar = Math.sqrt(((kurtosis - 1) * variance * variance) / m.n)
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * seVar)
}

describe('synthetic 3D simulator (De Castro & Dorigo 2019)', () => {
  const n = 200_000

  it('signal is N((0,0), I) × Exp(2)', () => {
    const x = simulate('signal', n, new Random(3))
    expectMoments(x, 0, 0, 1, 3)
    expectMoments(x, 1, 0, 1, 3)
    expectMoments(x, 2, 1 / 2, 1 / 4, 9)
  })

  it('background is N((2 + r, 0), diag(5, 9)) × Exp(λ), nominal r = 0, λ = 3', () => {
    const x = simulate('background', n, new Random(4))
    expectMoments(x, 0, 2, 5, 3)
    expectMoments(x, 1, 0, 9, 3)
    expectMoments(x, 2, 1 / 3, 1 / 9, 9)
    const shifted = simulate('background', n, new Random(5), { r: -0.7, lambda: 2 })
    expectMoments(shifted, 0, 1.3, 5, 3)
    expectMoments(shifted, 2, 1 / 2, 1 / 4, 9)
  })

  it('the input transform moves nominal background to (r, λ)', () => {
    const x = simulate('background', n, new Random(6))
    const t = transformBackground(x, { r: 0.4, lambda: 4 })
    expectMoments(t, 0, 2.4, 5, 3)
    expectMoments(t, 1, 0, 9, 3)
    expectMoments(t, 2, 1 / 4, 1 / 16, 9)
    // Event by event: x₀ + r and x₂ · 3/λ, x₁ untouched; the input is left as it was.
    for (const i of [0, 17, 9999]) {
      expect(t[i * DIM]).toBeCloseTo(x[i * DIM] + 0.4, 5)
      expect(t[i * DIM + 1]).toBe(x[i * DIM + 1])
      expect(t[i * DIM + 2]).toBeCloseTo((x[i * DIM + 2] * 3) / 4, 6)
    }
    expect(moments(x, 0).mean).toBeCloseTo(2, 1)
  })

  it('is reproducible from the seed and differs between seeds', () => {
    const a = benchmarkData(9, 2000, 4000)
    const b = benchmarkData(9, 2000, 4000)
    const c = benchmarkData(10, 2000, 4000)
    expect(a.train.signal).toEqual(b.train.signal)
    expect(a.test.background).toEqual(b.test.background)
    expect(a.train.signal).not.toEqual(c.train.signal)
    // Parts are independent draws, half signal and half background.
    expect(a.train.signal).not.toEqual(a.validation.signal)
    expect(a.train.signal.length / DIM).toBe(1000)
    expect(a.test.background.length / DIM).toBe(2000)
  })
})
