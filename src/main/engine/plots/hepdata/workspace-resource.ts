/**
 * A fit's pyhf workspace (HistFactory JSON) as an additional resource of the submission, the
 * way HEPData publishes likelihoods: the JSON file in the archive, `type: HistFactory`, so
 * HEPData lists it under "Resources" and pyhf's users can load it as it is.
 */
import { fileStem } from './layout'
import type { Resource } from './record'

export interface WorkspaceResourceInput {
  /** The workspace's name (the file becomes NAME_workspace.json, lower case). */
  name: string
  /** The workspace object (pyhf JSON schema: channels, measurements, observations, version). */
  workspace: unknown
  description?: string
}

export function workspaceResource(input: WorkspaceResourceInput): Resource {
  return {
    location: `${fileStem(input.name)}_workspace.json`,
    description:
      input.description ??
      `pyhf workspace (HistFactory JSON) of the fit '${input.name}': channels, samples, modifiers, observed data and measurements.`,
    type: 'HistFactory',
    content: JSON.stringify(input.workspace, null, 1) + '\n',
  }
}

export interface PatchsetResourceInput {
  /** The workspace's name (the file becomes NAME_patchset.json, lower case). */
  name: string
  /** The pyhf patchset (metadata, patches: one per signal point). */
  patchset: unknown
  description?: string
}

/** A workspace's pyhf patchset (its signal points) as a resource beside it. */
export function patchsetResource(input: PatchsetResourceInput): Resource {
  return {
    location: `${fileStem(input.name)}_patchset.json`,
    description:
      input.description ??
      `pyhf patchset of '${input.name}': one patch per signal point, applied to its workspace.`,
    type: 'HistFactory',
    content: JSON.stringify(input.patchset, null, 1) + '\n',
  }
}
