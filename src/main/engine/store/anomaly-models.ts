/**
 * Autoencoders and VAEs in the project file: rows of the models table (migration 5) with kind
 * `ae` / `vae`; `model` holds the stored document (ml/autoencoder/format.ts) with the
 * missing-value replacement of training, `weights` its float32 buffer and `result` the training
 * result with its display histograms. The applied variable name is the table's `applied_as`
 * (set with store/models.ts setApplied, shared with the classifiers so names stay unique).
 */
import { type AnomalyModelInfo, AnomalyTrainResult } from '../../../shared/contract/anomaly'
import type { MissingValues } from '../ml/model-inputs'
import { type ModelTableRow, insertModelRow } from './models'
import type { Project } from './project'
import { ProjectError } from './project'

export interface StoredAnomalyModel {
  /** The stored document (format.ts AnomalyModelDocument, unparsed). */
  readonly document: unknown
  readonly weights: Uint8Array
  /** How missing inputs were replaced in training (the means of the training events). */
  readonly missing: MissingValues
  readonly result: AnomalyTrainResult
}

type Row = ModelTableRow

const KINDS = "kind IN ('ae', 'vae')"

export function insertAnomalyModel(
  project: Project,
  m: { result: AnomalyTrainResult; document: unknown; weights: Uint8Array; missing: MissingValues },
): void {
  const info = m.result.model
  insertModelRow(project, {
    ...info,
    config: m.result.config,
    model: { document: m.document, missing: m.missing },
    weights: m.weights,
    result: m.result,
  })
}

export function listAnomalyModels(project: Project): AnomalyModelInfo[] {
  const rows = project.database
    .prepare(`SELECT id, result, applied_as FROM models WHERE ${KINDS} ORDER BY created_at, id`)
    .all() as Pick<Row, 'id' | 'result' | 'applied_as'>[]
  return rows.map((r) => ({
    ...(JSON.parse(r.result) as AnomalyTrainResult).model,
    appliedAs: r.applied_as,
  }))
}

/** Whether `id` is an autoencoder or VAE of the project. */
export function isAnomalyModel(project: Project, id: string): boolean {
  return !!project.database.prepare(`SELECT 1 FROM models WHERE id = ? AND ${KINDS}`).get(id)
}

export function getAnomalyModel(project: Project, id: string): StoredAnomalyModel {
  const r = project.database.prepare(`SELECT * FROM models WHERE id = ? AND ${KINDS}`).get(id) as
    Row | undefined
  if (!r) throw new ProjectError(`no autoencoder or VAE with id '${id}' in this project`)
  if (!r.weights) throw new ProjectError(`model '${r.name}' has no stored weights`)
  const stored = JSON.parse(r.model) as { document: unknown; missing: MissingValues }
  const result = AnomalyTrainResult.parse(JSON.parse(r.result))
  return {
    document: stored.document,
    missing: stored.missing,
    weights: new Uint8Array(r.weights),
    result: { ...result, model: { ...result.model, appliedAs: r.applied_as } },
  }
}

export function deleteAnomalyModel(project: Project, id: string): void {
  project.database.prepare(`DELETE FROM models WHERE id = ? AND ${KINDS}`).run(id)
}
