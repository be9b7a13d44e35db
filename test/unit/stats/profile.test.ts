/** HESSE, MINOS, profile scans, pulls and impacts, hypothesis-test bookkeeping. */
import { describe, expect, it } from 'vitest'
import { CancelledError, silentContext } from '../../../src/main/engine/jobs/context'
import {
  AsymptoticCalculator,
  discoverySignificance,
  hypotest,
  pValues,
} from '../../../src/main/engine/stats/asymptotics'
import { fitLikelihood } from '../../../src/main/engine/stats/fit'
import { Likelihood, observedData } from '../../../src/main/engine/stats/likelihood'
import { interp, upperLimit } from '../../../src/main/engine/stats/limit'
import { compileModel } from '../../../src/main/engine/stats/model'
import { minos } from '../../../src/main/engine/stats/minos'
import { pulls } from '../../../src/main/engine/stats/pulls'
import { impacts } from '../../../src/main/engine/stats/ranking'
import { linspace, profileScan } from '../../../src/main/engine/stats/scan'
import { normalCdf } from '../../../src/main/engine/stats/special'
import { parseWorkspace, type Workspace } from '../../../src/main/engine/stats/workspace'

/** A counting experiment: signal s·μ + background b·(normsys) with a Gaussian-only nuisance. */
function counting(
  s: number,
  b: number,
  n: number,
  extra: object[] = [],
  params: object[] = [],
): Workspace {
  return parseWorkspace({
    version: '1.0.0',
    channels: [
      {
        name: 'c',
        samples: [
          { name: 'sig', data: [s], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
          {
            name: 'bkg',
            data: [b],
            modifiers: [{ name: 'bn', type: 'normsys', data: { hi: 1.05, lo: 0.95 } }],
          },
          // Nominal 0: its modifiers enter only through their constraints (pure Gaussians).
          { name: 'ghost', data: [0], modifiers: extra },
        ],
      },
    ],
    observations: [{ name: 'c', data: [n] }],
    measurements: [{ name: 'm', config: { poi: 'mu', parameters: params } }],
  })
}

describe('MINOS', () => {
  it('equals HESSE on a Gaussian likelihood (1e-6)', () => {
    const ws = counting(
      10,
      100,
      110,
      [
        { name: 'g', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
        { name: 'lumi', type: 'lumi', data: null },
      ],
      [{ name: 'lumi', auxdata: [1], sigmas: [0.2], bounds: [[0, 10]] }],
    )
    const m = compileModel(ws)
    const lik = new Likelihood(m, observedData(m))
    const best = fitLikelihood(lik, { hesse: true, tol: 1e-8 })
    for (const [name, sigma] of [
      ['g', 1],
      ['lumi', 0.2],
    ] as const) {
      const p = m.parNames.indexOf(name)
      expect(best.hesse!.errors[p]).toBeCloseTo(sigma, 6)
      const e = minos(lik, best, p, { xtol: 1e-8 })
      expect(e.valid).toBe(true)
      expect(e.lower).toBeCloseTo(-sigma, 6)
      expect(e.upper).toBeCloseTo(sigma, 6)
    }
  })

  it('approaches HESSE for a large-count Poisson POI and is asymmetric for small counts', () => {
    const big = compileModel(counting(1e5, 1e6, 1.1e6))
    const likB = new Likelihood(big, observedData(big))
    const bestB = fitLikelihood(likB, { hesse: true, tol: 1e-8 })
    const eB = minos(likB, bestB, big.poi)
    const sB = bestB.hesse!.errors[big.poi]
    expect(Math.abs(-eB.lower / sB - 1)).toBeLessThan(2e-3)
    expect(Math.abs(eB.upper / sB - 1)).toBeLessThan(2e-3)
    const small = compileModel(counting(5, 2, 6))
    const likS = new Likelihood(small, observedData(small))
    const bestS = fitLikelihood(likS, { hesse: true })
    const eS = minos(likS, bestS, small.poi)
    expect(eS.upper).toBeGreaterThan(-eS.lower)
  })

  it('stops at a bound and says so', () => {
    const m = compileModel(counting(10, 100, 95))
    const lik = new Likelihood(m, observedData(m))
    const best = fitLikelihood(lik, { hesse: true })
    expect(best.x[m.poi]).toBe(0)
    expect(best.atBound).toContain(m.poi)
    const e = minos(lik, best, m.poi)
    expect(e.lowerAtLimit).toBe(true)
    expect(e.lower).toBe(0)
    expect(e.upper).toBeGreaterThan(0)
  })
})

describe('profile scan', () => {
  it('is ≥ 0, 0 at μ̂, and crosses 1 at the MINOS errors', () => {
    const m = compileModel(counting(20, 100, 130))
    const lik = new Likelihood(m, observedData(m))
    const best = fitLikelihood(lik, { hesse: true, tol: 1e-8 })
    const e = minos(lik, best, m.poi, { xtol: 1e-8 })
    const muHat = best.x[m.poi]
    const s = profileScan(lik, best, m.poi, [
      muHat + e.lower,
      muHat,
      muHat + e.upper,
      ...linspace(0, 4, 9),
    ])
    expect(s.deltaTwiceNll[0]).toBeCloseTo(1, 5)
    expect(s.deltaTwiceNll[1]).toBeCloseTo(0, 8)
    expect(s.deltaTwiceNll[2]).toBeCloseTo(1, 5)
    expect(s.deltaTwiceNll.every((d) => d > -1e-8)).toBe(true)
    expect(s.converged.every(Boolean)).toBe(true)
    expect(s.belowMinimum).toBe(false)
  })
})

describe('pulls and impacts', () => {
  it('pull of an over-fluctuation and the impact sign of a background normsys', () => {
    const m = compileModel(counting(20, 100, 130))
    const lik = new Likelihood(m, observedData(m))
    // Background-only (μ held at 0): the excess pulls the background normalisation up.
    const bonly = fitLikelihood(lik, { hesse: true, fix: { [m.poi]: 0 } })
    const bn = pulls(m, bonly).find((p) => p.name === 'bn')!
    expect(bn.pull).toBeGreaterThan(0.5)
    expect(bn.constraint).toBeLessThan(1)
    expect(pulls(m, bonly).some((p) => p.name === 'mu')).toBe(false)
    const best = fitLikelihood(lik, { hesse: true })
    const imp = impacts(lik, best)
    const i = imp.find((p) => p.name === 'bn')!
    // More background ⇒ less signal.
    expect(i.postfit[0]).toBeLessThan(0)
    expect(i.postfit[1]).toBeGreaterThan(0)
    // One bin: the data cannot constrain bn beyond its prior, so post-fit ≤ pre-fit (equal here).
    expect(Math.abs(i.prefit[0])).toBeGreaterThanOrEqual(Math.abs(i.postfit[0]) - 1e-9)
  })
})

describe('hypothesis tests', () => {
  it('p-values follow the asymptotic formulae (q̃ branch above √q_A)', () => {
    const p = pValues(9, 4, 'qtilde')
    expect(p.teststat).toBeCloseTo((9 - 4) / 4, 15)
    expect(p.clsb).toBeCloseTo(normalCdf(-(1.25 + 2)), 15)
    expect(p.cls).toBeCloseTo(normalCdf(-3.25) / normalCdf(-1.25), 15)
    expect(pValues(0, 0, 'qtilde').cls).toBe(1)
    const q = pValues(1, 4, 'q')
    expect(q.clsExp[2]).toBeCloseTo(2 * normalCdf(-2), 15)
  })

  it('q0: Z = √q0 and matches the simple-counting formula without nuisance constraint effects', () => {
    // Only the background normsys (σ 5 %) remains; compare with a direct profile of q0.
    const m = compileModel(counting(30, 100, 150))
    const r = discoverySignificance(m, observedData(m))
    expect(r.converged).toBe(true)
    expect(r.zObs).toBeCloseTo(Math.sqrt(r.q0), 12)
    expect(r.pObs).toBeCloseTo(normalCdf(-r.zObs), 12)
    expect(r.zObs).toBeGreaterThan(2)
    expect(r.zObs).toBeLessThan(5)
  })

  it('q0: infinite when a bin has data and signal but no background, and says which bin', () => {
    const m = compileModel(counting(5, 0, 4))
    const r = discoverySignificance(m, observedData(m))
    expect(r.zObs).toBe(Infinity)
    expect(r.warnings[0]).toMatch(
      /q₀ is infinite: with μ = 0 the model expects no events in c bin 1/,
    )
    // With background the same call is finite and says nothing of the kind.
    const ok = compileModel(counting(5, 1, 4))
    const f = discoverySignificance(ok, observedData(ok))
    expect(Number.isFinite(f.zObs)).toBe(true)
    expect(f.warnings.join()).not.toMatch(/infinite/)
  })

  it('rejects a fixed POI, a missing POI and μ outside the bounds', () => {
    const fixedPoi = counting(10, 100, 110, [], [{ name: 'mu', fixed: true }])
    expect(() => hypotest(compileModel(fixedPoi), observedData(compileModel(fixedPoi)), 1)).toThrow(
      /POI 'mu' is fixed/,
    )
    const noPoi = compileModel(counting(10, 100, 110), { poi: null })
    expect(() => hypotest(noPoi, observedData(noPoi), 1)).toThrow(/no parameter of interest/)
    const m = compileModel(counting(10, 100, 110))
    expect(() => hypotest(m, observedData(m), 11)).toThrow(/outside the POI bounds \[0, 10\]/)
  })

  it('reuses the μ-independent fits across μ and honours cancellation', () => {
    const m = compileModel(counting(10, 100, 110))
    const calc = new AsymptoticCalculator(m, observedData(m))
    const a = calc.hypotest(1)
    const b = calc.hypotest(2)
    expect(b.cls).toBeLessThan(a.cls)
    const ac = new AbortController()
    ac.abort()
    expect(() => upperLimit(m, observedData(m), { ctx: silentContext(ac.signal) })).toThrow(
      CancelledError,
    )
  })

  it('limits above the POI upper bound are found (μ held beyond it) and flagged', () => {
    const m = compileModel(counting(1, 10, 10))
    const r = upperLimit(m, observedData(m))
    expect(r.exp[4]).toBeGreaterThan(10)
    expect(r.warnings.join()).toMatch(/above the POI upper bound 10/)
    const calc = new AsymptoticCalculator(m, observedData(m), { beyondUpperBound: true })
    expect(calc.hypotest(r.exp[4]).clsExp[4]).toBeCloseTo(0.05, 6)
  })

  it('numpy.interp semantics', () => {
    expect(interp(0.5, [0, 1], [10, 20])).toBe(15)
    expect(interp(-1, [0, 1], [10, 20])).toBe(10)
    expect(interp(2, [0, 1], [10, 20])).toBe(20)
  })
})
