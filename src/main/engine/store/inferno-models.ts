/**
 * INFERNO summaries in the project file: rows of the models table (migration 5) with kind
 * `inferno`, stored as the classifiers are (store/models.ts): `model` holds the summary document
 * (ml/inferno/summary-model.ts), `weights` its float32 buffer and `result` the whole evaluation
 * the INFERNO tab shows (σ table, templates, scans, loss history). The applied variable name is
 * the table's `applied_as` (set with store/models.ts setApplied, shared so names stay unique).
 */
import { type InfernoModelInfo, InfernoProjectResult } from '../../../shared/contract/inferno'
import type { InfernoSummaryDocument } from '../ml/inferno/summary-model'
import { type ModelTableRow, insertModelRow } from './models'
import type { Project } from './project'
import { ProjectError } from './project'

export interface StoredInfernoModel {
  readonly document: InfernoSummaryDocument
  readonly weights: Uint8Array
  readonly result: InfernoProjectResult & { model: InfernoModelInfo }
}

type Row = ModelTableRow

const KIND = "kind = 'inferno'"

export function insertInfernoModel(
  project: Project,
  m: {
    result: InfernoProjectResult & { model: InfernoModelInfo }
    document: InfernoSummaryDocument
    weights: Uint8Array
  },
): void {
  const info = m.result.model
  insertModelRow(project, {
    id: info.id,
    name: info.name,
    kind: 'inferno',
    runId: info.runId,
    createdAt: info.createdAt,
    config: m.result.config,
    model: m.document,
    weights: m.weights,
    result: m.result,
  })
}

function infoOf(r: Pick<Row, 'result' | 'applied_as'>): InfernoModelInfo {
  const model = (JSON.parse(r.result) as { model: InfernoModelInfo }).model
  return { ...model, appliedAs: r.applied_as }
}

export function listInfernoModels(project: Project): InfernoModelInfo[] {
  const rows = project.database
    .prepare(`SELECT result, applied_as FROM models WHERE ${KIND} ORDER BY created_at, id`)
    .all() as Pick<Row, 'result' | 'applied_as'>[]
  return rows.map(infoOf)
}

/** Whether `id` is an INFERNO summary of the project. */
export function isInfernoModel(project: Project, id: string): boolean {
  return !!project.database.prepare(`SELECT 1 FROM models WHERE id = ? AND ${KIND}`).get(id)
}

export function getInfernoModel(project: Project, id: string): StoredInfernoModel {
  const r = project.database.prepare(`SELECT * FROM models WHERE id = ? AND ${KIND}`).get(id) as
    Row | undefined
  if (!r) throw new ProjectError(`no INFERNO model with id '${id}' in this project`)
  if (!r.weights) throw new ProjectError(`INFERNO model '${r.name}' has no stored weights`)
  const result = InfernoProjectResult.parse(JSON.parse(r.result))
  return {
    document: JSON.parse(r.model) as InfernoSummaryDocument,
    weights: new Uint8Array(r.weights),
    result: { ...result, model: infoOf(r) },
  }
}

export function deleteInfernoModel(project: Project, id: string): void {
  project.database.prepare(`DELETE FROM models WHERE id = ? AND ${KIND}`).run(id)
}
