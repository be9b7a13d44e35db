/**
 * A real `hepwb serve` (built app, real engine, real SQLite files in a temporary folder) for
 * each test worker.
 */
import { test as base } from '@playwright/test'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Workbench {
  url: string
  port: number
  /** A scratch folder for project files. */
  dir: string
  /** Where screenshots for people to look at go (test-results/screens). */
  screens: string
}

/** Each test gets its own server, engine and config folder: no state leaks between tests. */
export const test = base.extend<{ workbench: Workbench }>({
  workbench: [
    // Playwright reads the fixture list from the destructuring pattern, so it must be `{}`.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'hepwb-e2e-'))
      const child: ChildProcess = spawn(
        process.execPath,
        [join(__dirname, '..', '..', 'bin', 'hepwb.js'), 'serve', '--json'],
        {
          env: { ...process.env, HEPWB_CONFIG_DIR: join(dir, 'config') },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
      const { url, port } = await new Promise<{ url: string; port: number }>((resolve, reject) => {
        let out = ''
        child.stdout?.on('data', (c: Buffer) => {
          out += c.toString()
          const line = out.split('\n').find((l) => l.startsWith('{'))
          if (line) resolve(JSON.parse(line) as { url: string; port: number })
        })
        child.once('exit', (code) => reject(new Error(`hepwb serve exited with ${code}`)))
      })
      await use({ url, port, dir, screens: join(__dirname, '..', '..', 'test-results', 'screens') })
      child.kill('SIGTERM')
    },
    { scope: 'test' },
  ],
})

export { expect } from '@playwright/test'
