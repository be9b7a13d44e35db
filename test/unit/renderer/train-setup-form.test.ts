/** The Train view's set-up form: defaults, restoring a stored form, and the TrainConfig it builds. */
import { describe, expect, it } from 'vitest'
import { MlpOptions, TrainConfig } from '../../../src/shared/contract/train'
import {
  buildConfig,
  defaultForm,
  parseLayers,
  parseNumberList,
  restoreForm,
} from '../../../src/renderer/src/stores/train-setup-form'

describe('setup form', () => {
  it('defaults train Fisher with the contract defaults once inputs are chosen', () => {
    const f = { ...defaultForm(), inputs: ['DER_mass_MMC', 'PRI_tau_pt'] }
    const b = buildConfig(f)
    expect(b.ok).toBe(true)
    if (!b.ok) return
    // The same as the contract's own defaults for a config that only names kind and inputs.
    expect(b.config).toEqual(TrainConfig.parse({ kind: 'lda', inputs: f.inputs }))
  })

  it('builds a network config with the typed layers and options', () => {
    const f = defaultForm()
    f.kind = 'mlp'
    f.inputs = ['a', 'b']
    f.mlp.layers = ' 16, 16 ,8'
    f.mlp.epochs = 5
    f.test = 0.3
    f.missingValues = '-999, -99'
    const b = buildConfig(f)
    expect(b.ok).toBe(true)
    if (!b.ok || b.config.kind !== 'mlp') throw new Error('expected an mlp config')
    expect(b.config.options.layers).toEqual([16, 16, 8])
    expect(b.config.options.epochs).toBe(5)
    expect(b.config.options.learningRate).toBe(MlpOptions.parse({}).learningRate)
    expect(b.config.split.test).toBe(0.3)
    expect(b.config.missing.values).toEqual([-999, -99])
  })

  it('names what is wrong instead of building', () => {
    const f = defaultForm()
    let b = buildConfig(f)
    expect(b.ok).toBe(false)
    if (!b.ok) expect(b.errors.join()).toMatch(/^input variables: choose at least one/)
    f.inputs = ['x']
    f.kind = 'mlp'
    f.mlp.layers = '64,abc'
    b = buildConfig(f)
    expect(b.ok).toBe(false)
    if (!b.ok)
      expect(b.errors).toEqual(["layers: 'abc' (layer 2) is not a whole number from 1 to 4096"])
    f.mlp.layers = '64'
    f.test = 0.95
    b = buildConfig(f)
    expect(b.ok).toBe(false)
    if (!b.ok) expect(b.errors[0]).toMatch(/^test fraction: /)
  })

  it('parses lists', () => {
    expect(parseLayers('')).toMatch(/at least one/)
    expect(parseLayers('0')).toMatch(/'0'/)
    expect(parseLayers('128 64')).toEqual([128, 64])
    expect(parseNumberList('', 'missing values')).toEqual([])
    expect(parseNumberList('-999,x', 'missing values')).toBe("missing values: 'x' is not a number")
  })

  it('restores what is valid from a stored form and defaults the rest', () => {
    expect(restoreForm(null)).toEqual(defaultForm())
    expect(restoreForm('garbage')).toEqual(defaultForm())
    const r = restoreForm({
      kind: 'mlp',
      inputs: ['x', 'y'],
      test: 'lots',
      region: 'SR',
      mlp: { layers: '16,16', epochs: 5, activation: 'swish' },
      cuts: { fom: 'z_asimov', sigmaB: 0.2 },
    })
    const d = defaultForm()
    expect(r.kind).toBe('mlp')
    expect(r.inputs).toEqual(['x', 'y'])
    expect(r.region).toBe('SR')
    expect(r.test).toBe(d.test)
    expect(r.mlp.layers).toBe('16,16')
    expect(r.mlp.epochs).toBe(5)
    expect(r.mlp.activation).toBe(d.mlp.activation)
    expect(r.cuts.fom).toBe('z_asimov')
    expect(r.cuts.sigmaB).toBe(0.2)
    // A stored form survives the JSON round trip of the settings store unchanged.
    expect(restoreForm(JSON.parse(JSON.stringify(r)))).toEqual(r)
  })

  it('proposes no inputs and no missing values of its own (issue 17)', () => {
    // The samples' missing value (Data step) is the one setting; no column is a safe default.
    const f = defaultForm()
    expect(f.inputs).toEqual([])
    expect(f.missingValues).toBe('')
    const b = buildConfig({ ...f, inputs: ['x'] })
    expect(b.ok && b.config.missing.values).toEqual([])
  })
})
