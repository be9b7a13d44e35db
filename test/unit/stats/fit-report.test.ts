/** The fit report (stats/fit-report.ts): names, HESSE, MINOS, covariance, minimum, warnings. */
import { describe, expect, it } from 'vitest'
import { hypotest } from '../../../src/main/engine/stats/asymptotics'
import { ERRORDEF, FIT_TOLERANCE, fitLikelihood } from '../../../src/main/engine/stats/fit'
import { fitReport, minosTargets } from '../../../src/main/engine/stats/fit-report'
import { Likelihood, observedData } from '../../../src/main/engine/stats/likelihood'
import { upperLimitScan } from '../../../src/main/engine/stats/limit'
import { compileModel } from '../../../src/main/engine/stats/model'
import { minos } from '../../../src/main/engine/stats/minos'
import { parseWorkspace } from '../../../src/main/engine/stats/workspace'

/**
 * A signal region (μ·s + b with a 5 % normsys) and, optionally, a control bin whose only sample
 * has a negative nominal yield (as NLO simulation can give) and no events: its expectation is
 * negative for every parameter value, so every fit clips it.
 */
function model(negativeBin: boolean, fixedBn = false, n = 63) {
  const channels: object[] = [
    {
      name: 'sr',
      samples: [
        { name: 'sig', data: [10], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
        {
          name: 'bkg',
          data: [50],
          modifiers: [{ name: 'bn', type: 'normsys', data: { hi: 1.05, lo: 0.95 } }],
        },
      ],
    },
  ]
  const observations = [{ name: 'sr', data: [n] }]
  if (negativeBin) {
    channels.push({ name: 'cr', samples: [{ name: 'bkg', data: [-0.5], modifiers: [] }] })
    observations.push({ name: 'cr', data: [0] })
  }
  const parameters = fixedBn ? [{ name: 'bn', fixed: true }] : []
  return compileModel(
    parseWorkspace({
      version: '1.0.0',
      channels,
      observations,
      measurements: [{ name: 'm', config: { poi: 'mu', parameters } }],
    }),
  )
}

describe('fit report', () => {
  it('names the minimiser result: values, HESSE errors, covariance and correlation in named order', () => {
    const m = model(false)
    const lik = new Likelihood(m, observedData(m))
    const { fit, report } = fitReport(lik)
    expect(report.poi).toBe('mu')
    expect(report.parameters.map((p) => p.name)).toEqual(m.parNames)
    expect(report.twiceNll).toBe(fit.twiceNll)
    const n = m.npar
    for (const [p, r] of report.parameters.entries()) {
      expect(r.value).toBe(fit.x[p])
      expect(r.error).toBe(fit.hesse!.errors[p])
      expect(r.bounds).toEqual([m.lower[p], m.upper[p]])
      expect(r.fixed).toBe(false)
      expect(r.minos).toBeNull()
    }
    expect(report.covariance.names).toEqual(m.parNames)
    for (const [a, row] of report.covariance.matrix.entries()) {
      for (const [b, v] of row.entries()) {
        expect(v).toBe(fit.hesse!.covariance[a * n + b])
        expect(v).toBe(report.covariance.matrix[b][a])
      }
      expect(Math.sqrt(row[a]!)).toBe(report.parameters[a].error)
      expect(report.correlation.matrix[a][a]).toBeCloseTo(1, 14)
    }
    // The same tolerance and errordef everywhere; converged means EDM < 0.002 · tol · errordef.
    expect(report.minimum).toMatchObject({
      converged: true,
      valid: true,
      tolerance: FIT_TOLERANCE,
      errordef: ERRORDEF,
      hessianPositiveDefinite: true,
    })
    expect(report.minimum.edm).toBeLessThan(0.002 * FIT_TOLERANCE * ERRORDEF)
    expect(report.minimum.calls).toBe(fit.nfev)
    expect(report.warnings).toEqual([])
    // The report is plain JSON: it survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('carries MINOS as minos() finds it, for names, poi and all', () => {
    const m = model(false)
    const lik = new Likelihood(m, observedData(m))
    const { fit, report } = fitReport(lik, { minos: ['poi'] })
    const e = minos(lik, fitLikelihood(lik, { hesse: true }), m.poi)
    expect(report.parameters[m.poi].minos).toEqual({
      lower: e.lower,
      upper: e.upper,
      valid: true,
      lowerAtLimit: false,
      upperAtLimit: false,
    })
    expect(report.parameters[1 - m.poi].minos).toBeNull()
    expect(fit.hesse).not.toBeNull()
    expect(minosTargets(m, m.fixed, ['all', 'mu'])).toEqual([0, 1])
    expect(minosTargets(m, m.fixed, ['poi', 'poi'])).toEqual([m.poi])
  })

  it('says when a MINOS side stops at the bound (μ ≥ 0 with a small excess)', () => {
    const m = model(false, false, 55)
    const { report } = fitReport(new Likelihood(m, observedData(m)), { minos: ['mu'] })
    const mu = report.parameters[m.poi]
    expect(mu.minos!.lowerAtLimit).toBe(true)
    expect(mu.minos!.lower).toBe(-mu.value)
    expect(mu.minos!.valid).toBe(true)
    expect(report.warnings).toEqual(['MINOS for mu: the lower side stops at the bound 0'])
  })

  it('refuses an unknown or a fixed MINOS parameter before fitting, naming it', () => {
    const m = model(false, true)
    expect(() => minosTargets(m, m.fixed, ['nope'])).toThrow(/no parameter 'nope'/)
    expect(() => minosTargets(m, m.fixed, ['bn'])).toThrow(/'bn' is fixed/)
    expect(minosTargets(m, m.fixed, ['all'])).toEqual([m.poi])
    const { report } = fitReport(new Likelihood(m, observedData(m)))
    const bn = report.parameters.find((p) => p.name === 'bn')!
    expect(bn.fixed).toBe(true)
    expect(bn.error).toBeNull()
    expect(report.covariance.names).toEqual(['mu'])
  })

  it('says what pyhf does with negative expected bins: it clips only with clip_bin_data (opt-in)', () => {
    const m = model(true)
    const data = observedData(m)
    const { report } = fitReport(new Likelihood(m, data))
    expect(report.clippedBins).toBe(1)
    const text = report.warnings.find((w) => /clipped to 0/.test(w))!
    expect(text).toMatch(/^1 bin had a negative expected yield and was clipped to 0/)
    expect(text).toMatch(/only when asked \(clip_bin_data=0\)/)
    expect(text).not.toMatch(/as pyhf does\)/)
    // The hypothesis tests, limits and significance carry the same sentence.
    expect(hypotest(m, data, 1).warnings).toContain(text)
    expect(upperLimitScan(m, data, [0.5, 1, 2]).warnings).toContain(text)
  })
})
