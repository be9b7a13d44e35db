/**
 * `hepwb` as a user runs it: a real process from source (tsx), the backend left to its default
 * choice. Returns the exit code and both output streams.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/** The repository root. */
export const root = join(__dirname, '..', '..', '..')

export function hepwb(...args: string[]): {
  code: number | null
  stdout: string
  stderr: string
} {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/main/cli/main.ts'), ...args],
    { encoding: 'utf8', env: { ...process.env, HEPWB_BACKEND: undefined } },
  )
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
