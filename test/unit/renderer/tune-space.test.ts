/**
 * The Tune view's INFERNO set-up (issue 15): its default space (bins, temperature, learning
 * rate, batch size), its objectives (σ of the signal yield, validation loss) and the request it
 * builds — checked against the contract the engine validates tune.start with.
 */
import { describe, expect, it } from 'vitest'
import { TuneStart } from '../../../src/shared/contract/tune'
import {
  buildSpace,
  defaultInfernoTuneForm,
  defaultSpace,
  infernoTuneConfig,
  objectivesOf,
} from '../../../src/renderer/src/stores/tune-space'

describe('INFERNO in the Tune view', () => {
  it('offers its default space and objectives', () => {
    const { space, errors } = buildSpace(defaultSpace('inferno'))
    expect(errors).toEqual([])
    expect(Object.keys(space)).toEqual(['bins', 'tau', 'learningRate', 'batchSize'])
    expect(space.tau).toEqual({ float: [0.05, 1], log: true })
    expect(objectivesOf('inferno')).toEqual([
      { metric: 'sigma_poi', label: expect.any(String), direction: 'minimize' },
      { metric: 'val_loss', label: expect.any(String), direction: 'minimize' },
    ])
  })

  it('builds a request the engine accepts, and names a bad field', () => {
    const t = infernoTuneConfig({ ...defaultInfernoTuneForm(), benchmark: 'B4', epochs: 5 })
    if (!t.ok) throw new Error(t.errors.join('; '))
    expect(t.config).toMatchObject({ kind: 'inferno', benchmark: 'B4', epochs: 5, bins: 10 })
    const request = TuneStart.parse({
      train: t.config,
      space: buildSpace(defaultSpace('inferno')).space,
      objective: { metric: 'sigma_poi', direction: 'minimize' },
      algorithm: 'tpe',
      pruner: 'hyperband',
      trials: 10,
      seed: 1,
    })
    expect(request.train.kind).toBe('inferno')
    const bad = infernoTuneConfig({ ...defaultInfernoTuneForm(), trainEvents: 10 })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.errors[0]).toMatch(/training events/)
    // An unknown key in the INFERNO config is refused, as by `hepwb tune`.
    expect(TuneStart.safeParse({ ...request, train: { ...t.config, layers: [8] } }).success).toBe(
      false,
    )
  })
})
