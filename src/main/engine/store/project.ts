/**
 * A project is one SQLite file (`*.hepwb`): WAL journal, a schema version table and forward
 * migrations. Every change is its own transaction, so a crash at any moment (kill -9 included)
 * leaves the file at the last committed state. Event data never live here (DESIGN.md §3).
 */
import Database from 'better-sqlite3'
import { closeSync, existsSync, openSync, readSync, readdirSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import type { ProjectSummary, RunRecord } from '../../../shared/api'
import { OutputPathError, checkOutputPath, moveIntoPlace, tempPathFor } from '../io/output-file'
import { sameFile } from './file-identity'
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

function openDb(path: string, readonly: boolean, mustExist = readonly): Database.Database {
  return new Database(path, { readonly, fileMustExist: mustExist, nativeBinding: nativeBinding() })
}

/** The first 100 bytes of `path` (the SQLite header), or fewer when the file is shorter. */
function readHeader(path: string): Buffer {
  const head = Buffer.alloc(100)
  const fd = openSync(path, 'r')
  try {
    return head.subarray(0, readSync(fd, head, 0, 100, 0))
  } finally {
    closeSync(fd)
  }
}

/** Whether the file at `path` starts with SQLite's header (it may be any database). */
function isSqliteFile(path: string): boolean {
  const head = readHeader(path)
  return head.length === 100 && head.toString('latin1', 0, 16) === SQLITE_MAGIC
}

function checkIsProject(path: string): void {
  if (!existsSync(path)) throw new ProjectError(`${path}: no such file`)
  if (!statSync(path).isFile()) throw new ProjectError(`${path}: not a file`)
  // The header answers "is this ours" without SQLite: opening a database can leave -wal and
  // -shm files beside it, which a refused file must not get.
  const head = readHeader(path)
  if (head.length < 100 || head.toString('latin1', 0, 16) !== SQLITE_MAGIC)
    throw new ProjectError(`${path} is not a HEP Workbench project (it is not an SQLite database)`)
  // application_id: big-endian at offset 68 of the header.
  if (head.readUInt32BE(68) !== APPLICATION_ID)
    throw new ProjectError(`${path} is an SQLite database but not a HEP Workbench project`)
  let db: Database.Database | undefined
  try {
    // Read-write although it only reads: a read-only connection cannot remove the -wal and
    // -shm files it creates, while the last read-write one removes them when it closes.
    db = openDb(path, false, true)
    const hasSchema = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hepwb_schema'")
      .get()
    if (!hasSchema)
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

/**
 * Whether some connection — in this process or another — holds the SQLite database at `path`
 * open: an open WAL connection keeps a shared lock on the file, so an exclusive lock is
 * refused at once. Renaming a file over a database in use corrupts it for its users.
 */
export function databaseInUse(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile() || !isSqliteFile(path)) return false
  let db: Database.Database | undefined
  try {
    db = new Database(path, { fileMustExist: true, timeout: 0, nativeBinding: nativeBinding() })
    db.pragma('locking_mode = EXCLUSIVE')
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    db.exec('BEGIN EXCLUSIVE; ROLLBACK')
    return false
  } catch (e) {
    const code = (e as { code?: string }).code ?? ''
    return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
  } finally {
    db?.close()
  }
}

/**
 * Moves the finished project file `tmp` to `target`: refused when `target` exists unless
 * `overwrite`, and never over a database that is open (here or in another program). The old
 * file's -wal, -shm and -journal are removed first: SQLite would apply them to the new file.
 */
function installProjectFile(tmp: string, target: string, overwrite: boolean): void {
  if (overwrite && existsSync(target)) {
    if (databaseInUse(target)) throw inUseError(target)
    for (const side of ['-wal', '-shm', '-journal']) rmSync(target + side, { force: true })
  }
  moveIntoPlace(tmp, target, overwrite)
}

/**
 * Removes temporary project files of `target` left by a process that no longer runs (a killed
 * `hepwb spec open`, a crash during Save As); those of running processes are left alone.
 */
function removeStaleTemps(target: string): void {
  const prefix = `.${basename(target)}.`
  const dir = dirname(target)
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const m = /^(\d+)\.(creating|saving)(-journal)?$/.exec(name.slice(prefix.length))
    if (!name.startsWith(prefix) || !m || alive(Number(m[1]))) continue
    rmSync(join(dir, name), { force: true })
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
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

/** What a request that writes a project file allows. */
export interface WriteOptions {
  /** Replace an existing file at the target (the user confirmed it); default: refuse. */
  overwrite?: boolean
}

export class Project {
  private constructor(
    /** The project's file (absolute). A draft's connection is on a temporary file beside it. */
    readonly path: string,
    private readonly db: Database.Database,
  ) {}

  /**
   * Creates a new project file at `path`; an existing file is refused (FileExistsError) unless
   * `overwrite`, and a database in use is never replaced.
   */
  static create(path: string, name?: string, options: WriteOptions = {}): Project {
    return Project.draft(path, name, options).commit()
  }

  /**
   * Starts a new project to be filled before it appears at `target`: built in a temporary file
   * beside it, renamed into place by `commit()` (a crash or kill before that leaves no file at
   * `target`). The target is checked first, so a taken path is refused before any work.
   */
  static draft(target: string, name?: string, options: WriteOptions = {}): ProjectDraft {
    const path = resolve(target)
    const overwrite = options.overwrite ?? false
    checkTarget(path, overwrite)
    removeStaleTemps(path)
    const tmp = tempPathFor(path, 'creating')
    rmSync(tmp, { force: true })
    const db = openDb(tmp, false)
    try {
      db.pragma(`application_id = ${APPLICATION_ID}`)
      // A rollback journal while drafting: the finished file is one file, with nothing beside it.
      db.pragma('synchronous = FULL')
      db.pragma('foreign_keys = ON')
      db.transaction(() => {
        db.exec('CREATE TABLE hepwb_schema (version INTEGER NOT NULL)')
        db.prepare('INSERT INTO hepwb_schema (version) VALUES (0)').run()
      })()
      migrate(db)
      db.prepare('INSERT INTO project (id, name, created_at) VALUES (1, ?, ?)').run(
        name ?? nameFromPath(path),
        nowIso(),
      )
    } catch (e) {
      db.close()
      rmSync(tmp, { force: true })
      throw e
    }
    return new ProjectDraft(new Project(path, db), tmp, overwrite)
  }

  /** Opens an existing project, migrating it forward; refuses non-projects and newer schemas. */
  static open(file: string): Project {
    const path = resolve(file)
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

  /**
   * Opens an existing project for reading only (`hepwb cutflow PROJECT.hepwb`): the connection
   * refuses every write (SQLite's query_only), so the file stays as it was. A project saved by
   * an older version is refused rather than migrated (migrating writes).
   */
  static openReadOnly(file: string): Project {
    const path = resolve(file)
    checkIsProject(path)
    // Read-write connection, as checkIsProject explains: a read-only one leaves -wal and -shm.
    const db = openDb(path, false)
    try {
      db.pragma('busy_timeout = 5000')
      const row = db.prepare('SELECT version FROM hepwb_schema').get() as
        { version: number } | undefined
      const version = row?.version ?? 0
      if (version < CURRENT_SCHEMA)
        throw new ProjectError(
          `${path} was saved by an older HEP Workbench (project schema ${version}); open it once in the workbench to update it`,
        )
      db.pragma('query_only = ON')
    } catch (e) {
      db.close()
      if (e instanceof ProjectError) throw e
      throw new ProjectError(`${path}: ${(e as Error).message}`)
    }
    return new Project(path, db)
  }

  /**
   * Writes a compact copy to `target` and returns the copy, opened. The target is compared by
   * identity (device and inode, real path), not spelling: this project's own file under any
   * name (`dir/./p.hepwb`, a symbolic or hard link, a relative path) is refused. An existing
   * file is refused (FileExistsError) unless `overwrite`, and one open elsewhere is never
   * replaced.
   */
  saveAs(target: string, options: WriteOptions = {}): Project {
    const path = resolve(target)
    const overwrite = options.overwrite ?? false
    if (sameFile(path, this.path))
      throw new ProjectError(
        `${path} is this project's own file (${this.path}); a project is saved as it changes, so there is nothing to save. Choose another name for a copy.`,
      )
    checkTarget(path, overwrite)
    removeStaleTemps(path)
    const tmp = tempPathFor(path, 'saving')
    rmSync(tmp, { force: true })
    try {
      this.db.prepare('VACUUM INTO ?').run(tmp)
      installProjectFile(tmp, path, overwrite)
    } catch (e) {
      rmSync(tmp, { force: true })
      throw e
    }
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

/** A new project being filled under a temporary name; see Project.draft. */
export class ProjectDraft {
  constructor(
    /** The project to fill; its `path` is the target, its file still the temporary one. */
    readonly project: Project,
    private readonly tmp: string,
    private readonly overwrite: boolean,
  ) {}

  /** Closes the draft, moves it to its target and returns it opened there. */
  commit(): Project {
    this.project.close()
    try {
      installProjectFile(this.tmp, this.project.path, this.overwrite)
    } catch (e) {
      this.discard()
      throw e
    }
    return Project.open(this.project.path)
  }

  /** Closes and deletes the draft; the target is untouched. */
  discard(): void {
    this.project.close()
    for (const f of [this.tmp, `${this.tmp}-journal`]) rmSync(f, { force: true })
  }
}

/** Refuses a target that cannot or may not be written, before any work is done for it. */
function checkTarget(path: string, overwrite: boolean): void {
  try {
    checkOutputPath(path, overwrite)
  } catch (e) {
    if (e instanceof OutputPathError) throw new ProjectError(e.message)
    throw e
  }
  if (overwrite && databaseInUse(path)) throw inUseError(path)
}

function inUseError(path: string): ProjectError {
  return new ProjectError(
    `${path} is open in HEP Workbench or another program; close it there first (replacing a database in use would corrupt it)`,
  )
}
