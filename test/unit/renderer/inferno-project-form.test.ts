/** The INFERNO "Project samples" form: new nuisance rows and the checks before a run. */
import { describe, expect, it } from 'vitest'
import {
  buildProjectConfig,
  defaultProjectForm,
  newNuisance,
} from '../../../src/renderer/src/stores/inferno-project-form'

describe('INFERNO project form', () => {
  it('gives new nuisances free names and the first input', () => {
    expect(newNuisance('norm', ['norm1'], ['x'])).toEqual({
      kind: 'norm',
      name: 'norm2',
      samples: [],
      width: 0.1,
    })
    const t = newNuisance('transform', [], ['pt', 'eta'])
    expect(t).toMatchObject({ kind: 'transform', name: 'shift1', input: 'pt', delta: 1 })
  })

  it('builds a valid config and names the nuisance row that is wrong', () => {
    const f = defaultProjectForm(['pt', 'm'])
    f.nuisances = [newNuisance('weight', [], f.inputs), newNuisance('transform', [], f.inputs)]
    const ok = buildProjectConfig(f)
    expect(ok.ok).toBe(true)
    f.nuisances[0].name = '1bad name'
    const bad = buildProjectConfig(f)
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.errors[0]).toMatch(/^nuisance '1bad name' name: /)
    f.nuisances[0].name = 'syst1'
    f.inputs = ['m']
    const missing = buildProjectConfig(f)
    expect(missing.ok).toBe(false)
    if (!missing.ok)
      expect(missing.errors).toEqual(["nuisance 'shift1': 'pt' is not a chosen input"])
  })

  it('asks for at least one input', () => {
    const r = buildProjectConfig(defaultProjectForm())
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors.join()).toMatch(/choose at least one input variable/)
  })
})
