/**
 * Recently opened projects, kept in the user's config folder (not in any project):
 * $HEPWB_CONFIG_DIR, else $XDG_CONFIG_HOME/hepwb, else ~/.config/hepwb.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { z } from 'zod'
import { RecentProject } from '../../../shared/api'

const MAX_RECENT = 10

export function configDir(): string {
  return (
    process.env.HEPWB_CONFIG_DIR ||
    join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hepwb')
  )
}

function file(): string {
  return join(configDir(), 'recent.json')
}

export function readRecent(): RecentProject[] {
  try {
    const parsed = z.array(RecentProject).safeParse(JSON.parse(readFileSync(file(), 'utf8')))
    // A damaged list is not worth an error: start a new one, and drop vanished files.
    // Relative entries (written by older versions) are dropped: their folder is unknown.
    return parsed.success ? parsed.data.filter((r) => isAbsolute(r.path) && existsSync(r.path)) : []
  } catch {
    return []
  }
}

/** Puts `path` (made absolute: a relative one means nothing from another folder) first. */
export function rememberRecent(projectPath: string, name: string): void {
  const path = resolve(projectPath)
  const list = [
    { path, name, openedAt: new Date().toISOString() },
    ...readRecent().filter((r) => r.path !== path),
  ].slice(0, MAX_RECENT)
  try {
    mkdirSync(configDir(), { recursive: true })
    const tmp = `${file()}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(list, null, 2))
    renameSync(tmp, file())
  } catch {
    // The recent list is a convenience; an unwritable config folder must not block opening.
  }
}
