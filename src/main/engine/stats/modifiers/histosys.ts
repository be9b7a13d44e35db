/**
 * histosys: α (alpha.ts) adds to each bin of the sample the delta of the model's histosys
 * interpolation code between lo_data (α = −1) and hi_data (α = +1), in events.
 */
import type { Modifier } from '../workspace'
import { alphaSet } from './alpha'
import type { ModifierType } from './modifier'

type Histosys = Extract<Modifier, { type: 'histosys' }>

export const histosys: ModifierType<Histosys> = {
  kind: 'alpha',
  declare: (m, use) => alphaSet(m.name, use.where),
  share: () => {},
  binTerm: (m, k, at, t) => {
    const nom = at.sample.data[k]
    const u = m.data.hi_data[k] - nom
    const d = nom - m.data.lo_data[k]
    // Published signal patches carry many histosys equal to nominal: skip the zeros.
    if (u === 0 && d === 0) return
    t.hsPar.push(at.offset)
    t.hsU.push(u)
    t.hsD.push(d)
  },
}
