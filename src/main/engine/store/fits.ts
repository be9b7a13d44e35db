/**
 * Likelihood workspaces and fit results in the project (tables from migration 3). Each write is
 * one statement, hence one transaction.
 */
import type Database from 'better-sqlite3'

export interface StoredWorkspace {
  id: string
  name: string
  source: string | null
  /** The workspace JSON (pyhf schema), parsed. */
  workspace: unknown
  /** The patchset JSON (one patchset, or a list of them), parsed; null without one. */
  patchset: unknown
  createdAt: string
}

export type FitKind = 'fit' | 'scan' | 'limit' | 'significance' | 'ranking'

export function insertWorkspace(db: Database.Database, w: StoredWorkspace): void {
  db.prepare(
    'INSERT INTO workspaces (id, name, source, workspace, patchset, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(
    w.id,
    w.name,
    w.source,
    JSON.stringify(w.workspace),
    w.patchset === null ? null : JSON.stringify(w.patchset),
    w.createdAt,
  )
}

interface WorkspaceRow {
  id: string
  name: string
  source: string | null
  workspace: string
  patchset: string | null
  created_at: string
}

function fromRow(r: WorkspaceRow): StoredWorkspace {
  return {
    id: r.id,
    name: r.name,
    source: r.source,
    workspace: JSON.parse(r.workspace) as unknown,
    patchset: r.patchset === null ? null : (JSON.parse(r.patchset) as unknown),
    createdAt: r.created_at,
  }
}

export function listWorkspaces(db: Database.Database): StoredWorkspace[] {
  return (db.prepare('SELECT * FROM workspaces ORDER BY created_at').all() as WorkspaceRow[]).map(
    fromRow,
  )
}

export function getWorkspace(db: Database.Database, id: string): StoredWorkspace | null {
  const r = db.prepare('SELECT * FROM workspaces WHERE id = ?').get(id) as WorkspaceRow | undefined
  return r ? fromRow(r) : null
}

/** Removes a workspace and (by cascade) its results. */
export function deleteWorkspace(db: Database.Database, id: string): boolean {
  return db.prepare('DELETE FROM workspaces WHERE id = ?').run(id).changes > 0
}

/** `setupKey` identifies what was fitted (workspace, patch, data, codes) as canonical JSON. */
export function insertResult(
  db: Database.Database,
  r: {
    id: string
    workspaceId: string
    kind: FitKind
    setupKey: string
    result: unknown
    createdAt: string
  },
): void {
  db.prepare(
    'INSERT INTO fits (id, workspace_id, kind, options, result, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(r.id, r.workspaceId, r.kind, r.setupKey, JSON.stringify(r.result), r.createdAt)
}

/** The newest result of `kind` for exactly this setup, or null. */
export function latestResult(
  db: Database.Database,
  workspaceId: string,
  kind: FitKind,
  setupKey: string,
): unknown {
  const r = db
    .prepare(
      'SELECT result FROM fits WHERE workspace_id = ? AND kind = ? AND options = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
    )
    .get(workspaceId, kind, setupKey) as { result: string } | undefined
  return r ? (JSON.parse(r.result) as unknown) : null
}
