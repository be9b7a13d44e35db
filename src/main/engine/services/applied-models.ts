/**
 * The open project's applied models, read from the store for ml/applied.ts (which turns them
 * into computed variables and knows nothing of the store).
 */
import type { AppliedModel } from '../ml/applied'
import { getAnomalyModel, isAnomalyModel } from '../store/anomaly-models'
import { getInfernoModel, isInfernoModel } from '../store/inferno-models'
import { appliedModels, getModel } from '../store/models'
import type { Project } from '../store/project'

/** Each applied model of `project` with a loader of its stored classifier, autoencoder or INFERNO summary. */
export function projectAppliedModels(project: Project): AppliedModel[] {
  return appliedModels(project).map(({ name, id }) => ({
    name,
    id,
    load: () => {
      if (isAnomalyModel(project, id)) {
        const { document, weights, missing } = getAnomalyModel(project, id)
        return { kind: 'anomaly', document, weights, missing }
      }
      if (isInfernoModel(project, id)) {
        const { document, weights } = getInfernoModel(project, id)
        return { kind: 'inferno', document, weights }
      }
      const { model, weights } = getModel(project, id)
      return { kind: 'classifier', model, weights }
    },
  }))
}
