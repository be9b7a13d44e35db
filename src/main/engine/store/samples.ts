/**
 * Samples and view settings in the project file (tables of migration 2). A sample row keeps the
 * user's spec plus what the engine learnt when it was added (entries, Σ weights, file hashes),
 * so listing samples never has to reopen event files. Every change is one transaction.
 */
import type Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { SampleSpec } from '../../../shared/contract/data'
import { nameRecord } from '../../../shared/name-record'
import type { Project } from './project'
import { ProjectError } from './project'

/** What the engine measured when the sample was (re)validated. */
export interface SampleFacts {
  /** Events over the chain. */
  readonly entries: number
  /** Σ of the weight expression over all events, before normalisation. */
  readonly rawSumWeights: number
  readonly columns: number
  /** SHA-256 of each file, chain order. */
  readonly hashes: readonly string[]
}

export interface StoredSample extends SampleFacts {
  readonly id: string
  readonly spec: SampleSpec
}

interface Row {
  id: string
  spec: string
}

/** The JSON in the `spec` column: the user's spec and the facts beside it. */
interface SpecJson {
  spec: unknown
  facts: SampleFacts
}

function now(): string {
  return new Date().toISOString()
}

function decode(row: Row): StoredSample {
  const json = JSON.parse(row.spec) as SpecJson
  // Parsed again so a row written by an older build still yields a complete, valid spec.
  const spec = SampleSpec.parse(json.spec)
  return { id: row.id, spec, ...json.facts }
}

function encode(spec: SampleSpec, facts: SampleFacts): string {
  const json: SpecJson = {
    spec,
    facts: {
      entries: facts.entries,
      rawSumWeights: facts.rawSumWeights,
      columns: facts.columns,
      hashes: [...facts.hashes],
    },
  }
  return JSON.stringify(json)
}

function db(project: Project): Database.Database {
  return project.database
}

/** Samples in their display order. */
export function listSamples(project: Project): StoredSample[] {
  const rows = db(project).prepare('SELECT id, spec FROM samples ORDER BY position, name').all()
  return (rows as Row[]).map(decode)
}

export function getSample(project: Project, id: string): StoredSample {
  const row = db(project).prepare('SELECT id, spec FROM samples WHERE id = ?').get(id) as
    Row | undefined
  if (!row) throw new ProjectError(`no sample with id '${id}' in this project`)
  return decode(row)
}

function checkNameFree(d: Database.Database, name: string, exceptId: string | null): void {
  const other = d.prepare('SELECT id FROM samples WHERE name = ?').get(name) as
    { id: string } | undefined
  if (other && other.id !== exceptId)
    throw new ProjectError(`a sample named '${name}' already exists; choose another name`)
}

/** Appends a sample (last position); returns it with its new id. */
export function insertSample(project: Project, spec: SampleSpec, facts: SampleFacts): StoredSample {
  const d = db(project)
  const id = randomUUID()
  d.transaction(() => {
    checkNameFree(d, spec.name, null)
    const pos = (
      d.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM samples').get() as { p: number }
    ).p
    d.prepare(
      'INSERT INTO samples (id, name, position, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(id, spec.name, pos, encode(spec, facts), now(), now())
  })()
  return getSample(project, id)
}

export function updateSample(
  project: Project,
  id: string,
  spec: SampleSpec,
  facts: SampleFacts,
): StoredSample {
  const d = db(project)
  d.transaction(() => {
    getSample(project, id)
    checkNameFree(d, spec.name, id)
    d.prepare('UPDATE samples SET name = ?, spec = ?, updated_at = ? WHERE id = ?').run(
      spec.name,
      encode(spec, facts),
      now(),
      id,
    )
  })()
  return getSample(project, id)
}

export function deleteSample(project: Project, id: string): void {
  const r = db(project).prepare('DELETE FROM samples WHERE id = ?').run(id)
  if (r.changes === 0) throw new ProjectError(`no sample with id '${id}' in this project`)
}

/** Puts the samples in the order of `ids`, which must name every sample exactly once. */
export function reorderSamples(project: Project, ids: readonly string[]): void {
  const d = db(project)
  d.transaction(() => {
    const have = new Set(listSamples(project).map((s) => s.id))
    const given = new Set(ids)
    if (given.size !== ids.length || given.size !== have.size || ids.some((i) => !have.has(i)))
      throw new ProjectError('the new order must list every sample of the project exactly once')
    const set = d.prepare('UPDATE samples SET position = ? WHERE id = ?')
    ids.forEach((id, i) => set.run(i, id))
  })()
}

// ---------------------------------------------------------------------------------------------
// Settings (JSON values under dotted keys)

/** Settings whose key starts with `prefix`, parsed. */
export function getSettings(project: Project, prefix = ''): Record<string, unknown> {
  const rows = db(project)
    .prepare('SELECT key, value FROM settings WHERE substr(key, 1, length(?)) = ? ORDER BY key')
    .all(prefix, prefix) as { key: string; value: string }[]
  return nameRecord(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]))
}

/** Stores a setting; `null` deletes it. */
export function putSetting(project: Project, key: string, value: unknown): void {
  const d = db(project)
  if (value === null) d.prepare('DELETE FROM settings WHERE key = ?').run(key)
  else
    d.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, JSON.stringify(value))
}
