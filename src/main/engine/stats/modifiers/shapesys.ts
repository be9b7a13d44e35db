/**
 * shapesys: one factor γ_b per bin of one sample (init 1, bounds [1e−10, 10]) with a Poisson
 * constraint Pois(τ_b | γ_b τ_b), τ_b = (nom_b/δ_b)² from the sample's absolute uncertainties
 * δ_b; bins with nom or δ = 0 are held fixed (τ = 1). pyhf does not share it between samples.
 */
import { WorkspaceError, type Modifier } from '../workspace'
import { draft, type ModifierType } from './modifier'

type Shapesys = Extract<Modifier, { type: 'shapesys' }>

export const shapesys: ModifierType<Shapesys> = {
  kind: 'shapesys',
  declare: (m, use) => {
    const nb = use.nbins
    const set = draft(m.name, 'shapesys', use.where, nb, {
      init: 1,
      lower: 1e-10,
      upper: 10,
      constraint: 'poisson',
    })
    for (let k = 0; k < nb; k++) {
      const nom = use.sample.data[k]
      const unc = m.data[k]
      const valid = nom > 0 && unc > 0
      set.fixed[k] = !valid
      set.factor[k] = valid ? (nom * nom) / (unc * unc) : 1
    }
    set.aux = [...set.factor]
    set.nbins = nb
    return set
  },
  share: (_set, m, use) => {
    throw new WorkspaceError(
      use.where,
      `shapesys '${m.name}' is used on more than one sample (pyhf does not share shapesys parameters)`,
    )
  },
  binTerm: (_m, k, at, t) => void t.pbPar.push(at.offset + k),
}
