/**
 * lumi: one parameter λ (init 1, bounds [0, 10]) multiplying every bin of each sample carrying
 * it, with a Gaussian constraint N(aux | λ, σ) whose aux and σ the measurement must give
 * (pyhf takes them from the measurement's parameter settings; there is no default).
 */
import { WorkspaceError, type Modifier } from '../workspace'
import { draft, pushScalar, SCALAR_PARAMETER, type ModifierType } from './modifier'

type Lumi = Extract<Modifier, { type: 'lumi' }>

export const lumi: ModifierType<Lumi> = {
  kind: 'lumi',
  declare: (m, use) =>
    draft(m.name, 'lumi', use.where, 1, {
      init: 1,
      lower: 0,
      upper: 10,
      constraint: 'normal',
      aux: NaN,
      sigma: NaN,
    }),
  share: () => {},
  check: (set, path, measurement) => {
    if (Number.isNaN(set.aux[0]) || Number.isNaN(set.sigma[0])) {
      throw new WorkspaceError(
        path,
        `lumi modifier '${set.name}' needs auxdata and sigmas in measurement '${measurement}'`,
      )
    }
  },
  sampleTerm: (_m, at, t) => pushScalar(t, at.offset, SCALAR_PARAMETER),
}
