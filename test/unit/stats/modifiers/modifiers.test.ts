/**
 * Each modifier type (modifiers/): the parameters it adds with pyhf's defaults, its constraint,
 * and how it acts on a bin — checked through the compiled model and the likelihood's expected
 * yields, which must be the code modules of interpolation/ applied to the sample.
 */
import { describe, expect, it } from 'vitest'
import * as code0 from '../../../../src/main/engine/stats/interpolation/code0'
import * as code1 from '../../../../src/main/engine/stats/interpolation/code1'
import * as code2 from '../../../../src/main/engine/stats/interpolation/code2'
import * as code4 from '../../../../src/main/engine/stats/interpolation/code4'
import * as code4p from '../../../../src/main/engine/stats/interpolation/code4p'
import { Likelihood, observedData } from '../../../../src/main/engine/stats/likelihood'
import { compileModel, type Model } from '../../../../src/main/engine/stats/model'
import { parseWorkspace } from '../../../../src/main/engine/stats/workspace'

/** One channel `ch` with the given samples; lumi configured when used. */
function model(
  samples: { name: string; data: number[]; modifiers: unknown[] }[],
  codes?: Parameters<typeof compileModel>[1],
  parameters: unknown[] = [],
): Model {
  return compileModel(
    parseWorkspace({
      version: '1.0.0',
      channels: [{ name: 'ch', samples }],
      observations: [{ name: 'ch', data: samples[0].data.map(() => 10) }],
      measurements: [{ name: 'm', config: { poi: 'mu', parameters } }],
    }),
    codes,
  )
}

const mu = { name: 'mu', type: 'normfactor', data: null }

function set(m: Model, name: string): Record<string, unknown> {
  const s = m.paramSets.find((p) => p.name === name)!
  const r = (a: ArrayLike<number>): number[] => Array.from(a).slice(s.offset, s.offset + s.size)
  return {
    kind: s.kind,
    size: s.size,
    constraint: s.constraint,
    init: r(m.init),
    lower: r(m.lower),
    upper: r(m.upper),
    fixed: r(m.fixed),
    aux: r(m.auxdata),
    sigma: r(m.sigma),
    factor: r(m.factor),
  }
}

/** Expected yields at the model's init with `values` set by parameter name. */
function expectedAt(m: Model, values: Record<string, number>): Float64Array {
  const x = Float64Array.from(m.init)
  for (const [k, v] of Object.entries(values)) x[m.parNames.indexOf(k)] = v
  return new Likelihood(m, observedData(m)).expected(x)
}

