/**
 * Conformance of the likelihood engine with pyhf's validation suite and with ROOT.
 *
 * About the tolerances against pyhf's numbers: pyhf's reference CLs come from its default
 * optimiser, scipy SLSQP (ftol 1e-6), whose fixed-POI fit that generates the Asimov data stops
 * short of the minimum (1bin_shapesys: γ = 1.0495174 where the exact minimum is
 * (55 + τ)/(50 + τ) = 1.0494949). Re-running pyhf's procedure with SLSQP in scipy reproduces the
 * references to 1e-9; an exact minimisation (scipy L-BFGS-B, gtol 1e-11, written independently
 * of this code) differs from them by up to 3.3e-4 (1bin_shapesys_q0, the 1e-5 tail of the
 * expected band) and agrees with this engine to < 2e-7. So each case is checked twice:
 * against pyhf's references at max(pyhf's own tolerance, 5e-4), and against the exact values
 * at 1e-6 where the independent computation covers the modifiers.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { hypotest } from '../../../src/main/engine/stats/asymptotics'
import { fitLikelihood, fitModel } from '../../../src/main/engine/stats/fit'
import { ROOT_CODES } from '../../../src/main/engine/stats/interpolation'
import { Likelihood, observedData } from '../../../src/main/engine/stats/likelihood'
import { upperLimit, upperLimitScan } from '../../../src/main/engine/stats/limit'
import { compileModel } from '../../../src/main/engine/stats/model'
import { minos } from '../../../src/main/engine/stats/minos'
import { linspace } from '../../../src/main/engine/stats/scan'
import { parseWorkspace, type Workspace } from '../../../src/main/engine/stats/workspace'
import { DATA } from '../io/shared-data'

const VAL = `${DATA}pyhf-validation-workspaces/`
const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'))
const reference = readJson(`${DATA}reference.json`) as Record<string, Record<string, unknown>>

interface Case {
  case: string
  workspace: string
  mu: number
  test_stat: 'q' | 'q0' | 'qtilde'
  interpolation: { normsys: 'code1' | 'code4'; histosys: 'code0' | 'code4p' }
  rel_tolerance: number
  expected: { obs: number; exp: number[] }
}
const cases = (readJson(`${VAL}cases.json`) as { cases: Case[] }).cases

/** Exact values (independent scipy computation, see the header). */
const EXACT: Record<string, { obs: number; exp: number[] }> = {
  '1bin_shapesys': {
    obs: 0.4541865301901596,
    exp: [
      0.06371798271616448, 0.15096501471275836, 0.32796066824300596, 0.6046087046005075,
      0.8662627473970537,
    ],
  },
  '1bin_shapesys_q0': {
    obs: 0.003936878440203961,
    exp: [
      1.2208769723626316e-5, 0.0006406910961560565, 0.013205408037684744, 0.11121023334893032,
      0.41288995784145227,
    ],
  },
  '1bin_normsys': {
    obs: 0.0006735341322725396,
    exp: [
      7.472800562370852e-10, 5.741882384887953e-8, 3.690198093121072e-6, 0.00016967167310067617,
      0.004392991212848412,
    ],
  },
  '2bin_2channel': {
    obs: 0.05633262833777949,
    exp: [
      0.00043491377722762985, 0.0034223014709192806, 0.023374239832502648, 0.12186544751311,
      0.40382078878262334,
    ],
  },
  '2bin_2channel_couplednorm': {
    obs: 0.5906276448464951,
    exp: [
      0.055229263056386584, 0.1361419481712929, 0.3068858887228326, 0.5839609074006009,
      0.8554799633040149,
    ],
  },
  '2bin_2channel_coupledshapefactor': {
    obs: 0.5421679148782429,
    exp: [
      0.013753301340294065, 0.048887403808072154, 0.15555297066117488, 0.40075614644614227,
      0.7357169727244874,
    ],
  },
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)

