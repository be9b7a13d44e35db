/**
 * Likelihoods with many bins: the Jacobian, Fisher information and Hessian are built from sparse
 * per-bin rows, so a fit costs time linear in the bins (10⁵ bins used to take minutes: one
 * backward pass over every sample-bin per bin), and a model too large for the dense fit
 * matrices is refused with its cause (it used to end in "Invalid typed array length").
 */
import { describe, expect, it } from 'vitest'
import { manyBinsWorkspace } from '../../../bench/many-bins'
import { fitModel } from '../../../src/main/engine/stats/fit'
import { FitSizeError, MAX_FIT_PARAMETERS } from '../../../src/main/engine/stats/fit-size'
import { Likelihood, observedData } from '../../../src/main/engine/stats/likelihood'
import { compileModel } from '../../../src/main/engine/stats/model'
import { prefitCovariance, totalError } from '../../../src/main/engine/stats/yields'

describe('many bins', () => {
  it('the sparse Jacobian rows are ∂λ/∂θ (central differences of the expected yields)', () => {
    const m = compileModel(manyBinsWorkspace(40, true))
    const lik = new Likelihood(m, observedData(m))
    const x = Float64Array.from(m.init)
    for (let p = 0; p < m.npar; p++) x[p] += 0.07 * Math.sin(3 * p + 1) // off the init point
    const J = lik.jacobian(x)
    for (let p = 0; p < m.npar; p++) {
      const h = 1e-6
      const xp = Float64Array.from(x)
      const xm = Float64Array.from(x)
      xp[p] += h
      xm[p] -= h
      const up = lik.expected(xp)
      const dn = lik.expected(xm)
      for (let b = 0; b < m.nbins; b++) {
        const fd = (up[b] - dn[b]) / (2 * h)
        expect(Math.abs(J[b * m.npar + p] - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)))
      }
    }
    // totalError from the rows equals the dense J C Jᵀ.
    const cov = prefitCovariance(m)
    const err = totalError(lik, x, cov)
    for (let b = 0; b < m.nbins; b++) {
      let v = 0
      for (let p = 0; p < m.npar; p++)
        for (let q = 0; q < m.npar; q++)
          v += J[b * m.npar + p] * cov[p * m.npar + q] * J[b * m.npar + q]
      expect(err[b]).toBeCloseTo(Math.sqrt(v), 10)
    }
  })

  it('fits 10⁵ bins with HESSE in seconds (time linear in the bins)', () => {
    const m = compileModel(manyBinsWorkspace(100_000))
    const t0 = performance.now()
    const r = fitModel(m, observedData(m), { hesse: true })
    const ms = performance.now() - t0
    expect(r.converged).toBe(true)
    expect(r.hesse?.positiveDefinite).toBe(true)
    // ≈ 0.5 s on one free core; before the sparse rows this fit took minutes.
    expect(ms).toBeLessThan(20_000)
  }, 30_000)

  it('10⁵ bins with staterror: refused with the cause, not "Invalid typed array length"', () => {
    const m = compileModel(manyBinsWorkspace(100_000, true))
    expect(m.npar).toBeGreaterThan(MAX_FIT_PARAMETERS)
    let err: unknown
    try {
      fitModel(m, observedData(m), { hesse: true })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FitSizeError)
    const msg = (err as Error).message
    expect(msg).toMatch(/100006 parameters/)
    expect(msg).toMatch(/100000 from staterror 'staterror_SR'/)
    expect(msg).toMatch(/at most 4096/)
    expect(() => prefitCovariance(m)).toThrow(FitSizeError)
  }, 30_000)
})
