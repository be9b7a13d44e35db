/**
 * Saved plots and the project's plot style presets (tables from migration 8). A plot is stored
 * as its data, settings and provenance (JSON), never as an image; each write is one statement or
 * one transaction.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { SavedPlot } from '../../../shared/plot/saved-plot'
import { StylePreset } from '../../../shared/plot/settings'
import { type Project, ProjectError } from './project'

interface Row {
  id: string
  name: string
  tags: string
  figure: string
  settings: string
  provenance: string
  created_at: string
  updated_at: string
}

function db(project: Project): Database.Database {
  return project.database
}

function decode(r: Row): SavedPlot {
  return SavedPlot.parse({
    id: r.id,
    name: r.name,
    tags: JSON.parse(r.tags) as unknown,
    figure: JSON.parse(r.figure) as unknown,
    settings: JSON.parse(r.settings) as unknown,
    provenance: JSON.parse(r.provenance) as unknown,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  })
}

export function listPlots(project: Project): SavedPlot[] {
  return (
    db(project).prepare('SELECT * FROM plots ORDER BY position, created_at').all() as Row[]
  ).map(decode)
}

export function getPlot(project: Project, id: string): SavedPlot {
  const r = db(project).prepare('SELECT * FROM plots WHERE id = ?').get(id) as Row | undefined
  if (!r) throw new ProjectError(`no saved plot with id '${id}' in this project`)
  return decode(r)
}

/** The plot of this name (names are what `hepwb plot export --name` and HEPData choose by). */
export function findPlotByName(project: Project, name: string): SavedPlot | null {
  const r = db(project)
    .prepare('SELECT * FROM plots WHERE name = ? ORDER BY position LIMIT 1')
    .get(name) as Row | undefined
  return r ? decode(r) : null
}

export function insertPlot(
  project: Project,
  plot: Omit<SavedPlot, 'id' | 'createdAt' | 'updatedAt'>,
): SavedPlot {
  const d = db(project)
  const now = new Date().toISOString()
  const saved = SavedPlot.parse({ ...plot, id: randomUUID(), createdAt: now, updatedAt: now })
  d.transaction(() => {
    const pos = (
      d.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM plots').get() as { p: number }
    ).p
    d.prepare(
      'INSERT INTO plots (id, name, position, tags, figure, settings, provenance, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      saved.id,
      saved.name,
      pos,
      JSON.stringify(saved.tags),
      JSON.stringify(saved.figure),
      JSON.stringify(saved.settings),
      JSON.stringify(saved.provenance),
      saved.createdAt,
      saved.updatedAt,
    )
  })()
  return saved
}

/** Replaces a plot's name, tags, figure, settings and provenance (what `plot` holds). */
export function updatePlot(project: Project, plot: SavedPlot): SavedPlot {
  const saved = SavedPlot.parse({ ...plot, updatedAt: new Date().toISOString() })
  const changes = db(project)
    .prepare(
      'UPDATE plots SET name = ?, tags = ?, figure = ?, settings = ?, provenance = ?, updated_at = ? WHERE id = ?',
    )
    .run(
      saved.name,
      JSON.stringify(saved.tags),
      JSON.stringify(saved.figure),
      JSON.stringify(saved.settings),
      JSON.stringify(saved.provenance),
      saved.updatedAt,
      saved.id,
    ).changes
  if (!changes) throw new ProjectError(`no saved plot with id '${plot.id}' in this project`)
  return saved
}

export function deletePlot(project: Project, id: string): void {
  db(project).prepare('DELETE FROM plots WHERE id = ?').run(id)
}

export function listStyles(project: Project): StylePreset[] {
  const rows = db(project)
    .prepare('SELECT name, settings FROM plot_styles ORDER BY name')
    .all() as {
    name: string
    settings: string
  }[]
  return rows.map((r) =>
    StylePreset.parse({ name: r.name, settings: JSON.parse(r.settings) as unknown }),
  )
}

export function saveStyle(project: Project, preset: StylePreset): void {
  db(project)
    .prepare(
      'INSERT INTO plot_styles (name, settings) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET settings = excluded.settings',
    )
    .run(preset.name, JSON.stringify(preset.settings))
}

export function deleteStyle(project: Project, name: string): void {
  db(project).prepare('DELETE FROM plot_styles WHERE name = ?').run(name)
}
