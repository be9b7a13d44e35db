/** The variable-metric minimiser on test functions: Rosenbrock, bounds, fixed parameters, failures. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CancelledError, silentContext } from '../../../src/main/engine/jobs/context'
import { covarianceFromHessian, numericalHessian } from '../../../src/main/engine/stats/hesse'
import { minimize } from '../../../src/main/engine/stats/minimize'

/** Rosenbrock in n dimensions and its gradient. */
function rosen(x: Float64Array, g: Float64Array): number {
  let f = 0
  g.fill(0)
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i]
    const b = 1 - x[i]
    f += 100 * a * a + b * b
    g[i] += -400 * x[i] * a - 2 * b
    g[i + 1] += 200 * a
  }
  return f
}

describe('minimize', () => {
  it('finds the Rosenbrock minimum (1, …, 1) in 2 and 10 dimensions', () => {
    for (const n of [2, 10]) {
      const x0 = new Float64Array(n).fill(-1.2)
      const r = minimize(rosen, x0, { tol: 1e-8, strategy: 2 })
      expect(r.converged).toBe(true)
      r.x.forEach((v) => expect(v).toBeCloseTo(1, 5))
      expect(r.edm).toBeLessThan(0.002 * 1e-8)
      expect(r.hessianPositiveDefinite).toBe(true)
    }
  })

  it('stops on an active bound exactly (projected steps) and says so', () => {
    // Minimum (1, 1) excluded by x₀ ≤ 0.5: constrained minimum at x₀ = 0.5, x₁ = 0.25.
    const r = minimize(rosen, [-1, 2], {
      upper: Float64Array.from([0.5, 10]),
      lower: Float64Array.from([-5, -5]),
      tol: 1e-8,
    })
    expect(r.converged).toBe(true)
    expect(r.x[0]).toBe(0.5)
    expect(r.x[1]).toBeCloseTo(0.25, 6)
    expect(r.atBound).toEqual([0])
  })

  it('holds fixed parameters', () => {
    const r = minimize(rosen, [0.3, 2], { fixed: Uint8Array.from([1, 0]), tol: 1e-8 })
    expect(r.x[0]).toBe(0.3)
    expect(r.x[1]).toBeCloseTo(0.09, 6)
  })

  it('quadratics from random SPD matrices: x* = A⁻¹b and HESSE covariance = A⁻¹ (f = xᵀAx, errordef 1)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 9, maxLength: 9 }),
        (v) => {
          // A = LLᵀ + I (3×3), f = xᵀAx − 2bᵀx.
          const L = [v[0], 0, 0, v[1], v[2], 0, v[3], v[4], v[5]]
          const A = new Float64Array(9)
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) {
              let s = i === j ? 1 : 0
              for (let k = 0; k < 3; k++) s += L[i * 3 + k] * L[j * 3 + k]
              A[i * 3 + j] = s
            }
          const b = [v[6], v[7], v[8]]
          const f = (x: Float64Array, g: Float64Array): number => {
            let val = 0
            for (let i = 0; i < 3; i++) {
              let ax = 0
              for (let j = 0; j < 3; j++) ax += A[i * 3 + j] * x[j]
              g[i] = 2 * ax - 2 * b[i]
              val += x[i] * ax - 2 * b[i] * x[i]
            }
            return val
          }
          const r = minimize(f, [0, 0, 0], { tol: 1e-10 })
          expect(r.converged).toBe(true)
          const g = new Float64Array(3)
          f(r.x, g)
          g.forEach((gi) => expect(Math.abs(gi)).toBeLessThan(1e-5))
          const H = numericalHessian(f, r.x, [0, 1, 2])
          const cov = covarianceFromHessian(H, 3, [0, 1, 2]).covariance
          // Hessian 2A, so Δf = 1 ellipse: cov = 2·(2A)⁻¹ = A⁻¹.
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) {
              let s = 0
              for (let k = 0; k < 3; k++) s += cov[i * 3 + k] * A[k * 3 + j]
              expect(s).toBeCloseTo(i === j ? 1 : 0, 5)
            }
        },
      ),
      { numRuns: 30, seed: 7 },
    )
  })

  it('reports non-convergence honestly', () => {
    const r = minimize(rosen, [-1.2, 1], { maxIterations: 3, strategy: 0 })
    expect(r.converged).toBe(false)
    expect(r.message).toMatch(/no convergence/)
    const nan = minimize((_x, g) => (g.fill(0), NaN), [1], {})
    expect(nan.converged).toBe(false)
  })

  it('a non-positive-definite Hessian at a saddle is flagged', () => {
    // f = x² − y² + y⁴/4 started on the saddle's stable manifold: gradient 0 at (0, 0).
    const f = (x: Float64Array, g: Float64Array): number => {
      g[0] = 2 * x[0]
      g[1] = -2 * x[1] + x[1] ** 3
      return x[0] ** 2 - x[1] ** 2 + x[1] ** 4 / 4
    }
    const r = minimize(f, [0, 0], { strategy: 2 })
    expect(r.hessianPositiveDefinite).toBe(false)
  })

  it('stops when the job is cancelled', () => {
    const ac = new AbortController()
    ac.abort()
    expect(() => minimize(rosen, [-1.2, 1], { ctx: silentContext(ac.signal) })).toThrow(
      CancelledError,
    )
  })
})