describe('modifier types', () => {
  it('normfactor: free μ in [0, 10] scaling the whole sample', () => {
    const m = model([{ name: 's', data: [2, 4], modifiers: [mu] }])
    expect(set(m, 'mu')).toMatchObject({
      kind: 'normfactor',
      constraint: 'none',
      init: [1],
      lower: [0],
      upper: [10],
    })
    expect(Array.from(expectedAt(m, { mu: 1.5 }))).toEqual([3, 6])
  })

  it('lumi: Gaussian with the measurement’s aux and σ, scaling the whole sample', () => {
    const m = model(
      [{ name: 's', data: [2, 4], modifiers: [mu, { name: 'L', type: 'lumi', data: null }] }],
      {},
      [{ name: 'L', auxdata: [1], sigmas: [0.02] }],
    )
    expect(set(m, 'L')).toMatchObject({
      kind: 'lumi',
      constraint: 'normal',
      aux: [1],
      sigma: [0.02],
    })
    expect(Array.from(expectedAt(m, { L: 1.1, mu: 2 }))).toEqual([2 * 2 * 1.1, 4 * 2 * 1.1])
    expect(() =>
      model([{ name: 's', data: [2], modifiers: [mu, { name: 'L', type: 'lumi', data: null }] }]),
    ).toThrow(/lumi modifier 'L' needs auxdata and sigmas/)
  })

  it('normsys: α ~ N(0, 1) in [−5, 5]; the sample times the normsys code’s factor', () => {
    const ns = { name: 'a', type: 'normsys', data: { hi: 1.2, lo: 0.7 } }
    const samples = [{ name: 's', data: [2, 4], modifiers: [mu, ns] }]
    const m4 = model(samples)
    expect(set(m4, 'a')).toMatchObject({
      kind: 'alpha',
      constraint: 'normal',
      init: [0],
      lower: [-5],
      upper: [5],
      aux: [0],
      sigma: [1],
    })
    const m1 = model(samples, { codes: { normsys: 'code1', histosys: 'code0' } })
    for (const a of [-1.7, -0.4, 0.3, 2]) {
      const f4 = code4.value(a, code4.prepare(0.7, 1.2))
      const f1 = code1.value(a, code1.prepare(0.7, 1.2))
      expect(Array.from(expectedAt(m4, { a }))).toEqual([2 * f4, 4 * f4])
      expect(Array.from(expectedAt(m1, { a }))).toEqual([2 * f1, 4 * f1])
    }
  })

  it('histosys: shares α with normsys of its name; adds the histosys code’s delta per bin', () => {
    const hs = { name: 'a', type: 'histosys', data: { hi_data: [3, 4.5], lo_data: [1.5, 3] } }
    const ns = { name: 'a', type: 'normsys', data: { hi: 1.1, lo: 0.9 } }
    const samples = [{ name: 's', data: [2, 4], modifiers: [mu, hs, ns] }]
    const U = [1, 0.5]
    const D = [0.5, 1]
    for (const [histosys, code] of [
      ['code0', code0],
      ['code2', code2],
      ['code4p', code4p],
    ] as const) {
      const m = model(samples, { codes: { normsys: 'code4', histosys } })
      expect(m.paramSets.filter((p) => p.name === 'a')).toHaveLength(1)
      for (const a of [-1.6, -0.3, 0.8, 1.9]) {
        const f = code4.value(a, code4.prepare(0.9, 1.1))
        const got = expectedAt(m, { a })
        for (const b of [0, 1])
          expect(got[b]).toBeCloseTo(([2, 4][b] + code.value(a, U[b], D[b])) * f, 12)
      }
    }
  })

  it('shapefactor: one free factor per bin in [0, 10]', () => {
    const m = model([
      { name: 's', data: [2, 4], modifiers: [mu, { name: 'sf', type: 'shapefactor', data: null }] },
    ])
    expect(set(m, 'sf')).toMatchObject({
      kind: 'shapefactor',
      size: 2,
      constraint: 'none',
      init: [1, 1],
      upper: [10, 10],
    })
    expect(Array.from(expectedAt(m, { 'sf[0]': 0.5, 'sf[1]': 3 }))).toEqual([1, 12])
  })

  it('shapesys: per-bin γ, Poisson with τ = (nom/δ)², empty bins fixed; not shared between samples', () => {
    const ss = { name: 'ss', type: 'shapesys', data: [1, 0] }
    const m = model([{ name: 's', data: [2, 4], modifiers: [mu, ss] }])
    expect(set(m, 'ss')).toMatchObject({
      kind: 'shapesys',
      constraint: 'poisson',
      factor: [4, 1],
      aux: [4, 1],
      fixed: [0, 1],
      lower: [1e-10, 1e-10],
    })
    expect(Array.from(expectedAt(m, { 'ss[0]': 1.25 }))).toEqual([2.5, 4])
    expect(() =>
      model([
        { name: 's', data: [2, 4], modifiers: [mu, ss] },
        { name: 't', data: [2, 4], modifiers: [ss] },
      ]),
    ).toThrow(/shapesys 'ss' is used on more than one sample/)
  })

  it('staterror: one γ per bin shared by the samples, σ from their summed uncertainties', () => {
    const st = (d: number[]): unknown => ({ name: 'st', type: 'staterror', data: d })
    const m = model([
      { name: 's', data: [2, 4], modifiers: [mu, st([3, 0])] },
      { name: 't', data: [6, 4], modifiers: [st([4, 0])] },
    ])
    expect(set(m, 'st')).toMatchObject({
      kind: 'staterror',
      size: 2,
      constraint: 'normal',
      aux: [1, 1],
      sigma: [5 / 8, 1],
      fixed: [0, 1],
    })
    expect(m.warnings.join()).toMatch(/staterror 'st': 1 bin\(s\) without uncertainty held fixed/)
    expect(Array.from(expectedAt(m, { 'st[0]': 1.5 }))).toEqual([12, 8])
  })
})