/** pyhf.simplemodels.uncorrelated_background as a workspace. */
function uncorrelatedBackground(
  signal: number[],
  bkg: number[],
  unc: number[],
  obs: number[],
): Workspace {
  return parseWorkspace({
    version: '1.0.0',
    channels: [
      {
        name: 'singlechannel',
        samples: [
          {
            name: 'signal',
            data: signal,
            modifiers: [{ name: 'mu', type: 'normfactor', data: null }],
          },
          {
            name: 'background',
            data: bkg,
            modifiers: [{ name: 'uncorr_bkguncrt', type: 'shapesys', data: unc }],
          },
        ],
      },
    ],
    observations: [{ name: 'singlechannel', data: obs }],
    measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
  })
}

describe('pyhf validation cases (test/data/pyhf-validation-workspaces/cases.json)', () => {
  for (const c of cases) {
    it(`${c.case}: ${c.test_stat} at μ = ${c.mu}`, () => {
      const model = compileModel(parseWorkspace(readJson(VAL + c.workspace)), {
        codes: c.interpolation,
      })
      const r = hypotest(model, observedData(model), c.mu, { testStat: c.test_stat })
      expect(r.converged).toBe(true)
      const tol = Math.max(c.rel_tolerance, 5e-4)
      expect(rel(r.cls, c.expected.obs)).toBeLessThan(tol)
      r.clsExp.forEach((v, i) => expect(rel(v, c.expected.exp[i])).toBeLessThan(tol))
      const exact = EXACT[c.case]
      if (exact) {
        expect(rel(r.cls, exact.obs)).toBeLessThan(1e-6)
        r.clsExp.forEach((v, i) => expect(rel(v, exact.exp[i])).toBeLessThan(1e-6))
      }
    })
  }

  it('matches the ROOT reference of pyhf test_shapesys_nuisparfilter_validation (atol 1e-4, rtol 1e-5 as pyhf)', () => {
    // ROOT numbers from pyhf tests/test_validation.py; a shapesys bin without uncertainty is fixed.
    const ws = parseWorkspace({
      version: '1.0.0',
      channels: [
        {
          name: 'channel1',
          samples: [
            {
              name: 'signal',
              data: [20, 10],
              modifiers: [{ name: 'SigXsecOverSM', type: 'normfactor', data: null }],
            },
            {
              name: 'background1',
              data: [100, 10],
              modifiers: [{ name: 'syst', type: 'shapesys', data: [10, 0] }],
            },
          ],
        },
      ],
      observations: [{ name: 'channel1', data: [100, 10] }],
      measurements: [
        {
          name: 'GaussExample',
          config: {
            poi: 'SigXsecOverSM',
            parameters: [
              { name: 'lumi', auxdata: [1], bounds: [[0.5, 1.5]], inits: [1], sigmas: [0.1] },
            ],
          },
        },
      ],
    })
    const model = compileModel(ws)
    expect(model.warnings.join()).toMatch(/lumi/)
    const r = hypotest(model, observedData(model), 1)
    const root = {
      obs: 0.004360634405484502,
      exp: [
        2.702197937866914e-5, 0.00037099917612576155, 0.004360634386335687, 0.03815031509701916,
        0.20203027564155074,
      ],
    }
    expect(Math.abs(r.cls - root.obs)).toBeLessThan(1e-4 + 1e-5 * root.obs)
    r.clsExp.forEach((v, i) =>
      expect(Math.abs(v - root.exp[i])).toBeLessThan(1e-4 + 1e-5 * root.exp[i]),
    )
  })

  it('reproduces the AsymptoticCalculator docstring example (pyhf prints 8 digits; 5e-4 for SLSQP)', () => {
    const model = compileModel(uncorrelatedBackground([12, 11], [50, 52], [3, 7], [51, 48]))
    const r = hypotest(model, observedData(model), 1)
    expect(rel(r.clsb, 0.02332502)).toBeLessThan(5e-4)
    expect(rel(r.clb, 0.4441594)).toBeLessThan(5e-4)
    expect(rel(r.cls, 0.05251497)).toBeLessThan(5e-4)
    const exp = [0.00260626, 0.01382005, 0.06445321, 0.23525644, 0.57303621]
    r.clsExp.forEach((v, i) => expect(rel(v, exp[i])).toBeLessThan(5e-4))
    // μ̂ < 0 is clipped at the POI bound 0, as in pyhf's free_fit_to_data [0, 1.0030512, 0.96266961].
    expect(r.muHat).toBe(0)
  })
})

