import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, Project, ProjectError } from '../../../src/main/engine/store/project'
import { CURRENT_SCHEMA } from '../../../src/main/engine/store/migrations'

const dir = () => mkdtempSync(join(tmpdir(), 'hepwb-store-'))
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')
const run = (i: number) => ({
  id: `r${i}`,
  method: 'm',
  title: `t${i}`,
  state: 'done' as const,
  params: { i },
  result: { value: i },
  startedAt: new Date(2026, 0, 1, 0, 0, i).toISOString(),
  finishedAt: new Date().toISOString(),
  seconds: 0.5,
})

describe('project file', () => {
  it('is created, written and reopened with its content', () => {
    const path = join(dir(), 'a.hepwb')
    const p = Project.create(path)
    expect(p.summary()).toMatchObject({ name: 'a', runs: 0, schemaVersion: CURRENT_SCHEMA })
    p.rename('Wh → ℓνbb')
    p.recordRun(run(1))
    p.close()
    const q = Project.open(path)
    expect(q.summary()).toMatchObject({ name: 'Wh → ℓνbb', runs: 1 })
    expect(q.runs()[0]).toMatchObject({
      id: 'r1',
      params: { i: 1 },
      result: { value: 1 },
      state: 'done',
    })
    expect(q.integrityCheck()).toBe('ok')
    q.close()
  })

  it('uses WAL, our application id and a schema version', () => {
    const path = join(dir(), 'b.hepwb')
    Project.create(path).close()
    const db = new Database(path, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    expect(db.prepare('SELECT version FROM hepwb_schema').get()).toEqual({
      version: CURRENT_SCHEMA,
    })
    db.close()
  })

  it('refuses to overwrite an existing file on create', () => {
    const path = join(dir(), 'c.hepwb')
    writeFileSync(path, 'precious')
    expect(() => Project.create(path)).toThrow(/already exists/)
    expect(readFileSync(path, 'utf8')).toBe('precious')
  })

  it('saves a copy with Save As and continues in the copy', () => {
    const d = dir()
    const p = Project.create(join(d, 'orig.hepwb'))
    p.recordRun(run(1))
    const copy = p.saveAs(join(d, 'copy.hepwb'))
    p.close()
    copy.recordRun(run(2))
    expect(copy.summary().runs).toBe(2)
    copy.close()
    const orig = Project.open(join(d, 'orig.hepwb'))
    expect(orig.summary().runs).toBe(1)
    orig.close()
  })

  it('refuses a file that is not a project and leaves it untouched', () => {
    const d = dir()
    const text = join(d, 'notes.hepwb')
    writeFileSync(text, 'just some text, long enough to have a header\n')
    const before = sha(text)
    expect(() => Project.open(text)).toThrow(ProjectError)
    expect(() => Project.open(text)).toThrow(
      /not a HEP Workbench project \(it is not an SQLite database\)/,
    )
    expect(sha(text)).toBe(before)

    const other = join(d, 'other.sqlite')
    const db = new Database(other)
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
    db.close()
    const before2 = sha(other)
    expect(() => Project.open(other)).toThrow(/an SQLite database but not a HEP Workbench project/)
    expect(sha(other)).toBe(before2)

    expect(() => Project.open(join(d, 'missing.hepwb'))).toThrow(/no such file/)
    const empty = join(d, 'empty.hepwb')
    writeFileSync(empty, '')
    expect(() => Project.open(empty)).toThrow(/not an SQLite database/)
  })

  it('refuses a project from a newer schema and leaves it untouched', () => {
    const path = join(dir(), 'future.hepwb')
    Project.create(path).close()
    const db = new Database(path)
    db.pragma('journal_mode = DELETE')
    db.prepare('UPDATE hepwb_schema SET version = ?').run(CURRENT_SCHEMA + 1)
    db.close()
    const before = sha(path)
    expect(() => Project.open(path)).toThrow(
      new RegExp(`newer HEP Workbench \\(project schema ${CURRENT_SCHEMA + 1}`),
    )
    expect(sha(path)).toBe(before)
  })

  it('migrates an older schema forward on open', () => {
    const path = join(dir(), 'old.hepwb')
    // A file as an older version left it: only the schema table at version 0.
    const db = new Database(path)
    db.pragma(`application_id = ${APPLICATION_ID}`)
    db.exec(
      'CREATE TABLE hepwb_schema (version INTEGER NOT NULL); INSERT INTO hepwb_schema VALUES (0)',
    )
    db.close()
    const p = Project.open(path)
    expect(p.runs()).toEqual([])
    p.close()
    const check = new Database(path, { readonly: true })
    expect(check.prepare('SELECT version FROM hepwb_schema').get()).toEqual({
      version: CURRENT_SCHEMA,
    })
    check.close()
  })

  it('survives SIGKILL in the middle of writes with everything committed before it', async () => {
    const path = join(dir(), 'killed.hepwb')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'fixtures', 'writer.ts'), path],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let last = -1
    let buffer = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        const lines = buffer.split('\n')
        buffer = lines.pop() ?? ''
        if (lines.length) last = Number(lines[lines.length - 1])
        // Kill it while it is writing, after a fair number of commits.
        if (last >= 150 && !child.killed) child.kill('SIGKILL')
      })
      child.on('exit', (_code, signal) =>
        signal === 'SIGKILL'
          ? resolve()
          : reject(new Error(`writer ended without being killed (${signal})`)),
      )
    })
    expect(last).toBeGreaterThanOrEqual(150)
    const p = Project.open(path)
    expect(p.integrityCheck()).toBe('ok')
    const ids = new Set(p.runs().map((r) => r.id))
    // Every run the writer reported as committed is there (more may be: killed after commit, before print).
    for (let i = 0; i <= last; i++) expect(ids.has(`run-${i}`)).toBe(true)
    expect(ids.size).toBeGreaterThanOrEqual(last + 1)
    p.close()
  })
})
