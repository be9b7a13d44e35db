/**
 * Real published likelihoods: ATLAS SUSY-2019-08 1Lbb (background-only workspace + its signal
 * patchset subset) and the ATLAS sbottom multi-b regions A/B/C (background-only workspaces +
 * HEPData JSON Patches). They must load, fit, converge and give CLs for every patch.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { hypotest } from '../../../src/main/engine/stats/asymptotics'
import { fitModel } from '../../../src/main/engine/stats/fit'
import { observedData } from '../../../src/main/engine/stats/likelihood'
import { compileModel } from '../../../src/main/engine/stats/model'
import {
  applyJsonPatch,
  listPatches,
  parseJsonPatch,
  parsePatchSet,
} from '../../../src/main/engine/stats/patch'
import { parseWorkspace } from '../../../src/main/engine/stats/workspace'
import { DATA } from '../io/shared-data'

const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'))

describe('ATLAS 1Lbb (hepdata-pyhf-extractor_1Lbb)', () => {
  const bkg = readJson(`${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_BkgOnly.json`)
  const ps = parsePatchSet(readJson(`${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_patchset_subset.json`))

  it('the background-only workspace fits without a POI', () => {
    const model = compileModel(parseWorkspace(bkg), { poi: null })
    expect(model.nbins).toBe(14)
    const r = fitModel(model, observedData(model))
    expect(r.converged).toBe(true)
    expect(r.clippedBins).toBe(0)
  })

  it('every signal patch of the subset: fit converges, CLs at μ = 1 in (0, 1], band ordered', () => {
    const names = listPatches(ps).map((p) => p.name)
    expect(names).toContain('C1N2_Wh_hbb_900_250')
    expect(names).toHaveLength(9)
    for (const p of ps.patches) {
      const model = compileModel(parseWorkspace(applyJsonPatch(bkg, p.patch)))
      expect(model.poiName).toBe('mu_SIG')
      expect(model.npar).toBe(126)
      const data = observedData(model)
      const fit = fitModel(model, data, { hesse: true })
      expect(fit.converged, p.metadata.name).toBe(true)
      expect(fit.hessianPositiveDefinite, p.metadata.name).toBe(true)
      const r = hypotest(model, data, 1)
      expect(r.converged, p.metadata.name).toBe(true)
      expect(r.cls).toBeGreaterThan(0)
      expect(r.cls).toBeLessThanOrEqual(1)
      for (let i = 1; i < 5; i++) expect(r.clsExp[i]).toBeGreaterThan(r.clsExp[i - 1])
    }
  })
})

describe('ATLAS sbottom multi-b (skhep-testdata/sbottom_ins1748602_extracted)', () => {
  const root = `${DATA}skhep-testdata/sbottom_ins1748602_extracted/`
  // pyhf's regression values for these points (scikit-hep/pyhf tests/test_regression.py:
  // q̃μ at μ = 1, normsys code4, histosys code4p). Observed CLs at pyhf's own tolerance (rel
  // 1e-5, 2e-5 for 1400_950_60). The expected band differs from pyhf's by up to 5.5e-5
  // relative, smallest CLs most: the same SLSQP shortfall in the Asimov-generating fit as in
  // validation.test.ts (our numbers move < 2e-6 between fit tolerances 1e-6 and 1e-9), so the
  // band is held to 7e-5 instead of pyhf's 1e-5 … 1.5e-5.
  const points: [string, string, number, number, number[], number][] = [
    [
      'RegionA',
      'patch.sbottom_1300_205_60.json',
      0.24443627759085326,
      1e-5,
      [
        0.09022509053507759, 0.1937839194960632, 0.38432344933992, 0.6557757334303531,
        0.8910420971601081,
      ],
      1.5e-5,
    ],
    [
      'RegionA',
      'patch.sbottom_1400_950_60.json',
      0.021373283911064852,
      2e-5,
      [
        0.0026445531093281147, 0.013976126501170727, 0.06497105816950004, 0.23644030478043676,
        0.5744785776763938,
      ],
      1e-5,
    ],
    [
      'RegionA',
      'patch.sbottom_1500_850_60.json',
      0.045367205665400624,
      1e-5,
      [
        0.00598431785676406, 0.026102240062850574, 0.10093641492218848, 0.31019245951964736,
        0.6553623337518385,
      ],
      1e-5,
    ],
    [
      'RegionB',
      'patch.sbottom_1400_550_60.json',
      0.9744675266677597,
      1e-5,
      [
        0.9338879894557114, 0.9569045303300702, 0.9771296335437559, 0.9916370124133669,
        0.9983701133999316,
      ],
      1e-5,
    ],
    [
      'RegionC',
      'patch.sbottom_1600_850_60.json',
      0.711023707425625,
      1e-5,
      [
        0.2955492909588046, 0.4446885457298284, 0.6371473864200973, 0.8336149623750603,
        0.9585901381554178,
      ],
      1e-5,
    ],
  ]
  for (const [region, patch, obs, obsTol, exp, expTol] of points) {
    it(`${region} ${patch}: converges, CLs as pyhf's regression test`, () => {
      const ws = parseWorkspace(
        applyJsonPatch(
          readJson(`${root}${region}/BkgOnly.json`),
          parseJsonPatch(readJson(`${root}${region}/${patch}`)),
        ),
      )
      const model = compileModel(ws)
      // The patches drop the validation regions; their observations are ignored (and said so).
      expect(model.warnings.some((w) => w.includes('have no channel'))).toBe(true)
      const data = observedData(model)
      const fit = fitModel(model, data)
      expect(fit.converged).toBe(true)
      const r = hypotest(model, data, 1)
      expect(r.converged).toBe(true)
      expect(Math.abs(r.cls - obs) / obs).toBeLessThan(obsTol)
      r.clsExp.forEach((v, i) =>
        expect(Math.abs(v - exp[i])).toBeLessThanOrEqual(1e-8 + Math.max(expTol, 7e-5) * exp[i]),
      )
    })
  }
})
