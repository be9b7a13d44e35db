/**
 * normfactor: one free parameter μ (init 1, bounds [0, 10], no constraint) that multiplies
 * every bin of each sample carrying it; shared by name across samples and channels.
 */
import type { Modifier } from '../workspace'
import { draft, pushScalar, SCALAR_PARAMETER, type ModifierType } from './modifier'

type Normfactor = Extract<Modifier, { type: 'normfactor' }>

export const normfactor: ModifierType<Normfactor> = {
  kind: 'normfactor',
  declare: (m, use) =>
    draft(m.name, 'normfactor', use.where, 1, { init: 1, lower: 0, upper: 10, constraint: 'none' }),
  share: () => {},
  sampleTerm: (_m, at, t) => pushScalar(t, at.offset, SCALAR_PARAMETER),
}
