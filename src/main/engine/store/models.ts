/**
 * Trained models in the project file (table of migration 5): what is needed to score events
 * again (inputs, preprocessing, parameters or network topology + weights), the training result
 * shown in the Train view, and the variable name under which the output is applied.
 */
import { ModelInfo, TrainResult } from '../../../shared/contract/train'
import type { Project } from './project'
import { ProjectError } from './project'

export interface StoredModel {
  readonly info: ModelInfo
  /** Method-specific JSON: inputs, preprocessing, coefficients / cut sets / network topology. */
  readonly model: unknown
  /** Network weight data (TensorFlow.js weight buffer), if any. */
  readonly weights: Uint8Array | null
  readonly result: TrainResult
}

/** One row of the models table as SQLite gives it (JSON columns as text). */
export interface ModelTableRow {
  id: string
  name: string
  kind: string
  run_id: string
  config: string
  model: string
  weights: Buffer | null
  result: string
  applied_as: string | null
  created_at: string
}
type Row = ModelTableRow

function infoOf(r: Row, result: TrainResult): ModelInfo {
  return ModelInfo.parse({
    ...result.model,
    id: r.id,
    name: r.name,
    runId: r.run_id,
    createdAt: r.created_at,
    appliedAs: r.applied_as,
  })
}

/** One row of the models table, whatever the kind of model (classifier, autoencoder, INFERNO). */
export interface ModelRow {
  readonly id: string
  readonly name: string
  readonly kind: string
  readonly runId: string
  readonly createdAt: string
  readonly config: unknown
  /** The stored document (JSON) that restores it. */
  readonly model: unknown
  readonly weights: Uint8Array | null
  /** The training result the views show (JSON). */
  readonly result: unknown
}

/** Stores a trained model, not applied. */
export function insertModelRow(project: Project, m: ModelRow): void {
  project.database
    .prepare(
      `INSERT INTO models (id, name, kind, run_id, config, model, weights, result, applied_as, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
    )
    .run(
      m.id,
      m.name,
      m.kind,
      m.runId,
      JSON.stringify(m.config),
      JSON.stringify(m.model),
      m.weights ? Buffer.from(m.weights.buffer, m.weights.byteOffset, m.weights.byteLength) : null,
      JSON.stringify(m.result),
      m.createdAt,
    )
}

/** Kinds of the table's rows that are not classifiers (store/anomaly-models.ts, inferno-models.ts). */
const NOT_CLASSIFIERS = "('ae', 'vae', 'inferno')"

export function insertModel(
  project: Project,
  m: { result: TrainResult; model: unknown; weights: Uint8Array | null },
): void {
  const info = m.result.model
  insertModelRow(project, { ...info, config: m.result.config, ...m })
}

export function listModels(project: Project): ModelInfo[] {
  const rows = project.database
    .prepare(`SELECT * FROM models WHERE kind NOT IN ${NOT_CLASSIFIERS} ORDER BY created_at, id`)
    .all() as Row[]
  return rows.map((r) => infoOf(r, JSON.parse(r.result) as TrainResult))
}

export function getModel(project: Project, id: string): StoredModel {
  const r = project.database.prepare('SELECT * FROM models WHERE id = ?').get(id) as Row | undefined
  if (!r) throw new ProjectError(`no model with id '${id}' in this project`)
  if (r.kind === 'ae' || r.kind === 'vae')
    throw new ProjectError(`'${r.name}' is an anomaly model: the Anomaly view shows it`)
  if (r.kind === 'inferno')
    throw new ProjectError(`'${r.name}' is an INFERNO summary: the INFERNO tab shows it`)
  const result = TrainResult.parse(JSON.parse(r.result))
  const info = infoOf(r, result)
  return {
    info,
    model: JSON.parse(r.model),
    weights: r.weights ? new Uint8Array(r.weights) : null,
    result: { ...result, model: info },
  }
}

/** The applied models: variable name → model id. */
export function appliedModels(project: Project): { name: string; id: string }[] {
  return project.database
    .prepare(
      'SELECT applied_as AS name, id FROM models WHERE applied_as IS NOT NULL ORDER BY created_at',
    )
    .all() as { name: string; id: string }[]
}

export function setApplied(project: Project, id: string, name: string | null): void {
  const db = project.database
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM models WHERE id = ?').get(id))
      throw new ProjectError(`no model with id '${id}' in this project`)
    if (name !== null) {
      const other = db
        .prepare('SELECT name FROM models WHERE applied_as = ? AND id != ?')
        .get(name, id) as { name: string } | undefined
      if (other) throw new ProjectError(`'${name}' is already the output of model '${other.name}'`)
      if (db.prepare('SELECT 1 FROM variables WHERE name = ?').get(name))
        throw new ProjectError(`'${name}' is already a derived variable; choose another name`)
    }
    db.prepare('UPDATE models SET applied_as = ? WHERE id = ?').run(name, id)
  })()
}

export function deleteModel(project: Project, id: string): void {
  project.database.prepare('DELETE FROM models WHERE id = ?').run(id)
}
