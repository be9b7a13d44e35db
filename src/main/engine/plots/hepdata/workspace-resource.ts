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
