/**
 * The project's applied models as computed variables: each model whose output the user applied
 * under a name becomes a per-event variable (select/derived.ts ComputedVariable) that cuts,
 * histograms, fits and other models read like a column.
 */
import type { ComputedVariable } from '../select/derived'
import { anomalyVariable, type StoredAnomalyScore } from './autoencoder/applied-score'
import { type InfernoSummaryDocument, summaryBins } from './inferno/summary-model'
import { scoreColumns } from './model-inputs'
import { restoreClassifier, type StoredModelJSON } from './train-classifier'

/** A stored model as the project keeps it: a classifier, an autoencoder / VAE, an INFERNO summary. */
export type StoredAppliedModel =
  | { readonly kind: 'classifier'; readonly model: unknown; readonly weights: Uint8Array | null }
  | ({ readonly kind: 'anomaly' } & StoredAnomalyScore)
  | {
      readonly kind: 'inferno'
      readonly document: InfernoSummaryDocument
      readonly weights: Uint8Array
    }

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
      if (m.kind === 'inferno') {
        // The event's bin of the INFERNO summary, as its result's templates count it.
        const { document, weights } = m
        out.push({
          name,
          inputs: [...document.inputs],
          key: id,
          compute: (columns, n) => summaryBins(document, weights, columns, n),
        })
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
