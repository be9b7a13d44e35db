/** Workspace schema and consistency errors name the JSON path of the problem. */
import { describe, expect, it } from 'vitest'
import { compileModel } from '../../../src/main/engine/stats/model'
import { parseWorkspace, WorkspaceError } from '../../../src/main/engine/stats/workspace'

function ws(): Record<string, unknown> & {
  channels: { name: string; samples: { name: string; modifiers: unknown[]; data: number[] }[] }[]
} {
  return {
    version: '1.0.0',
    channels: [
      {
        name: 'ch',
        samples: [
          {
            name: 'sig',
            data: [1, 2, 3],
            modifiers: [{ name: 'mu', type: 'normfactor', data: null }],
          },
          {
            name: 'bkg',
            data: [10, 10, 10],
            modifiers: [{ name: 'stat', type: 'staterror', data: [1, 1, 1] }],
          },
          {
            name: 'bkg2',
            data: [5, 5, 5],
            modifiers: [
              { name: 'n', type: 'normsys', data: { hi: 1.1, lo: 0.9 } },
              { name: 'h', type: 'histosys', data: { hi_data: [6, 6, 6], lo_data: [4, 4, 4] } },
            ],
          },
        ],
      },
    ],
    observations: [{ name: 'ch', data: [15, 17, 18] }],
    measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
  }
}

function errorOf(input: unknown): string {
  try {
    parseWorkspace(input)
  } catch (e) {
    expect(e).toBeInstanceOf(WorkspaceError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('parseWorkspace', () => {
  it('accepts a valid workspace', () => {
    expect(parseWorkspace(ws()).channels[0].samples).toHaveLength(3)
  })

  it('names the path of a wrong bin count (issue text)', () => {
    const w = ws()
    ;(w.channels[0].samples[2].modifiers[1] as { data: { hi_data: number[] } }).data.hi_data = [
      6, 6,
    ]
    expect(errorOf(w)).toBe(
      'channels[0].samples[2].modifiers[1].data.hi_data: expected array of 3 numbers, got 2',
    )
  })

  it('names the path of a type error and of an unknown modifier type', () => {
    const w = ws()
    w.channels[0].samples[0].data = 'x' as unknown as number[]
    expect(errorOf(w)).toMatch(/^channels\[0\]\.samples\[0\]\.data: expected array, got string/)
    const w2 = ws()
    w2.channels[0].samples[1].modifiers[0] = { name: 's', type: 'magic', data: null }
    expect(errorOf(w2)).toMatch(/^channels\[0\]\.samples\[1\]\.modifiers\[0\]/)
  })

  it('rejects missing observations, bad versions, negative counts, non-positive normsys', () => {
    const w = ws()
    w.observations = []
    expect(errorOf(w)).toMatch(/observations: no observation for channel 'ch'/)
    expect(errorOf({ ...ws(), version: '2.0' })).toMatch(/^version:/)
    const w3 = ws()
    ;(w3.observations as { data: number[] }[])[0].data = [1, -1, 2]
    expect(errorOf(w3)).toMatch(/observations\[0\]\.data\[1\]: observed count must be ≥ 0/)
    const w4 = ws()
    ;(w4.channels[0].samples[2].modifiers[0] as { data: { lo: number } }).data.lo = 0
    expect(errorOf(w4)).toMatch(/modifiers\[0\]\.data: normsys factors must be > 0/)
  })
})

describe('compileModel', () => {
  it('builds pyhf’s parameters: sorted sets, defaults, staterror σ', () => {
    const m = compileModel(parseWorkspace(ws()))
    expect(m.parNames).toEqual(['h', 'mu', 'n', 'stat[0]', 'stat[1]', 'stat[2]'])
    expect(Array.from(m.lower)).toEqual([-5, 0, -5, 1e-10, 1e-10, 1e-10])
    expect(m.sigma[3]).toBeCloseTo(0.1, 15)
    expect(m.poiName).toBe('mu')
  })

  it('fails clearly for a missing POI, a vector POI and mixed modifier kinds', () => {
    const w = ws()
    ;(w.measurements as { config: { poi: string } }[])[0].config.poi = 'nope'
    expect(() => compileModel(parseWorkspace(w))).toThrow(
      /POI 'nope' is not a parameter of the model/,
    )
    expect(() => compileModel(parseWorkspace(ws()), { poi: 'stat' })).toThrow(
      /must be a scalar parameter/,
    )
    const w2 = ws()
    w2.channels[0].samples[1].modifiers.push({
      name: 'mu',
      type: 'normsys',
      data: { hi: 1.1, lo: 0.9 },
    })
    expect(() => compileModel(parseWorkspace(w2))).toThrow(
      /modifier 'mu' is a normsys here but a normfactor/,
    )
  })

  it('applies measurement settings and checks their shapes', () => {
    const w = ws()
    ;(w.measurements as { config: { parameters: unknown[] } }[])[0].config.parameters = [
      { name: 'mu', bounds: [[-1, 5]], inits: [2] },
      { name: 'n', fixed: true },
    ]
    const m = compileModel(parseWorkspace(w))
    expect(m.lower[1]).toBe(-1)
    expect(m.init[1]).toBe(2)
    expect(m.fixed[2]).toBe(1)
    ;(w.measurements as { config: { parameters: unknown[] } }[])[0].config.parameters = [
      { name: 'stat', inits: [1, 1] },
    ]
    expect(() => compileModel(parseWorkspace(w))).toThrow(
      /parameters\[0\]\.inits: expected array of 3 numbers, got 2/,
    )
  })
})
