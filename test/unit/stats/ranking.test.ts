/**
 * The ranking of parameters by impact on the POI, on the published ATLAS 1Lbb likelihood with
 * the C1N2_Wh_hbb_900_250 signal patch: the free normalisation factors are ranked too, by their
 * post-fit impact, as cabinetry's fit.ranking does.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fitLikelihood } from '../../../src/main/engine/stats/fit'
import { Likelihood, observedData } from '../../../src/main/engine/stats/likelihood'
import { compileModel } from '../../../src/main/engine/stats/model'
import { applyJsonPatch, getPatch, parsePatchSet } from '../../../src/main/engine/stats/patch'
import { impacts } from '../../../src/main/engine/stats/ranking'
import { parseWorkspace } from '../../../src/main/engine/stats/workspace'
import { DATA } from '../io/shared-data'

const LBB = `${DATA}hepdata-pyhf-extractor_1Lbb/`
const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'))

describe('impacts on the POI (1Lbb, C1N2_Wh_hbb_900_250)', () => {
  it('ranks the free normalisation factors by their post-fit impact: mu_ST 0.188 and mu_Top 0.176 on top', () => {
    const ps = parsePatchSet(readJson(`${LBB}1Lbb_patchset_subset.json`))
    const ws = applyJsonPatch(
      readJson(`${LBB}1Lbb_BkgOnly.json`),
      getPatch(ps, 'C1N2_Wh_hbb_900_250'),
    )
    const model = compileModel(parseWorkspace(ws))
    const lik = new Likelihood(model, observedData(model))
    const best = fitLikelihood(lik, { hesse: true })
    const list = impacts(lik, best)
    const size = (i: (typeof list)[number]) => Math.max(...i.postfit.map(Math.abs))
    // Every free parameter but the POI (mu_SIG) is ranked; lumi is fixed in this measurement.
    expect(list.map((i) => i.name).sort()).toEqual(
      model.parNames.filter((n, p) => n !== 'mu_SIG' && !model.fixed[p]).sort(),
    )
    expect(list.every((i) => i.converged)).toBe(true)
    // Reference: the comparison with cabinetry (pyhf + iminuit) on this likelihood,
    // quoted to three decimals (mu_ST 0.188, mu_Top 0.176). Tolerance 1e-3: the rounding of
    // those figures (5e-4) plus the two minimisers' precision.
    const st = list.find((i) => i.name === 'mu_ST')!
    const top = list.find((i) => i.name === 'mu_Top')!
    expect(Math.abs(size(st) - 0.188)).toBeLessThan(1e-3)
    expect(Math.abs(size(top) - 0.176)).toBeLessThan(1e-3)
    expect(list.slice(0, 2).map((i) => i.name)).toEqual(['mu_ST', 'mu_Top'])
    for (const i of [st, top]) for (const v of i.postfit) expect(Number.isFinite(v)).toBe(true)
    // A free parameter has no prior width: no pre-fit impact (null on the wire), as cabinetry's 0.
    expect(st.prefit.every(Number.isNaN)).toBe(true)
    // Constrained nuisance parameters keep both.
    const np = list.find((i) => i.name === 'JES_EffectiveNP_Modelling1')!
    expect(np.prefit.every(Number.isFinite)).toBe(true)
  }, 30_000)
})
