/**
 * The likelihood workspaces saved plots were computed from (a Brazil band's, a scan's: the
 * plot's provenance names the workspace), as stored in the project — what a HEPData export
 * attaches as the fit's pyhf workspace (and its patchset of signal points, when it has one).
 */
import type { SavedPlot } from '../../../shared/plot/saved-plot'
import { getWorkspace, type StoredWorkspace } from './fits'
import type { Project } from './project'

/** Each distinct workspace of `plots`, in the plots' order; workspaces since removed are skipped. */
export function plotWorkspaces(project: Project, plots: readonly SavedPlot[]): StoredWorkspace[] {
  const seen = new Set<string>()
  const out: StoredWorkspace[] = []
  for (const p of plots) {
    const id = p.provenance.workspace?.id
    if (!id || seen.has(id)) continue
    seen.add(id)
    const w = getWorkspace(project.database, id)
    if (w) out.push(w)
  }
  return out
}
