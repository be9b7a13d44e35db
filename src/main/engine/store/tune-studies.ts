/**
 * Tuning studies and their trials (migration 7): a study row holds its request; a trial row is
 * written 'running' when the trial starts and replaced when it ends, so a study the engine
 * stopped under keeps its finished trials and knows which ones to run again.
 */
import type { StudyInfo, TuneStart, TuneTrial } from '../../../shared/contract/tune'
import type { Project } from './project'

export type StoredStudyState = 'running' | 'done' | 'cancelled' | 'failed'

export interface StoredStudy {
  readonly id: string
  readonly name: string
  readonly settings: TuneStart
  readonly state: StoredStudyState
  readonly error: string | null
  readonly createdAt: string
}

interface StudyRow {
  id: string
  name: string
  settings: string
  state: StoredStudyState
  error: string | null
  created_at: string
}

const fromRow = (r: StudyRow): StoredStudy => ({
  id: r.id,
  name: r.name,
  settings: JSON.parse(r.settings) as TuneStart,
  state: r.state,
  error: r.error,
  createdAt: r.created_at,
})

export function insertStudy(project: Project, study: Omit<StoredStudy, 'state' | 'error'>): void {
  project.database
    .prepare(
      `INSERT INTO tune_studies (id, name, settings, state, created_at) VALUES (?, ?, ?, 'running', ?)`,
    )
    .run(study.id, study.name, JSON.stringify(study.settings), study.createdAt)
}

export function setStudyState(
  project: Project,
  id: string,
  state: StoredStudyState,
  error: string | null = null,
): void {
  project.database
    .prepare(`UPDATE tune_studies SET state = ?, error = ?, finished_at = ? WHERE id = ?`)
    .run(state, error, state === 'running' ? null : new Date().toISOString(), id)
}

export function listStudies(project: Project): StoredStudy[] {
  const rows = project.database
    .prepare(`SELECT * FROM tune_studies ORDER BY created_at, id`)
    .all() as StudyRow[]
  return rows.map(fromRow)
}

export function getStudy(project: Project, id: string): StoredStudy | null {
  const r = project.database.prepare(`SELECT * FROM tune_studies WHERE id = ?`).get(id) as
    StudyRow | undefined
  return r ? fromRow(r) : null
}

export function deleteStudy(project: Project, id: string): void {
  project.database.prepare(`DELETE FROM tune_studies WHERE id = ?`).run(id)
}

/** Writes (or replaces) a trial's row. */
export function putTrial(project: Project, studyId: string, t: TuneTrial): void {
  project.database
    .prepare(
      `INSERT OR REPLACE INTO tune_trials (study_id, number, params, state, value, intermediate, epochs, seconds, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      studyId,
      t.number,
      JSON.stringify(t.params),
      t.state,
      t.value,
      JSON.stringify(t.intermediate),
      t.epochs,
      t.seconds,
      t.reason,
    )
}

/** Removes the study's trials still marked running (a cancel keeps only finished ones). */
export function dropRunningTrials(project: Project, studyId: string): void {
  project.database
    .prepare(`DELETE FROM tune_trials WHERE study_id = ? AND state = 'running'`)
    .run(studyId)
}

export function listTrials(project: Project, studyId: string): TuneTrial[] {
  const rows = project.database
    .prepare(`SELECT * FROM tune_trials WHERE study_id = ? ORDER BY number`)
    .all(studyId) as {
    number: number
    params: string
    state: TuneTrial['state']
    value: number | null
    intermediate: string
    epochs: number
    seconds: number
    reason: string | null
  }[]
  return rows.map((r) => ({
    number: r.number,
    params: JSON.parse(r.params) as Record<string, unknown>,
    state: r.state,
    value: r.value,
    intermediate: JSON.parse(r.intermediate) as (number | null)[],
    epochs: r.epochs,
    seconds: r.seconds,
    reason: r.reason,
  }))
}

/** Trial counts and best value per study, in one query. */
export function studyCounts(
  project: Project,
  studyId: string,
  direction: 'minimize' | 'maximize',
): Pick<StudyInfo, 'counts' | 'best'> {
  const rows = project.database
    .prepare(`SELECT state, COUNT(*) AS n FROM tune_trials WHERE study_id = ? GROUP BY state`)
    .all(studyId) as { state: TuneTrial['state']; n: number }[]
  const counts = { running: 0, complete: 0, pruned: 0, failed: 0 }
  for (const r of rows) counts[r.state] = r.n
  const order = direction === 'maximize' ? 'DESC' : 'ASC'
  const best = project.database
    .prepare(
      `SELECT number, value FROM tune_trials WHERE study_id = ? AND state = 'complete' AND value IS NOT NULL
       ORDER BY value ${order}, number LIMIT 1`,
    )
    .get(studyId) as { number: number; value: number } | undefined
  return { counts, best: best ?? null }
}
