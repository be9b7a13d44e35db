/**
 * normsys: α (alpha.ts) scales the whole sample by the factor of the model's normsys
 * interpolation code between lo (α = −1) and hi (α = +1), factors relative to nominal.
 */
import { normsysCode } from '../interpolation'
import type { Modifier } from '../workspace'
import { alphaSet } from './alpha'
import { pushScalar, SCALAR_NORMSYS, type ModifierType } from './modifier'

type Normsys = Extract<Modifier, { type: 'normsys' }>

export const normsys: ModifierType<Normsys> = {
  kind: 'alpha',
  declare: (m, use) => alphaSet(m.name, use.where),
  share: () => {},
  sampleTerm: (m, at, t) =>
    pushScalar(
      t,
      at.offset,
      SCALAR_NORMSYS,
      normsysCode(at.codes.normsys).prepare(m.data.lo, m.data.hi),
    ),
}
