/**
 * Forward-only schema migrations of the project file. Migration N brings a file from schema
 * N − 1 to N inside one transaction; a file never goes backwards, and a file whose schema is
 * newer than `CURRENT_SCHEMA` is refused untouched (project.ts).
 */
import type Database from 'better-sqlite3'

export interface Migration {
  version: number
  description: string
  up(db: Database.Database): void
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'project metadata and the record of finished runs',
    up(db) {
      db.exec(`
        CREATE TABLE project (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          name TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          method TEXT NOT NULL,
          title TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('done', 'failed', 'cancelled')),
          params TEXT NOT NULL,
          result TEXT,
          error TEXT,
          started_at TEXT NOT NULL,
          finished_at TEXT NOT NULL,
          seconds REAL NOT NULL
        );
      `)
    },
  },
]

export const CURRENT_SCHEMA = migrations[migrations.length - 1].version
