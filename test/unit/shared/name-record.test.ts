/**
 * Names that Object.prototype already uses (`__proto__`, `constructor`, `toString`,
 * `hasOwnProperty`) are names like any other: in records built by the engine, in what the
 * contract's schemas let through (zod's own z.record drops `__proto__`), and in lookups of
 * records parsed from JSON.
 */
import { describe, expect, it } from 'vitest'
import { anomalyArchitecture } from '../../../src/main/engine/ml/autoencoder/model'
import { AnomalyConfig } from '../../../src/shared/contract/anomaly'
import { byName } from '../../../src/shared/contract/common'
import { RegionCutflow } from '../../../src/shared/contract/cuts'
import { nameRecord, own } from '../../../src/shared/name-record'
import { z } from 'zod'

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const

/** What a result looks like after the wire: JSON with those names as keys. */
const wire = (entries: [string, unknown][]) =>
  JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`)

describe('name records', () => {
  it('keep every name as an own key and inherit nothing', () => {
    const r = nameRecord<number>()
    NAMES.forEach((n, i) => (r[n] = i))
    expect(Object.keys(r)).toEqual([...NAMES])
    expect(JSON.parse(JSON.stringify(r))).toEqual(wire(NAMES.map((n, i) => [n, i])))
    expect(nameRecord(NAMES.map((n, i) => [n, i]))).toEqual(r)
    expect(nameRecord<number>().constructor).toBeUndefined()
  })

  it('own() reads only what a record holds itself', () => {
    const plain = wire([['__proto__', 1]]) as Record<string, number>
    expect(own(plain, '__proto__')).toBe(1)
    expect(own(plain, 'constructor')).toBeUndefined()
    expect(own(plain, 'toString')).toBeUndefined()
  })
})

describe('contract records keyed by name', () => {
  it('let every name through, where z.record drops __proto__', () => {
    const input = wire(NAMES.map((n, i) => [n, i]))
    expect(Object.keys(z.record(z.string(), z.number()).parse(input))).not.toContain('__proto__')
    const parsed = byName(z.number()).parse(input)
    expect(Object.keys(parsed)).toEqual([...NAMES])
    expect(parsed.__proto__).toBe(0)
    expect(Object.getPrototypeOf(parsed)).toBeNull()
  })

  it('name the key of a bad value, and refuse what is not an object', () => {
    const r = byName(z.number()).safeParse(wire([['constructor', 'x']]))
    expect(r.success).toBe(false)
    expect(r.error?.issues[0].path).toEqual(['constructor'])
    expect(byName(z.number()).safeParse([1]).success).toBe(false)
    expect(byName(z.number(), z.string().min(2)).safeParse({ a: 1 }).success).toBe(false)
  })

  it('keep a sample named __proto__ in a region cut-flow as the window receives it', () => {
    const row = { cut: 'c', expr: 'x > 1', raw: 1, weighted: 2, sumw2: 4 }
    const rows = [{ ...row, eff_prev: 1, eff_first: 1, eff_total: 0.5 }]
    const yields = { raw: 2, weighted: 4, sumw2: 8 }
    const flow = RegionCutflow.parse({
      region: '__proto__',
      samples: wire(NAMES.map((n) => [n, rows])),
      groups: wire([['__proto__', rows]]),
      significance: [],
      totals: wire(NAMES.map((n) => [n, yields])),
      roles: wire(NAMES.map((n) => [n, 'background'])),
      hidden: [],
      sigma_b: 0,
      skipped: [],
    })
    for (const key of ['samples', 'totals', 'roles'] as const)
      expect(Object.keys(flow[key])).toEqual([...NAMES])
    expect(Object.keys(flow.groups)).toEqual(['__proto__'])
  })

  it('weigh and model inputs named like Object.prototype properties', () => {
    const ae = AnomalyConfig.parse({
      kind: 'ae',
      inputs: [...NAMES],
      options: { latent: 1, encoder: [2], featureWeights: wire([['__proto__', 3]]) },
    })
    // `constructor` and the others have no weight: 1, not Object's function.
    expect(anomalyArchitecture(ae).featureWeights).toEqual([3, 1, 1, 1])
    const vae = AnomalyConfig.parse({
      kind: 'vae',
      inputs: [...NAMES],
      options: { latent: 1, encoder: [2], likelihood: wire([['__proto__', 'poisson']]) },
    })
    expect(anomalyArchitecture(vae).families).toEqual([
      'poisson',
      'gaussian',
      'gaussian',
      'gaussian',
    ])
    // A config stored as JSON and read back (plain objects again) is modelled the same.
    const stored = JSON.parse(JSON.stringify(ae)) as AnomalyConfig
    expect(anomalyArchitecture(stored).featureWeights).toEqual([3, 1, 1, 1])
  })
})
