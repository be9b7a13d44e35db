/**
 * Writing project files over other files (issue 17, items 4, 9 and 12): Save As compares files
 * by identity, not spelling, and never renames over a database that is open; an existing file
 * is replaced only when the request says so; a refused file gets nothing beside it.
 * Real SQLite files, a real second process.
 */
import Database from 'better-sqlite3'
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileExistsError } from '../../../src/main/engine/io/output-file'
import { CURRENT_SCHEMA } from '../../../src/main/engine/store/migrations'
import { Project, databaseInUse } from '../../../src/main/engine/store/project'

const dir = () => mkdtempSync(join(tmpdir(), 'hepwb-saveas-'))
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')
const run = (i: number) => ({
  id: `r${i}`,
  method: 'm',
  title: `t${i}`,
  state: 'done' as const,
  params: { i },
  result: { value: i },
  startedAt: new Date(2026, 0, 1, 0, 0, 0, i).toISOString(),
  finishedAt: new Date().toISOString(),
  seconds: 0.5,
})

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill()
})

/** A second process that holds the database at `path` open (WAL, as the engine does). */
async function holdOpen(path: string): Promise<ChildProcess> {
  const sqlite = require.resolve('better-sqlite3')
  const code = `const D = require(${JSON.stringify(sqlite)}); const d = new D(${JSON.stringify(path)});
    d.pragma('journal_mode = WAL'); d.prepare('SELECT count(*) FROM sqlite_master').get();
    process.stdout.write('ready\\n'); process.stdin.resume();`
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve())
    child.once('exit', (c) => reject(new Error(`holder exited (${c})`)))
  })
  return child
}

