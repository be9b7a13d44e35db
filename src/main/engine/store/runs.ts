/**
 * The runs table (migrations 1 and 6) through a job's life: a row is written as 'running' when
 * the job starts, tagged with the engine process that runs it, and replaced by the finished run
 * when it ends. A row still 'running' whose engine is gone (killed, crashed, the machine
 * restarted) is a job that died with its engine: `failAbandonedRuns` marks it failed, so every
 * job the user started ends up in the project as a run, as the README promises.
 */
import { hostname } from 'node:os'
import type { RunRecord } from '../../../shared/api'
import type { Project } from './project'

/** The error of a run stopped by restarting its engine, on the user's cancel. */
export const STOPPED_BY_RESTART = 'cancelled (the engine was restarted to stop it)'

/**
 * Marks cancelled the runs `ids` that are still 'running' or were marked failed by a stopped
 * engine: jobs the host stopped by restarting the engine. Returns how many were marked.
 */
export function markStoppedRuns(project: Project, ids: readonly string[]): number {
  const mark = project.database.prepare(
    `UPDATE runs SET state = 'cancelled', error = ?, engine = NULL
     WHERE id = ? AND (state = 'running' OR (state = 'failed' AND error = ?))`,
  )
  let n = 0
  project.database.transaction(() => {
    for (const id of ids) n += mark.run(STOPPED_BY_RESTART, id, ENGINE_STOPPED).changes
  })()
  return n
}

/** The error of a run whose engine stopped under it. */
export const ENGINE_STOPPED =
  'the engine stopped before the job finished (it crashed or was killed)'

/** This engine process, as written in the rows of the runs it is running: 'host:pid'. */
export function thisEngine(): string {
  return `${hostname()}:${process.pid}`
}

function row(run: RunRecord) {
  return {
    id: run.id,
    method: run.method,
    title: run.title,
    state: run.state,
    params: JSON.stringify(run.params ?? null),
    result: run.result === undefined ? null : JSON.stringify(run.result),
    error: run.error ?? null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    seconds: run.seconds,
  }
}

/** Records a job that has just started (state 'running') as run by `engine`. */
export function beginRun(project: Project, run: RunRecord, engine: string = thisEngine()): void {
  project.database
    .prepare(
      `INSERT INTO runs (id, method, title, state, params, result, error, started_at, finished_at, seconds, engine)
       VALUES (@id, @method, @title, 'running', @params, NULL, NULL, @startedAt, @finishedAt, 0, @engine)`,
    )
    .run({ ...row(run), engine })
}

/** Stores a finished run, replacing its 'running' row when there is one. */
export function finishRun(project: Project, run: RunRecord): void {
  project.database
    .prepare(
      `INSERT INTO runs (id, method, title, state, params, result, error, started_at, finished_at, seconds, engine)
       VALUES (@id, @method, @title, @state, @params, @result, @error, @startedAt, @finishedAt, @seconds, NULL)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, result = excluded.result,
         error = excluded.error, finished_at = excluded.finished_at, seconds = excluded.seconds,
         engine = NULL`,
    )
    .run(row(run))
}

/** Whether the engine process `engine` ('host:pid') still runs on this machine. */
export function engineAlive(engine: string): boolean {
  const at = engine.lastIndexOf(':')
  const host = engine.slice(0, at)
  const pid = Number(engine.slice(at + 1))
  // Another machine's engine (a project on a shared disk) cannot be checked: assume it lives.
  if (host !== hostname()) return true
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Marks failed every run still 'running' whose engine is not running it any more: `running(id)`
 * says whether this engine runs job `id`; another engine's rows count as running while that
 * process lives. Returns how many runs were marked.
 */
export function failAbandonedRuns(
  project: Project,
  running: (id: string) => boolean,
  alive: (engine: string) => boolean = engineAlive,
): number {
  const db = project.database
  const me = thisEngine()
  const rows = db
    .prepare("SELECT id, engine, started_at FROM runs WHERE state = 'running'")
    .all() as {
    id: string
    engine: string | null
    started_at: string
  }[]
  const abandoned = rows.filter((r) =>
    r.engine === me ? !running(r.id) : r.engine === null || !alive(r.engine),
  )
  const mark = db.prepare(
    `UPDATE runs SET state = 'failed', error = ?, finished_at = ?, seconds = ?, engine = NULL
     WHERE id = ? AND state = 'running'`,
  )
  const now = new Date()
  db.transaction(() => {
    for (const r of abandoned) {
      // When it stopped is unknown; the time it is found is an upper bound.
      const seconds = Math.max(0, (now.getTime() - Date.parse(r.started_at)) / 1000)
      mark.run(ENGINE_STOPPED, now.toISOString(), Number.isFinite(seconds) ? seconds : 0, r.id)
    }
  })()
  return abandoned.length
}
