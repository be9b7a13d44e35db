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
  {
    version: 2,
    description:
      'samples (event files with role, group, colour, weight, normalisation) and view settings',
    up(db) {
      db.exec(`
        CREATE TABLE samples (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          position INTEGER NOT NULL,
          spec TEXT NOT NULL,            -- JSON: files, table, role, group, colour, weight, normalisation
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,           -- e.g. 'explorer.binning.Jet_pt'
          value TEXT NOT NULL             -- JSON
        );
      `)
    },
  },
  {
    version: 3,
    description: 'likelihood workspaces (pyhf JSON, with patchsets) and their fit results',
    up(db) {
      db.exec(`
        CREATE TABLE workspaces (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          source TEXT,                    -- the file it was imported from, if any
          workspace TEXT NOT NULL,        -- JSON (pyhf schema 1.0.0)
          patchset TEXT,                  -- JSON, optional
          created_at TEXT NOT NULL
        );
        CREATE TABLE fits (
          id TEXT PRIMARY KEY,
          workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
          kind TEXT NOT NULL,             -- fit | scan | hypotest | limit | significance | ranking
          options TEXT NOT NULL,          -- JSON: patch, poi, data (observed/asimov), codes, …
          result TEXT NOT NULL,           -- JSON
          created_at TEXT NOT NULL
        );
        CREATE INDEX fits_by_workspace ON fits (workspace_id, created_at);
      `)
    },
  },
  {
    version: 4,
    description: 'derived variables and regions of ordered cuts (the Cuts & Regions step)',
    up(db) {
      db.exec(`
        CREATE TABLE variables (
          name TEXT PRIMARY KEY,
          expr TEXT NOT NULL,
          unit TEXT NOT NULL DEFAULT '',
          label TEXT NOT NULL DEFAULT '',
          position INTEGER NOT NULL
        );
        CREATE TABLE regions (
          name TEXT PRIMARY KEY,
          position INTEGER NOT NULL,
          parent TEXT,                    -- another region's name; its cuts come first
          blinded INTEGER NOT NULL DEFAULT 0,
          cuts TEXT NOT NULL              -- JSON: ordered [{name, expr}]
        );
      `)
    },
  },
  {
    version: 5,
    description:
      'trained models (config, preprocessing, weights, evaluation) and their applied variables',
    up(db) {
      db.exec(`
        CREATE TABLE models (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          kind TEXT NOT NULL,             -- lda | cuts | mlp (later inferno, ae, vae)
          run_id TEXT NOT NULL,           -- the job that trained it (runs.id once it is stored)
          config TEXT NOT NULL,           -- JSON: the training set-up and options
          model TEXT NOT NULL,            -- JSON: inputs, preprocessing, parameters or topology
          weights BLOB,                   -- network weights (TensorFlow.js weight data), if any
          result TEXT NOT NULL,           -- JSON: summary and evaluation
          applied_as TEXT UNIQUE,         -- variable name of its output, if applied
          created_at TEXT NOT NULL
        );
      `)
    },
  },
  {
    version: 6,
    description:
      "runs recorded when they start ('running', with the engine process that runs them), so a job killed with its engine is found and marked failed",
    up(db) {
      // SQLite cannot change a CHECK constraint in place: the table is rebuilt with its rows.
      db.exec(`
        CREATE TABLE runs_v6 (
          id TEXT PRIMARY KEY,
          method TEXT NOT NULL,
          title TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
          params TEXT NOT NULL,
          result TEXT,
          error TEXT,
          started_at TEXT NOT NULL,
          finished_at TEXT NOT NULL,     -- while running: when it was last recorded
          seconds REAL NOT NULL,
          engine TEXT                    -- while running: 'host:pid' of the engine running it
        );
        INSERT INTO runs_v6 (id, method, title, state, params, result, error, started_at, finished_at, seconds)
          SELECT id, method, title, state, params, result, error, started_at, finished_at, seconds FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v6 RENAME TO runs;
      `)
    },
  },
  {
    version: 8,
    description:
      "saved plots (figure data, presentation settings, provenance) and the project's plot style presets",
    up(db) {
      db.exec(`
        CREATE TABLE plots (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          position INTEGER NOT NULL,
          tags TEXT NOT NULL,             -- JSON: [tag]
          figure TEXT NOT NULL,           -- JSON: shared/plot/figure.ts (the numbers)
          settings TEXT NOT NULL,         -- JSON: shared/plot/settings.ts (the presentation)
          provenance TEXT NOT NULL,       -- JSON: shared/plot/provenance.ts (inputs, recipe)
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE plot_styles (
          name TEXT PRIMARY KEY,
          settings TEXT NOT NULL          -- JSON: PlotSettings
        );
      `)
    },
  },
]

export const CURRENT_SCHEMA = migrations[migrations.length - 1].version