describe('upper limits (reference.json pyhf_test_infer_toy, pyhf_notebook_outputs)', () => {
  const toy = reference.pyhf_test_infer_toy as { observed_limit: number; expected_limits: number[] }
  const model = compileModel(uncorrelatedBackground([12, 11], [50, 52], [3, 7], [51, 48]))

  it('linear scan np.linspace(0, 5, 11) as pyhf test_upper_limit (rel 2e-5: the SLSQP noise above)', () => {
    const r = upperLimitScan(model, observedData(model), linspace(0, 5, 11))
    expect(rel(r.obs, toy.observed_limit)).toBeLessThan(2e-5)
    r.exp.forEach((v, i) => expect(rel(v, toy.expected_limits[i])).toBeLessThan(2e-5))
  })

  it('root finding as pyhf upper_limit(rtol=1e-6) (1.01156939; rel 2e-5)', () => {
    const r = upperLimit(model, observedData(model))
    expect(r.converged).toBe(true)
    expect(rel(r.obs, 1.01156939)).toBeLessThan(2e-5)
    const exp = [0.55988001, 0.75702336, 1.06234693, 1.50116923, 2.05078596]
    r.exp.forEach((v, i) => expect(rel(v, exp[i])).toBeLessThan(2e-5))
    // At the limits CLs is the level itself.
    const calc = hypotest(model, observedData(model), r.obs)
    expect(calc.cls).toBeCloseTo(0.05, 6)
  })

  it('notebook multiBinPois (1bin_example1, scan 0..5 in 61): rel 3e-5 (older pyhf, SLSQP)', () => {
    const nb = reference.pyhf_notebook_outputs.multiBinPois_1bin_example1 as {
      expected_upper_limits: number[]
      observed_upper_limit: number
    }
    const m = compileModel(uncorrelatedBackground([10], [50], [7], [55]))
    const r = upperLimitScan(m, observedData(m), linspace(0, 5, 61))
    expect(rel(r.obs, nb.observed_upper_limit)).toBeLessThan(3e-5)
    r.exp.forEach((v, i) => expect(rel(v, nb.expected_upper_limits[i])).toBeLessThan(3e-5))
  })

  it('notebook multichannel_coupled_histo: same expected data at the μ = 0 fit; its free fit was a local minimum', () => {
    const nb = reference.pyhf_notebook_outputs.multichannel_coupled_histo as {
      unconstrained_fit_pars: number[]
      fixed_poi0_fit_pars: number[]
      expected_data_at_fixed_fit: number[]
    }
    const m = compileModel(parseWorkspace(readJson(`${VAL}2bin_2channel_coupledhistosys.json`)))
    const lik = new Likelihood(m, observedData(m))
    // Parameters [coupled_histosys, mu]; channels ordered control, signal as pyhf.
    const fixed0 = fitLikelihood(lik, { fix: { 1: 0 }, tol: 1e-8 })
    // SLSQP left the notebook's α 9e-5 from the minimum; the yields move by < 1e-5 for that.
    expect(fixed0.x[0]).toBeCloseTo(nb.fixed_poi0_fit_pars[0], 3)
    const lam = lik.expected(fixed0.x)
    nb.expected_data_at_fixed_fit
      .slice(0, 4)
      .forEach((v, i) => expect(rel(lam[i], v)).toBeLessThan(1e-5))
    // With the notebook's own parameters the yields agree to rounding (code4p histosys).
    const atNb = lik.expected(nb.fixed_poi0_fit_pars)
    nb.expected_data_at_fixed_fit
      .slice(0, 4)
      .forEach((v, i) => expect(rel(atNb[i], v)).toBeLessThan(1e-8))
    // The notebook's unconstrained fit is a local minimum: started there we stay, and the
    // global minimum (found from the default start) is lower by 1.47 in −2 ln L. Its limits
    // (obs 1.545) inherit that and are not reproduced.
    const local = fitLikelihood(lik, { init: nb.unconstrained_fit_pars })
    expect(local.x[0]).toBeCloseTo(nb.unconstrained_fit_pars[0], 2)
    expect(local.x[1]).toBeCloseTo(nb.unconstrained_fit_pars[1], 2)
    const global = fitLikelihood(lik)
    expect(local.twiceNll - global.twiceNll).toBeGreaterThan(1.4)
  })
})

