/**
 * The runs table through a job's life (issue 17, item 12), on real SQLite files: a project
 * written before runs were recorded at their start (schema 5) keeps its runs when migrated; a
 * run is recorded 'running' and replaced when it ends; runs whose engine died are marked failed,
 * those of a live engine or of a job this engine still runs are left alone.
 */
import Database from 'better-sqlite3'
import { mkdtempSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID, Project } from '../../../src/main/engine/store/project'
import { migrations } from '../../../src/main/engine/store/migrations'
import {
  ENGINE_STOPPED,
  beginRun,
  failAbandonedRuns,
  finishRun,
  thisEngine,
} from '../../../src/main/engine/store/runs'

const dir = () => mkdtempSync(join(tmpdir(), 'hepwb-runs-'))
const run = (id: string, state: 'running' | 'done' = 'running') => ({
  id,
  method: 'train.start',
  title: `Train ${id}`,
  state,
  params: { id },
  startedAt: new Date(Date.now() - 2000).toISOString(),
  finishedAt: new Date().toISOString(),
  seconds: 2,
})

describe('runs', () => {
  it('migrates a schema-5 project with its runs, then records running runs', () => {
    const path = join(dir(), 'old.hepwb')
    const db = new Database(path)
    db.pragma(`application_id = ${APPLICATION_ID}`)
    db.exec('CREATE TABLE hepwb_schema (version INTEGER NOT NULL)')
    db.prepare('INSERT INTO hepwb_schema (version) VALUES (5)').run()
    for (const m of migrations.filter((x) => x.version <= 5)) m.up(db)
    db.prepare("INSERT INTO project (id, name, created_at) VALUES (1, 'old', '2026-01-01')").run()
    db.prepare(
      `INSERT INTO runs VALUES ('r0', 'fit.fit', 'Fit', 'done', '{}', '{"v":1}', NULL, '2026-01-01', '2026-01-01', 1.5)`,
    ).run()
    db.close()
    const p = Project.open(path)
    expect(p.runs()).toEqual([
      expect.objectContaining({ id: 'r0', state: 'done', result: { v: 1 }, seconds: 1.5 }),
    ])
    beginRun(p, run('r1'))
    expect(p.runs().find((r) => r.id === 'r1')?.state).toBe('running')
    finishRun(p, { ...run('r1', 'done'), result: { auc: 0.8 } })
    expect(p.runs().find((r) => r.id === 'r1')).toMatchObject({
      state: 'done',
      result: { auc: 0.8 },
    })
    expect(p.integrityCheck()).toBe('ok')
    p.close()
  })

  it('marks failed only the runs whose engine is gone', () => {
    const p = Project.create(join(dir(), 'r.hepwb'))
    beginRun(p, run('dead'), `${hostname()}:${2 ** 22 + 1}`)
    beginRun(p, run('other-alive'), `${hostname()}:${process.ppid}`)
    beginRun(p, run('other-host'), 'elsewhere:1')
    beginRun(p, run('mine-running'))
    beginRun(p, run('mine-gone'), thisEngine())
    expect(failAbandonedRuns(p, (id) => id === 'mine-running')).toBe(2)
    const state = Object.fromEntries(p.runs().map((r) => [r.id, [r.state, r.error]]))
    expect(state).toEqual({
      dead: ['failed', ENGINE_STOPPED],
      'other-alive': ['running', undefined],
      'other-host': ['running', undefined],
      'mine-running': ['running', undefined],
      'mine-gone': ['failed', ENGINE_STOPPED],
    })
    p.close()
  })
})
