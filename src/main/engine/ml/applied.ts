/**
 * The project's applied models as computed variables: each model whose output the user applied
 * under a name becomes a per-event variable (select/derived.ts ComputedVariable) that cuts,
 * histograms, fits and other models read like a column.
 */
import type { ComputedVariable } from '../select/derived'
import { anomalyVariable, type StoredAnomalyScore } from './autoencoder/applied-score'
import { scoreColumns } from './model-inputs'
import { restoreClassifier, type StoredModelJSON } from './train-classifier'

/** A stored model as the project keeps it: a classifier, or an autoencoder / VAE. */
export type StoredAppliedModel =
  | { readonly kind: 'classifier'; readonly model: unknown; readonly weights: Uint8Array | null }
  | ({ readonly kind: 'anomaly' } & StoredAnomalyScore)

/** One applied model: the variable's name, the model's id and how to read the stored model. */
export interface AppliedModel {
  readonly name: string
  readonly id: string
  /** Reads the stored model; a throw skips this variable with a warning. */
  load(): StoredAppliedModel
}

/** Every applied model that can be restored; `warn` hears about the ones that cannot. */
export async function appliedVariables(
  models: readonly AppliedModel[],
  warn: (message: string) => void,
): Promise<ComputedVariable[]> {
  const out: ComputedVariable[] = []
  for (const { name, id, load } of models) {
    try {
      const m = load()
      if (m.kind === 'anomaly') {
        out.push(anomalyVariable(name, id, m))
        continue
      }
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
