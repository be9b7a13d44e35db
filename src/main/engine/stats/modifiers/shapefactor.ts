/**
 * shapefactor: one free factor per bin (init 1, bounds [0, 10], no constraint) multiplying that
 * bin of each sample carrying it; shared by name only between channels of the same bin count.
 */
import { WorkspaceError, type Modifier } from '../workspace'
import { draft, type ModifierType } from './modifier'

type Shapefactor = Extract<Modifier, { type: 'shapefactor' }>

export const shapefactor: ModifierType<Shapefactor> = {
  kind: 'shapefactor',
  declare: (m, use) => ({
    ...draft(m.name, 'shapefactor', use.where, use.nbins, {
      init: 1,
      lower: 0,
      upper: 10,
      constraint: 'none',
    }),
    nbins: use.nbins,
  }),
  share: (set, m, use) => {
    if (set.nbins !== use.nbins) {
      throw new WorkspaceError(
        use.where,
        `shapefactor '${m.name}' is used on channels with ${set.nbins} and ${use.nbins} bins`,
      )
    }
  },
  binTerm: (_m, k, at, t) => void t.pbPar.push(at.offset + k),
}