describe('Save As', () => {
  it('refuses its own file under any spelling, and the project stays intact after 500 writes', () => {
    const d = dir()
    mkdirSync(join(d, 'sub'))
    const path = join(d, 'p.hepwb')
    const p = Project.create(path)
    for (let i = 0; i < 500; i++) p.recordRun(run(i))
    symlinkSync(path, join(d, 'link.hepwb'))
    linkSync(path, join(d, 'hard.hepwb'))
    const spellings = [
      `${d}/./p.hepwb`,
      `${d}/sub/../p.hepwb`,
      `${d}//p.hepwb`,
      join(d, 'link.hepwb'),
      join(d, 'hard.hepwb'),
      relative(process.cwd(), path),
    ]
    for (const s of spellings)
      for (const overwrite of [false, true])
        expect(() => p.saveAs(s, { overwrite }), s).toThrow(/this project's own file/)
    // The live connection still works and the file is sound, with every row.
    p.recordRun(run(500))
    expect(p.integrityCheck()).toBe('ok')
    expect(p.summary().runs).toBe(501)
    p.close()
    const again = Project.open(path)
    expect(again.integrityCheck()).toBe('ok')
    expect(again.runs().map((r) => r.id)).toEqual(Array.from({ length: 501 }, (_, i) => `r${i}`))
    again.close()
    // Nothing was left behind (no temporary copies).
    expect(readdirSync(d).sort()).toEqual(['hard.hepwb', 'link.hepwb', 'p.hepwb', 'sub'])
  })

  it('refuses an existing file unless overwrite, then replaces it (stale -wal of the old file removed)', () => {
    const d = dir()
    const p = Project.create(join(d, 'a.hepwb'))
    p.recordRun(run(1))
    const target = join(d, 'b.hepwb')
    const other = Project.create(target)
    for (let i = 10; i < 20; i++) other.recordRun(run(i))
    other.close()
    const before = sha(target)
    let thrown: unknown
    try {
      p.saveAs(target)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(FileExistsError)
    expect((thrown as FileExistsError).path).toBe(target)
    expect(sha(target)).toBe(before)

    // A -wal left by a crash of the old file's writer would be replayed into the new file.
    writeFileSync(`${target}-wal`, Buffer.alloc(4096, 7))
    const copy = p.saveAs(target, { overwrite: true })
    p.close()
    expect(copy.path).toBe(target)
    expect(copy.runs().map((r) => r.id)).toEqual(['r1'])
    expect(copy.integrityCheck()).toBe('ok')
    copy.close()
  })

  it('never replaces a database another process has open, and says so', async () => {
    const d = dir()
    const p = Project.create(join(d, 'a.hepwb'))
    const target = join(d, 'busy.hepwb')
    const busy = Project.create(target)
    for (let i = 0; i < 5; i++) busy.recordRun(run(i))
    busy.close()
    expect(databaseInUse(target)).toBe(false)
    const holder = await holdOpen(target)
    expect(databaseInUse(target)).toBe(true)
    expect(() => p.saveAs(target, { overwrite: true })).toThrow(
      /busy\.hepwb is open in HEP Workbench or another program; close it there first/,
    )
    expect(() => Project.create(target, undefined, { overwrite: true })).toThrow(/is open in/)
    holder.kill()
    await new Promise((r) => holder.once('exit', r))
    // Untouched: the holder's database is whole.
    const back = Project.open(target)
    expect(back.summary().runs).toBe(5)
    expect(back.integrityCheck()).toBe('ok')
    // Also a database open in this very process (the engine's own connection).
    expect(() => p.saveAs(target, { overwrite: true })).toThrow(/is open in/)
    back.close()
    p.saveAs(target, { overwrite: true }).close()
    p.close()
  })
})

describe('New project', () => {
  it('refuses an existing file unless overwrite; never a folder', () => {
    const d = dir()
    const path = join(d, 'x.hepwb')
    writeFileSync(path, 'precious')
    expect(() => Project.create(path)).toThrow(FileExistsError)
    expect(readFileSync(path, 'utf8')).toBe('precious')
    const p = Project.create(path, 'fresh', { overwrite: true })
    expect(p.summary()).toMatchObject({ name: 'fresh', runs: 0, path })
    p.close()
    mkdirSync(join(d, 'folder.hepwb'))
    expect(() => Project.create(join(d, 'folder.hepwb'), undefined, { overwrite: true })).toThrow(
      /is a folder/,
    )
    expect(() => Project.create(join(d, 'nowhere', 'y.hepwb'))).toThrow(
      /the folder .* does not exist/,
    )
  })

  it('stores its path absolute when given a relative one', () => {
    const d = dir()
    const p = Project.create(relative(process.cwd(), join(d, 'rel.hepwb')))
    expect(p.path).toBe(join(d, 'rel.hepwb'))
    expect(p.summary().path).toBe(join(d, 'rel.hepwb'))
    p.close()
  })
})

describe('a refused file', () => {
  it('gets no -wal or -shm file beside it', () => {
    const d = dir()
    // Another program's database, in WAL mode.
    const foreign = join(d, 'foreign.sqlite')
    const db = new Database(foreign)
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    db.close()
    // A project from a newer version (WAL, as projects are).
    const future = join(d, 'future.hepwb')
    Project.create(future).close()
    const f = new Database(future)
    f.prepare('UPDATE hepwb_schema SET version = ?').run(CURRENT_SCHEMA + 1)
    f.close()
    writeFileSync(
      join(d, 'text.hepwb'),
      'not a project at all, but long enough for a header '.repeat(3),
    )
    writeFileSync(join(d, 'empty.hepwb'), '')
    mkdirSync(join(d, 'folder.hepwb'))
    const listing = readdirSync(d).sort()
    const hashes = listing.filter((n) => n !== 'folder.hepwb').map((n) => sha(join(d, n)))
    for (const name of listing) {
      expect(() => Project.open(join(d, name)), name).toThrow()
      expect(() => Project.open(join(d, name)), name).toThrow()
    }
    expect(readdirSync(d).sort()).toEqual(listing)
    expect(listing.filter((n) => n !== 'folder.hepwb').map((n) => sha(join(d, n)))).toEqual(hashes)
    expect(existsSync(`${future}-wal`)).toBe(false)
  })
})
