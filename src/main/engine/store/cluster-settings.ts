/**
 * The cluster the window names and where its work runs, kept in the user's config folder
 * (`cluster.json` beside recent.json), not in a project: a cluster belongs to the machine and
 * the user, and a project opened elsewhere must not try to reach it. The file may hold the
 * Redis password, so it is written readable by its owner only (mode 0600).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { ExecutionPlace } from '../../../shared/contract/cluster'
import { configDir } from './recent'

const Stored = z.object({
  place: ExecutionPlace,
  url: z.string().nullable(),
  password: z.string().optional(),
})
export type StoredClusterSettings = z.infer<typeof Stored>

const NONE: StoredClusterSettings = { place: 'local', url: null }

function file(): string {
  return join(configDir(), 'cluster.json')
}

/** The stored settings; this machine and no cluster when there are none (or they are damaged). */
export function readClusterSettings(): StoredClusterSettings {
  try {
    const parsed = Stored.safeParse(JSON.parse(readFileSync(file(), 'utf8')))
    return parsed.success ? parsed.data : NONE
  } catch {
    return NONE
  }
}

/** Replaces the stored settings (atomically: a crash leaves the old or the new file). */
export function writeClusterSettings(settings: StoredClusterSettings): void {
  mkdirSync(configDir(), { recursive: true })
  const tmp = `${file()}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(settings, null, 2), { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file())
}
