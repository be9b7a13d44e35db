/**
 * The project's applied models as computed variables: each model whose output the user applied
 * under a name becomes a per-event variable (select/derived.ts ComputedVariable) that cuts,
 * histograms, fits and other models read like a column.
 */
import type { ComputedVariable } from '../select/derived'
import { isAnomalyModel } from '../store/anomaly-models'
import { getInfernoModel, isInfernoModel } from '../store/inferno-models'
import { appliedModels, getModel } from '../store/models'
import type { Project } from '../store/project'
import { anomalyVariable } from './autoencoder/applied-score'
import { summaryBins } from './inferno/summary-model'
import { scoreColumns } from './model-inputs'
import { restoreClassifier, type StoredModelJSON } from './train-classifier'

/** Every applied model that can be restored; `warn` hears about the ones that cannot. */
export async function appliedVariables(
  project: Project,
  warn: (message: string) => void,
): Promise<ComputedVariable[]> {
  const out: ComputedVariable[] = []
  for (const { name, id } of appliedModels(project)) {
    try {
      if (isAnomalyModel(project, id)) {
        out.push(anomalyVariable(project, name, id))
        continue
      }
      if (isInfernoModel(project, id)) {
        // The event's bin of the INFERNO summary, as its result's templates count it.
        const { document, weights } = getInfernoModel(project, id)
        out.push({
          name,
          inputs: [...document.inputs],
          key: id,
          compute: (columns, n) => summaryBins(document, weights, columns, n),
        })
        continue
      }
      const m = getModel(project, id)
      const stored = m.model as StoredModelJSON
      const classifier = await restoreClassifier(stored, m.weights)
      out.push({
        name,
        inputs: stored.inputs,
        key: id,
        compute: (columns, n) => scoreColumns(classifier, stored.missing, columns, n),
      })
    } catch (e) {
      warn(`model output '${name}' cannot be computed: ${(e as Error).message}`)
    }
  }
  return out
}
