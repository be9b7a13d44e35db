/**
 * The nuisance parameter α of normsys and histosys (one set per name, shared by both types):
 * init 0, bounds [−5, 5], Gaussian constraint N(0 | α, 1).
 */
import { draft, type ParamSetDraft } from './modifier'

export function alphaSet(name: string, where: string): ParamSetDraft {
  return draft(name, 'alpha', where, 1, { init: 0, lower: -5, upper: 5, constraint: 'normal' })
}
