/**
 * Derived variables and regions in the project file (tables of migration 4). Both are keyed by
 * name, because cuts, weights and child regions refer to them by name. Every change is one
 * transaction, so a rename that moves a region's children happens entirely or not at all.
 */
import type Database from 'better-sqlite3'
import { CutsRegion, CutsVariable } from '../../../shared/contract/cuts'
import type { Project } from './project'
import { ProjectError } from './project'

interface VariableRow {
  name: string
  expr: string
  unit: string
  label: string
}

interface RegionRow {
  name: string
  parent: string | null
  blinded: number
  cuts: string
}

function db(project: Project): Database.Database {
  return project.database
}

export function listVariables(project: Project): CutsVariable[] {
  const rows = db(project)
    .prepare('SELECT name, expr, unit, label FROM variables ORDER BY position, name')
    .all() as VariableRow[]
  // Parsed so a row written by hand or an older build still yields a valid variable.
  return rows.map((r) =>
    CutsVariable.parse({
      name: r.name,
      expr: r.expr,
      ...(r.unit ? { unit: r.unit } : {}),
      ...(r.label ? { label: r.label } : {}),
    }),
  )
}

/** Adds `v`, or replaces the variable `original` (default: `v.name`) keeping its position. */
export function saveVariable(project: Project, v: CutsVariable, original = v.name): void {
  const d = db(project)
  d.transaction(() => {
    const old = d.prepare('SELECT position FROM variables WHERE name = ?').get(original) as
      { position: number } | undefined
    if (v.name !== original && d.prepare('SELECT 1 FROM variables WHERE name = ?').get(v.name))
      throw new ProjectError(`a variable named '${v.name}' already exists; choose another name`)
    const pos =
      old?.position ??
      (
        d.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM variables').get() as {
          p: number
        }
      ).p
    d.prepare('DELETE FROM variables WHERE name = ?').run(original)
    d.prepare(
      'INSERT OR REPLACE INTO variables (name, expr, unit, label, position) VALUES (?, ?, ?, ?, ?)',
    ).run(v.name, v.expr, v.unit ?? '', v.label ?? '', pos)
  })()
}

export function deleteVariable(project: Project, name: string): void {
  const r = db(project).prepare('DELETE FROM variables WHERE name = ?').run(name)
  if (r.changes === 0) throw new ProjectError(`no variable named '${name}' in this project`)
}

export function listRegions(project: Project): CutsRegion[] {
  const rows = db(project)
    .prepare('SELECT name, parent, blinded, cuts FROM regions ORDER BY position, name')
    .all() as RegionRow[]
  return rows.map((r) =>
    CutsRegion.parse({
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      blinded: r.blinded !== 0,
      cuts: JSON.parse(r.cuts) as unknown,
    }),
  )
}

/**
 * Adds `region`, or replaces the region `original` (default: `region.name`) keeping its
 * position; on a rename its children follow. `check` runs inside the transaction on the
 * regions as they would be, and rolls everything back by throwing.
 */
export function saveRegion(
  project: Project,
  region: CutsRegion,
  original = region.name,
  check: (regions: CutsRegion[]) => void = () => {},
): void {
  const d = db(project)
  d.transaction(() => {
    const old = d.prepare('SELECT position FROM regions WHERE name = ?').get(original) as
      { position: number } | undefined
    if (
      region.name !== original &&
      d.prepare('SELECT 1 FROM regions WHERE name = ?').get(region.name)
    )
      throw new ProjectError(`a region named '${region.name}' already exists; choose another name`)
    const pos =
      old?.position ??
      (d.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM regions').get() as { p: number })
        .p
    d.prepare('DELETE FROM regions WHERE name = ?').run(original)
    d.prepare(
      'INSERT INTO regions (name, position, parent, blinded, cuts) VALUES (?, ?, ?, ?, ?)',
    ).run(
      region.name,
      pos,
      region.parent ?? null,
      region.blinded ? 1 : 0,
      JSON.stringify(region.cuts),
    )
    if (region.name !== original)
      d.prepare('UPDATE regions SET parent = ? WHERE parent = ?').run(region.name, original)
    check(listRegions(project))
  })()
}

/** Removes a region; its children lose their parent (their own cuts stay). */
export function deleteRegion(project: Project, name: string): void {
  const d = db(project)
  d.transaction(() => {
    const r = d.prepare('DELETE FROM regions WHERE name = ?').run(name)
    if (r.changes === 0) throw new ProjectError(`no region named '${name}' in this project`)
    d.prepare('UPDATE regions SET parent = NULL WHERE parent = ?').run(name)
  })()
}
