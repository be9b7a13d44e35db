/**
 * Workspace assembly from hand-built histograms: the exact pyhf JSON, closed-form fits of what
 * it builds (one counting bin: μ̂ = (n − b)/s, σ = √n/s), μ = 1 on its own Asimov data with
 * every kind of systematic, and the recipe errors a user can make.
 */
import { describe, expect, it } from 'vitest'
import {
  BuildError,
  buildWorkspace,
  type ChannelInput,
} from '../../../src/main/engine/stats/build-workspace'
import { fitModel } from '../../../src/main/engine/stats/fit'
import { observedData } from '../../../src/main/engine/stats/likelihood'
import { compileModel, requirePar } from '../../../src/main/engine/stats/model'
import { parseWorkspace } from '../../../src/main/engine/stats/workspace'

const SR: ChannelInput = {
  name: 'SR',
  samples: [
    {
      name: 'sig',
      signal: true,
      nominal: { sumw: [4, 9], sumw2: [1, 4] },
      histosys: [],
    },
    {
      name: 'bkg',
      signal: false,
      nominal: { sumw: [50, 30], sumw2: [9, 16] },
      histosys: [{ name: 'jes', up: [55, 31], down: [46, 29] }],
    },
  ],
  data: [57, 40],
}

describe('buildWorkspace', () => {
  it('writes the pyhf JSON a HistFactory user expects', () => {
    const built = buildWorkspace([SR], {
      normsys: [{ name: 'bkg_norm', samples: ['bkg'], lo: 0.9, hi: 1.1 }],
      lumi: { value: 140, sigma: 2.8 },
    })
    expect(built.data).toEqual({ SR: 'observed' })
    expect(built.warnings).toEqual([])
    expect(JSON.parse(JSON.stringify(built.workspace))).toEqual({
      channels: [
        {
          name: 'SR',
          samples: [
            {
              name: 'sig',
              data: [4, 9],
              modifiers: [
                { name: 'mu', type: 'normfactor', data: null },
                { name: 'lumi', type: 'lumi', data: null },
                { name: 'staterror_SR', type: 'staterror', data: [1, 2] },
              ],
            },
            {
              name: 'bkg',
              data: [50, 30],
              modifiers: [
                { name: 'lumi', type: 'lumi', data: null },
                { name: 'bkg_norm', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
                { name: 'jes', type: 'histosys', data: { hi_data: [55, 31], lo_data: [46, 29] } },
                { name: 'staterror_SR', type: 'staterror', data: [3, 4] },
              ],
            },
          ],
        },
      ],
      observations: [{ name: 'SR', data: [57, 40] }],
      measurements: [
        {
          name: 'meas',
          config: {
            poi: 'mu',
            parameters: [
              {
                name: 'lumi',
                auxdata: [1],
                sigmas: [0.02],
                inits: [1],
                bounds: [[0.8, 1.2]],
              },
            ],
          },
        },
      ],
      version: '1.0.0',
    })
    // The staterror σ the model derives: √(Σ δ²)/Σ nominal per bin.
    const model = compileModel(built.workspace)
    const g = model.paramSets.find((s) => s.name === 'staterror_SR')!
    expect(model.sigma[g.offset]).toBeCloseTo(Math.sqrt(1 + 9) / 54, 12)
    expect(model.sigma[g.offset + 1]).toBeCloseTo(Math.sqrt(4 + 16) / 39, 12)
  })

  it('one counting bin without systematics fits to the closed form', () => {
    const [s, b, n] = [12, 40, 61]
    const { workspace } = buildWorkspace(
      [
        {
          name: 'cnt',
          samples: [
            { name: 'S', signal: true, nominal: { sumw: [s], sumw2: [1] }, histosys: [] },
            { name: 'B', signal: false, nominal: { sumw: [b], sumw2: [4] }, histosys: [] },
          ],
          data: [n],
        },
      ],
      { staterror: false },
    )
    const model = compileModel(workspace)
    const r = fitModel(model, observedData(model), { hesse: true })
    expect(r.converged).toBe(true)
    const mu = requirePar(model, 'mu')
    expect(r.x[mu]).toBeCloseTo((n - b) / s, 5)
    // −2 ln L = 2(μs + b − n ln(μs + b)) + const: σ_μ = √n / s at the minimum.
    expect(r.hesse!.errors[mu]).toBeCloseTo(Math.sqrt(n) / s, 4)
  })

  it('fits μ = 1 on its own Asimov data with every kind of systematic', () => {
    const blinded: ChannelInput = { ...SR, data: null }
    const CR: ChannelInput = {
      name: 'CR',
      samples: [
        { name: 'sig', signal: true, nominal: { sumw: [0.5], sumw2: [0.04] }, histosys: [] },
        {
          name: 'bkg',
          signal: false,
          nominal: { sumw: [200], sumw2: [30] },
          histosys: [{ name: 'jes', up: [210], down: [193] }],
        },
      ],
      data: null,
    }
    const built = buildWorkspace([blinded, CR], {
      normsys: [{ name: 'xsec', samples: ['sig', 'bkg'], lo: 0.95, hi: 1.08 }],
      lumi: { value: 1, sigma: 0.017 },
    })
    expect(built.data).toEqual({ SR: 'asimov', CR: 'asimov' })
    expect(built.workspace.observations).toEqual([
      { name: 'SR', data: [54, 39] },
      { name: 'CR', data: [200.5] },
    ])
    const model = compileModel(built.workspace)
    const r = fitModel(model, observedData(model), { hesse: true, tol: 1e-4, polish: true })
    expect(r.converged).toBe(true)
    expect(r.x[requirePar(model, 'mu')]).toBeCloseTo(1, 6)
    expect(Math.abs(r.x[requirePar(model, 'mu')] - 1)).toBeLessThan(1e-6)
    expect(Math.abs(r.x[requirePar(model, 'jes')])).toBeLessThan(1e-5)
    expect(Math.abs(r.x[requirePar(model, 'lumi')] - 1)).toBeLessThan(1e-5)
  })

  it('leaves out samples without events and says so', () => {
    const built = buildWorkspace([
      {
        ...SR,
        samples: [
          ...SR.samples,
          { name: 'empty', signal: false, nominal: { sumw: [0, 0], sumw2: [0, 0] }, histosys: [] },
        ],
      },
    ])
    expect(built.workspace.channels[0].samples.map((s) => s.name)).toEqual(['sig', 'bkg'])
    expect(built.warnings).toEqual(["channel 'SR', sample 'empty': no events in range; left out"])
    expect(() => parseWorkspace(built.workspace)).not.toThrow()
  })

  it('rejects recipes that cannot make a sensible likelihood, saying what is wrong', () => {
    const bad =
      (opts: Parameters<typeof buildWorkspace>[1], chans = [SR]) =>
      () =>
        buildWorkspace(chans, opts)
    expect(bad({ normsys: [{ name: 'n', samples: ['ttbar'], lo: 0.9, hi: 1.1 }] })).toThrow(
      "normalisation systematic 'n': no sample 'ttbar'",
    )
    expect(bad({ normsys: [{ name: 'n', samples: ['bkg'], lo: 0, hi: 1.1 }] })).toThrow(
      'factors must be > 0',
    )
    expect(bad({ normsys: [{ name: 'mu', samples: ['bkg'], lo: 0.9, hi: 1.1 }] })).toThrow(
      "'mu': the name is taken",
    )
    expect(bad({ lumi: { value: 139, sigma: 0 } })).toThrow('luminosity')
    expect(bad({}, [{ ...SR, samples: SR.samples.map((s) => ({ ...s, signal: false })) }])).toThrow(
      'the signal samples have no events',
    )
    expect(bad({}, [{ ...SR, data: [1] }])).toThrow("channel 'SR', data: expected 2 bins, got 1")
    expect(bad({}, [])).toThrow(BuildError)
  })
})
