/**
 * What the input picker says about an input (issue 17): a text column is named "not numeric",
 * a weight (a sample's weight expression, or by its name) and a label (by its name, or a column
 * constant in each sample with different values for signal and background) are warnings, and a
 * mostly-missing column is tagged with its fraction. Rows as data.variables returns them.
 */
import { describe, expect, it } from 'vitest'
import type { Sample, VariableRow, VariableStats } from '../../../src/shared/contract/data'
import { SampleSpec } from '../../../src/shared/contract/data'
import { type InputContext, inputNotes } from '../../../src/renderer/src/stores/input-notes'

const sample = (id: string, name: string, role: 'signal' | 'background', weight = ''): Sample => ({
  id,
  spec: SampleSpec.parse({ name, role, colour: '#000000', files: ['/x.csv'], table: '', weight }),
  entries: 100,
  rawSumWeights: 100,
  scale: 1,
  yield: 100,
  columns: 5,
  hashes: [],
  memoryBytes: 0,
  problem: null,
})

const stats = (min: number, max: number, nan = 0): VariableStats => ({
  count: 100,
  nan,
  missing: nan,
  mean: (min + max) / 2,
  std: max - min,
  min,
  max,
  sumw: 100 - nan,
})

const row = (name: string, s: Record<string, VariableStats>): VariableRow => ({
  name,
  type: 'float64',
  jagged: false,
  samples: Object.keys(s),
  stats: s,
  origin: 'file',
})

const ctx: InputContext = {
  samples: [sample('s', 'Htautau', 'signal', 'w * 2'), sample('b', 'bkg', 'background')],
  variables: [
    row('DER_mass_vis', { s: stats(10, 300), b: stats(5, 400) }),
    row('PRI_jet_leading_pt', { s: stats(30, 300, 40), b: stats(30, 400, 69) }),
    row('Weight', { s: stats(0.001, 0.003), b: stats(0.1, 5) }),
    row('w', { s: stats(1, 1), b: stats(1, 1) }),
    row('sampleFlag', { s: stats(1, 1), b: stats(0, 0) }),
    row('nLep', { s: stats(1, 1), b: stats(1, 1) }),
  ],
  unreadable: [
    { name: 'Label', reason: "text column (not numbers or true/false), in sample 'Htautau'" },
  ],
  signal: [],
  background: [],
}

const kinds = (input: string) => inputNotes(input, ctx).map((n) => n.kind)

describe('input notes', () => {
  it('say nothing about a plain kinematic input', () => {
    expect(inputNotes('DER_mass_vis', ctx)).toEqual([])
  })

  it('name a text column "not numeric", alone or inside an expression', () => {
    const [n] = inputNotes('Label', ctx)
    expect(n.kind).toBe('not-numeric')
    expect(n.text).toMatch(/^'Label' is not numeric: text column/)
    expect(kinds('2 * Label + DER_mass_vis')).toEqual(['not-numeric'])
  })

  it("warn for a weight: a training sample's weight expression, or the name", () => {
    expect(inputNotes('w', ctx)[0].text).toMatch(/the event weight of Htautau/)
    expect(inputNotes('Weight', ctx)[0]).toMatchObject({ kind: 'weight', warn: true })
    // A sample outside the training does not make its weight column a warning.
    const other = { ...ctx, signal: ['bkg'], background: ['bkg'] }
    expect(inputNotes('w', other)).toEqual([])
  })

  it('warn for a label: by name, or one value per sample that differs between S and B', () => {
    expect(inputNotes('sampleFlag', ctx)[0]).toMatchObject({ kind: 'label', warn: true })
    expect(inputNotes('sampleFlag', ctx)[0].text).toMatch(/one value in each sample/)
    // Constant everywhere, the same in S and B: not a label (the trainer warns "constant").
    expect(kinds('nLep')).toEqual([])
    expect(kinds('is_signal')).toEqual([])
  })

  it('tag a mostly missing column with its fraction over the training samples', () => {
    const [n] = inputNotes('PRI_jet_leading_pt', ctx)
    expect(n).toMatchObject({ kind: 'missing', tag: '55% missing', warn: false })
  })
})