describe('ROOT fit of xmlimport_input (reference.json root_hist2workspace_fit_xmlimport_input)', () => {
  // pyhf's JSON of the same model (validation/xmlimport_input_bkg.json) with ROOT's observed
  // data [122, 112] (pyhf test_import asserts these), staterror with ROOT's Poisson (Gamma)
  // constraint as the channel XML sets, normsys code1 as ROOT.
  const ref = reference.root_hist2workspace_fit_xmlimport_input as {
    MIGRAD_HESSE: Record<string, [number, number]>
    MINOS: Record<string, [number, number]>
  }
  const ws = readJson(`${DATA}pyhf/validation/xmlimport_input_bkg.json`) as {
    observations: { data: number[] }[]
  }
  ws.observations[0].data = [122, 112]
  const model = compileModel(parseWorkspace(ws), {
    codes: ROOT_CODES,
    staterrorConstraint: 'poisson',
  })
  const names: Record<string, string> = {
    SigXsecOverSM: 'SigXsecOverSM',
    alpha_syst2: 'syst2',
    alpha_syst3: 'syst3',
    gamma_stat_channel1_bin_0: 'staterror_channel1[0]',
    gamma_stat_channel1_bin_1: 'staterror_channel1[1]',
  }
  const lik = new Likelihood(model, observedData(model))
  const best = fitLikelihood(lik, { hesse: true, tol: 1e-6 })

  it('ROOT’s best fit lies within Minuit’s default tolerance of ours', () => {
    expect(best.converged).toBe(true)
    // ROOT (RooMinimizer, EDM < 1e-3 on −ln L) stops where −2 ln L is ≤ 2e-3 above the minimum;
    // its point is 3e-5 above ours, so parameter differences up to ~0.01σ are Minuit's, not ours.
    const x = Float64Array.from(best.x)
    for (const [rootName, ours] of Object.entries(names))
      x[model.parNames.indexOf(ours)] = ref.MIGRAD_HESSE[rootName][0]
    const d = lik.twiceNll(x) - best.twiceNll
    expect(d).toBeGreaterThanOrEqual(-1e-9)
    expect(d).toBeLessThan(2e-3)
    for (const [rootName, ours] of Object.entries(names)) {
      const p = model.parNames.indexOf(ours)
      const [v, e] = ref.MIGRAD_HESSE[rootName]
      expect(Math.abs(best.x[p] - v)).toBeLessThan(0.01 * e)
    }
  })

  it('HESSE errors agree to 1 %, the bounded POI to 3.5 % (Minuit’s errors come through its sin transform)', () => {
    for (const [rootName, ours] of Object.entries(names)) {
      const p = model.parNames.indexOf(ours)
      const e = ref.MIGRAD_HESSE[rootName][1]
      expect(rel(best.hesse!.errors[p], e)).toBeLessThan(
        rootName === 'SigXsecOverSM' ? 0.035 : 0.01,
      )
    }
  })

  it('MINOS errors agree to 0.005 absolute (ROOT’s minimum precision above)', () => {
    for (const [rootName, ours] of Object.entries(names)) {
      const p = model.parNames.indexOf(ours)
      const m = minos(lik, best, p)
      expect(m.valid).toBe(true)
      const [lo, hi] = ref.MINOS[rootName]
      expect(Math.abs(m.lower - lo)).toBeLessThan(0.005)
      expect(Math.abs(m.upper - hi)).toBeLessThan(0.005)
    }
  })
})

describe('fits of the validation models', () => {
  it('HistFactory fit converges with valid covariance on every case', () => {
    for (const c of cases) {
      const model = compileModel(parseWorkspace(readJson(VAL + c.workspace)), {
        codes: c.interpolation,
      })
      const r = fitModel(model, observedData(model), { hesse: true })
      expect(r.converged, c.case).toBe(true)
      expect(r.hessianPositiveDefinite, c.case).toBe(true)
    }
  })
})
