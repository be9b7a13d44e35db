/** The Cuts view's variables panel groups each RMM's cells and helpers under one entry. */
import { describe, expect, it } from 'vitest'
import { groupVariables } from '../../../src/renderer/src/components/cuts/variable-groups'

const v = (name: string) => ({ name, expr: '1' })

describe('groupVariables', () => {
  it('groups cells and helpers per RMM prefix where the first of them stood', () => {
    const names = [
      'ptsum',
      'rmm_nano_c0_pt',
      'rmm_nano_o1_y',
      'rmm_nano_0_0',
      'rmm_nano_0_1',
      'rmm_nano_1_0',
      'mll',
      'rmm_j3b2_0_0',
      'rmm_j3b2_o2_et',
      'rmm_nano_10_10',
    ]
    const out = groupVariables(names.map(v))
    expect(
      out.map((e) =>
        e.kind === 'variable'
          ? e.variable.name
          : `${e.prefix}: ${e.cells.map((c) => c.name).join(',')} | ${e.helpers.map((h) => h.name).join(',')}`,
      ),
    ).toEqual([
      'ptsum',
      'nano: rmm_nano_0_0,rmm_nano_0_1,rmm_nano_1_0,rmm_nano_10_10 | rmm_nano_c0_pt,rmm_nano_o1_y',
      'mll',
      'j3b2: rmm_j3b2_0_0 | rmm_j3b2_o2_et',
    ])
  })

  it('leaves rmm-like names without any cell alone', () => {
    const out = groupVariables([v('rmm_mine_total'), v('rmm_x_y_z'), v('rmm__0_0')])
    expect(out.map((e) => e.kind)).toEqual(['variable', 'variable', 'variable'])
  })
})
