/** −2 ln L: pyhf's constants, analytic gradient, Asimov data, edge cases. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fitModel } from '../../../src/main/engine/stats/fit'
import { numericalHessian } from '../../../src/main/engine/stats/hesse'
import { Likelihood, asimovData, observedData } from '../../../src/main/engine/stats/likelihood'
import { compileModel, type Model } from '../../../src/main/engine/stats/model'
import { applyJsonPatch, getPatch, parsePatchSet } from '../../../src/main/engine/stats/patch'
import { lgamma } from '../../../src/main/engine/stats/special'
import { parseWorkspace } from '../../../src/main/engine/stats/workspace'
import { DATA } from '../io/shared-data'

const VAL = `${DATA}pyhf-validation-workspaces/`
const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'))

function maxGradError(model: Model, x: Float64Array): number {
  const lik = new Likelihood(model, observedData(model))
  const g = new Float64Array(model.npar)
  lik.twiceNllGrad(x, g)
  let worst = 0
  for (let i = 0; i < model.npar; i++) {
    const h = 1e-6 * (1 + Math.abs(x[i]))
    const xp = Float64Array.from(x)
    const xm = Float64Array.from(x)
    xp[i] += h
    xm[i] -= h
    const fd = (lik.twiceNll(xp) - lik.twiceNll(xm)) / (2 * h)
    worst = Math.max(worst, Math.abs(fd - g[i]) / (1 + Math.abs(g[i])))
  }
  return worst
}

describe('twice_nll', () => {
  it('equals −2 ln L with pyhf’s constants (1bin_shapesys by hand)', () => {
    const m = compileModel(parseWorkspace(readJson(`${VAL}1bin_shapesys.json`)))
    const lik = new Likelihood(m, observedData(m))
    const [mu, g] = [0.7, 1.1]
    const tau = (50 / 7) ** 2
    const lam = 10 * mu + 50 * g
    const want =
      -2 *
      (55 * Math.log(lam) - lam - lgamma(56) + tau * Math.log(g * tau) - g * tau - lgamma(tau + 1))
    expect(lik.twiceNll([mu, g])).toBeCloseTo(want, 10)
  })

  it('includes Gaussian normalisations (lumi σ = 0.1)', () => {
    const m = compileModel(parseWorkspace(readJson(`${VAL}1bin_lumi.json`)))
    const lik = new Likelihood(m, observedData(m))
    const [l, mu] = [1.05, 0.5]
    const lam = 20 * mu + 100 * l
    const want =
      -2 * (55 * Math.log(lam) - lam - lgamma(56)) +
      ((1 - l) / 0.1) ** 2 +
      2 * Math.log(0.1) +
      Math.log(2 * Math.PI)
    expect(lik.twiceNll([l, mu])).toBeCloseTo(want, 10)
  })

  it('Asimov data reproduce the expected yields and auxiliary data; non-integer counts are fine', () => {
    const m = compileModel(parseWorkspace(readJson(`${VAL}1bin_shapesys.json`)))
    const a = asimovData(m, [0.3, 1.2])
    expect(a.main[0]).toBeCloseTo(3 + 60, 12)
    expect(a.aux[1]).toBeCloseTo(1.2 * (50 / 7) ** 2, 10)
    const lik = new Likelihood(m, a)
    expect(Number.isFinite(lik.twiceNll([0.3, 1.2]))).toBe(true)
    // The generating point is the minimum of its own Asimov likelihood: zero gradient.
    const g = new Float64Array(2)
    lik.twiceNllGrad([0.3, 1.2], g)
    expect(Math.abs(g[0]) + Math.abs(g[1])).toBeLessThan(1e-10)
  })
})

describe('analytic gradient = central finite differences (relative 1e-6)', () => {
  const points = (m: Model): Float64Array => {
    const x = Float64Array.from(m.init)
    for (let i = 0; i < x.length; i++) x[i] += 0.3 * Math.sin(3 * i + 1)
    return x
  }
  for (const codes of [
    { normsys: 'code1', histosys: 'code0' },
    { normsys: 'code4', histosys: 'code4p' },
    { normsys: 'code4', histosys: 'code2' },
  ] as const) {
    it(`validation models, ${codes.normsys}/${codes.histosys}`, () => {
      for (const f of [
        '1bin_normsys',
        '2bin_histosys',
        '2bin_2channel_couplednorm',
        '2bin_2channel_coupledhistosys',
        '2bin_2channel_coupledshapefactor',
        '1bin_lumi',
      ]) {
        const m = compileModel(parseWorkspace(readJson(`${VAL}${f}.json`)), { codes })
        expect(maxGradError(m, points(m)), f).toBeLessThan(1e-6)
      }
    })
  }
  it('ATLAS 1Lbb with a signal patch (126 parameters), inside and outside |α| < 1', () => {
    const ps = parsePatchSet(
      readJson(`${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_patchset_subset.json`),
    )
    const ws = applyJsonPatch(
      readJson(`${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_BkgOnly.json`),
      getPatch(ps, 'C1N2_Wh_hbb_900_250'),
    )
    const m = compileModel(parseWorkspace(ws))
    const x = points(m)
    for (let i = 0; i < x.length; i += 3) if (m.constraint[i] === 1 && m.sigma[i] === 1) x[i] *= 5
    expect(maxGradError(m, x)).toBeLessThan(1e-5)
  })
})

describe('analytic Hessian = finite differences of the analytic gradient (1e-6 of the scale)', () => {
  const compare = (m: Model, x: Float64Array): number => {
    const lik = new Likelihood(m, observedData(m))
    const H = lik.hessian(x)
    const free = [...Array(m.npar).keys()]
    const N = numericalHessian(
      (p, g) => lik.twiceNllGrad(p, g),
      x,
      free,
      undefined,
      undefined,
      new Float64Array(m.npar).fill(1e-5),
    )
    let scale = 0
    for (const v of N) scale = Math.max(scale, Math.abs(v))
    let worst = 0
    for (let i = 0; i < H.length; i++)
      worst = Math.max(worst, Math.abs(H[i] - N[i]) / (1e-3 * scale + Math.abs(N[i])))
    return worst
  }
  it('validation models with every code, α inside and outside ±1', () => {
    for (const codes of [
      { normsys: 'code1', histosys: 'code0' },
      { normsys: 'code4', histosys: 'code4p' },
      { normsys: 'code4', histosys: 'code2' },
    ] as const) {
      for (const f of [
        '1bin_normsys',
        '2bin_histosys',
        '2bin_2channel_couplednorm',
        '2bin_2channel_coupledhistosys',
        '2bin_2channel_coupledshapefactor',
        '1bin_lumi',
        '1bin_shapesys',
      ]) {
        const m = compileModel(parseWorkspace(readJson(`${VAL}${f}.json`)), { codes })
        for (const amp of [0.3, 1.7]) {
          const x = Float64Array.from(m.init)
          for (let i = 0; i < x.length; i++)
            x[i] += (m.constraint[i] === 1 && m.sigma[i] === 1 ? amp : 0.2) * Math.sin(3 * i + 1)
          expect(compare(m, x), `${f} ${codes.normsys}/${codes.histosys}`).toBeLessThan(1e-6)
        }
      }
    }
  })
  it('ATLAS 1Lbb with a signal patch, a μ = 0 factor included', () => {
    const ps = parsePatchSet(
      readJson(`${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_patchset_subset.json`),
    )
    const m = compileModel(
      parseWorkspace(
        applyJsonPatch(
          readJson(`${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_BkgOnly.json`),
          getPatch(ps, 'C1N2_Wh_hbb_900_250'),
        ),
      ),
    )
    const x = Float64Array.from(m.init)
    for (let i = 0; i < x.length; i++)
      x[i] += (m.constraint[i] === 1 && m.sigma[i] === 1 ? 1.5 : 0.1) * Math.sin(3 * i + 1)
    expect(compare(m, x)).toBeLessThan(1e-6)
    x[m.poi] = 0
    expect(compare(m, x)).toBeLessThan(1e-6)
  })
})

describe('Fisher information', () => {
  it('equals the Hessian at the point that generated the Asimov data', () => {
    const m = compileModel(parseWorkspace(readJson(`${VAL}2bin_2channel_couplednorm.json`)))
    const x = Float64Array.from(m.init)
    x[0] = 0.4
    const lik = new Likelihood(m, asimovData(m, x))
    const F = lik.fisher(x)
    const free = [...Array(m.npar).keys()]
    const H = numericalHessian((p, g) => lik.twiceNllGrad(p, g), x, free)
    for (let i = 0; i < F.length; i++) expect(F[i]).toBeCloseTo(H[i], 5)
  })
})

describe('edge cases', () => {
  const base = (bkg: number[], obs: number[], lo = [1, 1]): unknown => ({
    version: '1.0.0',
    channels: [
      {
        name: 'c',
        samples: [
          { name: 's', data: [1, 1], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
          {
            name: 'b',
            data: bkg,
            modifiers: [
              {
                name: 'h',
                type: 'histosys',
                data: { hi_data: [bkg[0] + 1, bkg[1] + 1], lo_data: lo },
              },
            ],
          },
          { name: 'z', data: [0, 0], modifiers: [] },
        ],
      },
      { name: 'empty', samples: [{ name: 'z', data: [0], modifiers: [] }] },
    ],
    observations: [
      { name: 'c', data: obs },
      { name: 'empty', data: [0] },
    ],
    measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
  })

  it('a bin with zero expectation and zero count contributes nothing; the fit converges', () => {
    const m = compileModel(parseWorkspace(base([5, 5], [6, 4])))
    const r = fitModel(m, observedData(m), { hesse: true })
    expect(r.converged).toBe(true)
    expect(Number.isFinite(r.twiceNll)).toBe(true)
  })

  it('zero expectation with a count: −2 ln L = ∞ and the fit says it did not converge', () => {
    const w = base([5, 5], [6, 4]) as { observations: { data: number[] }[] }
    w.observations[1].data = [3]
    const m = compileModel(parseWorkspace(w))
    expect(new Likelihood(m, observedData(m)).twiceNll(m.init)).toBe(Infinity)
    const r = fitModel(m, observedData(m))
    expect(r.converged).toBe(false)
    expect(r.message).toMatch(/not finite/)
  })

  it('negative yields after interpolation are clipped to 0 and reported', () => {
    // lo_data [−20, −20]: at α = −2 (code0) the background is 5 − 2·25 < 0 in both bins.
    const m = compileModel(parseWorkspace(base([5, 5], [0, 0], [-20, -20])), {
      codes: { normsys: 'code1', histosys: 'code0' },
    })
    const lik = new Likelihood(m, observedData(m))
    const x = Float64Array.from(m.init)
    x[0] = -2
    x[1] = 0
    expect(Number.isFinite(lik.twiceNll(x))).toBe(true)
    expect(lik.clippedBins).toBe(2)
    expect(Array.from(asimovData(m, x).main.slice(0, 2))).toEqual([0, 0])
  })
})
