/**
 * The regions table (rows = cuts, columns = regions) on the Wh→ℓνbb selection of issue 4: a
 * preselection, signal and control regions that add an mbb window or sideband, and a region
 * two levels down; the expected cells are written out by hand.
 */
import { describe, expect, it } from 'vitest'
import { regionsTable } from '../../../src/shared/format/regions-table'
import { formatTable } from '../../../src/shared/format/table'

const REGIONS = [
  {
    name: 'presel',
    cuts: [
      { name: '1 lepton', expr: 'nLep == 1' },
      { name: 'MET', expr: 'met > 220' },
      { expr: 'mT > 50' },
    ],
  },
  {
    name: 'SR',
    parent: 'presel',
    blinded: true,
    cuts: [{ name: 'mbb window', expr: 'mbb > 100 && mbb < 140' }],
  },
  { name: 'CR', parent: 'presel', cuts: [{ name: 'mbb sideband', expr: 'mbb < 100' }] },
  { name: 'SR-tight', parent: 'SR', cuts: [{ expr: 'mct > 100' }, { expr: 'met>220' }] },
]

describe('regionsTable', () => {
  it('marks own and inherited cuts, one row per distinct cut', () => {
    const t = regionsTable(REGIONS)
    expect(t.columns.map((c) => c.label)).toEqual([
      'Cut',
      'presel',
      'SR (blinded)',
      'CR',
      'SR-tight',
    ])
    expect(t.rows).toEqual([
      ['1 lepton', '✓', '(✓)', '(✓)', '(✓)'],
      ['MET', '✓', '(✓)', '(✓)', '(✓)'],
      ['mT > 50', '✓', '(✓)', '(✓)', '(✓)'],
      ['mbb window', '', '✓', '', '(✓)'],
      ['mbb sideband', '', '', '✓', ''],
      ['mct > 100', '', '', '', '✓'],
    ])
  })

  it('shows the cut text and where an inherited cut comes from', () => {
    const t = regionsTable(REGIONS, { cells: 'expr' })
    expect(t.rows[3]).toEqual(['mbb window', '', 'mbb > 100 && mbb < 140', '', '(from SR)'])
    expect(t.rows[0]).toEqual([
      '1 lepton',
      'nLep == 1',
      '(from presel)',
      '(from presel)',
      '(from presel)',
    ])
    // Exported like every table: Markdown escapes nothing here, LaTeX escapes && and _.
    expect(formatTable(t, 'markdown').split('\n')[0]).toBe(
      '| Cut | presel | SR (blinded) | CR | SR-tight |',
    )
    expect(formatTable(t, 'latex')).toContain('mbb > 100 \\&\\& mbb < 140')
    // pdflatex cannot typeset ✓ from Unicode: amssymb's \checkmark instead.
    expect(formatTable(regionsTable(REGIONS), 'latex')).toContain('\\checkmark{}')
    expect(formatTable(regionsTable(REGIONS), 'latex')).not.toContain('✓')
    expect(formatTable(regionsTable(REGIONS), 'csv').split('\n')[4]).toBe('mbb window,,✓,,(✓)')
  })

  it('inherits nothing through a missing parent or a cycle', () => {
    const t = regionsTable([
      { name: 'A', parent: 'B', cuts: [{ expr: 'x > 1' }] },
      { name: 'B', parent: 'A', cuts: [{ expr: 'y > 1' }] },
      { name: 'C', parent: 'gone', cuts: [] },
    ])
    expect(t.rows).toEqual([
      ['y > 1', '(✓)', '✓', ''],
      ['x > 1', '✓', '(✓)', ''],
    ])
  })
})
