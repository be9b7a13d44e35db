/**
 * A project is one SQLite file (`*.hepwb`): WAL journal, a schema version table and forward
 * migrations. Every change is its own transaction, so a crash at any moment (kill -9 included)
 * leaves the file at the last committed state. Event data never live here (DESIGN.md §3).
 */
import Database from 'better-sqlite3'
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import type { ProjectSummary, RunRecord } from '../../../shared/api'
import { CURRENT_SCHEMA, migrations } from './migrations'

/** SQLite `application_id` of our files: ASCII "HEPW". */
export const APPLICATION_ID = 0x48455057
const SQLITE_MAGIC = 'SQLite format 3\0'

/** A problem with the project file that the user can act on; the file was not changed. */
export class ProjectError extends Error {
  override name = 'ProjectError'
}

/** Where better-sqlite3's native module lives when it must differ from the default (Electron). */
function nativeBinding(): string | undefined {
  return process.env.HEPWB_SQLITE_BINDING || undefined
}

function openDb(path: string, readonly: boolean): Database.Database {
  return new Database(path, { readonly, fileMustExist: readonly, nativeBinding: nativeBinding() })
}

function checkIsProject(path: string): void {
  if (!existsSync(path)) throw new ProjectError(`${path}: no such file`)
  if (!statSync(path).isFile()) throw new ProjectError(`${path}: not a file`)
  const head = Buffer.alloc(16)
  const fd = openSync(path, 'r')
  let n: number
  try {
    n = readSync(fd, head, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  if (n < 16 || head.toString('latin1') !== SQLITE_MAGIC)
    throw new ProjectError(`${path} is not a HEP Workbench project (it is not an SQLite database)`)
  let db: Database.Database | undefined
  try {
    db = openDb(path, true)
    const appId = db.pragma('application_id', { simple: true }) as number
    const hasSchema = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hepwb_schema'")
      .get()
    if (appId !== APPLICATION_ID || !hasSchema)
      throw new ProjectError(`${path} is an SQLite database but not a HEP Workbench project`)
    const row = db.prepare('SELECT version FROM hepwb_schema').get() as
      { version: number } | undefined
    const version = row?.version ?? 0
    if (version > CURRENT_SCHEMA)
      throw new ProjectError(
        `${path} was saved by a newer HEP Workbench (project schema ${version}; this version reads up to ${CURRENT_SCHEMA}). Update HEP Workbench to open it.`,
      )
  } catch (e) {
    if (e instanceof ProjectError) throw e
    throw new ProjectError(`${path} could not be read as a project: ${(e as Error).message}`)
  } finally {
    db?.close()
  }
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL')
  // FULL: a committed change survives power loss too, not only a process crash.
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
}

function migrate(db: Database.Database): void {
  const current =
    (db.prepare('SELECT version FROM hepwb_schema').get() as { version: number } | undefined)
      ?.version ?? 0
  for (const m of migrations) {
    if (m.version <= current) continue
    db.transaction(() => {
      m.up(db)
      db.prepare('UPDATE hepwb_schema SET version = ?').run(m.version)
    })()
  }
}

function nowIso(): string {
  return new Date().toISOString()
}

/** The default project name for a file: its base name without extension. */
function nameFromPath(path: string): string {
  return basename(path, extname(path)) || 'Untitled'
}

export class Project {
  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {}

  /** Creates a new project file; refuses to overwrite an existing file. */
  static create(path: string, name: string = nameFromPath(path)): Project {
    if (existsSync(path))
      throw new ProjectError(`${path} already exists; choose another name or open it`)
    if (!existsSync(dirname(path))) throw new ProjectError(`${dirname(path)}: no such folder`)
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.creating`)
    // Built under a temporary name and renamed: a crash never leaves a half-initialised project.
    const db = openDb(tmp, false)
    try {
      db.pragma(`application_id = ${APPLICATION_ID}`)
      db.transaction(() => {
        db.exec('CREATE TABLE hepwb_schema (version INTEGER NOT NULL)')
        db.prepare('INSERT INTO hepwb_schema (version) VALUES (0)').run()
      })()
      migrate(db)
      db.prepare('INSERT INTO project (id, name, created_at) VALUES (1, ?, ?)').run(name, nowIso())
    } finally {
      db.close()
    }
    renameSync(tmp, path)
    return Project.open(path)
  }

  /** Opens an existing project, migrating it forward; refuses non-projects and newer schemas. */
  static open(path: string): Project {
    checkIsProject(path)
    const db = openDb(path, false)
    try {
      configure(db)
      migrate(db)
    } catch (e) {
      db.close()
      throw new ProjectError(`${path}: ${(e as Error).message}`)
    }
    return new Project(path, db)
  }

  /** Writes a compact copy to `path` (replacing it atomically) and returns the copy, opened. */
  saveAs(path: string): Project {
    if (path === this.path) return this
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.saving`)
    rmSync(tmp, { force: true })
    this.db.prepare('VACUUM INTO ?').run(tmp)
    renameSync(tmp, path)
    return Project.open(path)
  }

  /** The connection, for the store modules of each concern (store/*.ts); nothing else uses it. */
  get database(): Database.Database {
    return this.db
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  summary(): ProjectSummary {
    const p = this.db
      .prepare('SELECT name, created_at AS createdAt FROM project WHERE id = 1')
      .get() as {
      name: string
      createdAt: string
    }
    const runs = (this.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n
    const version = (
      this.db.prepare('SELECT version FROM hepwb_schema').get() as { version: number }
    ).version
    return { path: this.path, name: p.name, createdAt: p.createdAt, schemaVersion: version, runs }
  }

  rename(name: string): void {
    this.db.prepare('UPDATE project SET name = ? WHERE id = 1').run(name)
  }

  /** Stores a finished job (done, failed or cancelled) as a run. */
  recordRun(run: RunRecord): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, method, title, state, params, result, error, started_at, finished_at, seconds)
         VALUES (@id, @method, @title, @state, @params, @result, @error, @startedAt, @finishedAt, @seconds)`,
      )
      .run({
        ...run,
        params: JSON.stringify(run.params ?? null),
        result: run.result === undefined ? null : JSON.stringify(run.result),
        error: run.error ?? null,
      })
  }

  runs(): RunRecord[] {
    const rows = this.db
      .prepare(
        `SELECT id, method, title, state, params, result, error, started_at AS startedAt,
                finished_at AS finishedAt, seconds FROM runs ORDER BY started_at`,
      )
      .all() as (Omit<RunRecord, 'params' | 'result' | 'error'> & {
      params: string
      result: string | null
      error: string | null
    })[]
    return rows.map((r) => ({
      ...r,
      params: JSON.parse(r.params) as unknown,
      result: r.result === null ? undefined : (JSON.parse(r.result) as unknown),
      error: r.error ?? undefined,
    }))
  }

  /** SQLite's own consistency check ("ok" when the file is sound). */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string
  }
}
