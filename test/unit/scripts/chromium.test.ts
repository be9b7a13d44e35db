/**
 * scripts/chromium.mjs, the pretest step of `npm test` and `npm run test:e2e`: finds Chromium,
 * installs Debian's package only where it may, and otherwise says in one line what to install.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/cli'

const SCRIPT = join(root, 'scripts', 'chromium.mjs')

type Plan = { ok?: string; install?: string[]; error?: string }
type Probes = { isExecutable: (p: string) => boolean; canInstall: () => string[] | null }
const load = async () =>
  (await import(SCRIPT as string)) as {
    DEFAULT_CHROMIUM: string
    chromiumPlan(env: Record<string, string | undefined>, probes: Probes): Plan
  }

/** Runs the script as npm does, with only the given variables beyond PATH and HOME. */
function run(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  })
  return { code: r.status, out: r.stdout + r.stderr }
}

describe('pretest: Chromium for the end-to-end tests', () => {
  it('npm test and npm run test:e2e run it first', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(pkg.scripts.pretest).toBe('node scripts/chromium.mjs')
    expect(pkg.scripts['pretest:e2e']).toBe('node scripts/chromium.mjs')
  })

  it('accepts HEPWB_CHROMIUM when it is executable, and names it in one line when it is not', () => {
    expect(run({ HEPWB_CHROMIUM: process.execPath })).toEqual({ code: 0, out: '' })
    const bad = run({ HEPWB_CHROMIUM: '/no/such/chromium', CI: '1' })
    expect(bad.code).toBe(1)
    expect(bad.out.trim().split('\n')).toEqual([
      'HEPWB_CHROMIUM=/no/such/chromium is not an executable Chromium binary.',
    ])
  })

  it('installs only with CI or HEPWB_INSTALL_DEPS and root or sudo; else says what to install', async () => {
    const { chromiumPlan, DEFAULT_CHROMIUM } = await load()
    const missing = (p: string) => p !== DEFAULT_CHROMIUM
    const root = () => [] as string[]
    const nobody = () => null
    expect(chromiumPlan({}, { isExecutable: () => true, canInstall: root })).toEqual({
      ok: DEFAULT_CHROMIUM,
    })
    expect(chromiumPlan({ CI: 'true' }, { isExecutable: missing, canInstall: root })).toEqual({
      install: [],
    })
    expect(
      chromiumPlan(
        { HEPWB_INSTALL_DEPS: '1' },
        { isExecutable: missing, canInstall: () => ['sudo', '-n'] },
      ),
    ).toEqual({ install: ['sudo', '-n'] })
    for (const [env, canInstall] of [
      [{}, root],
      [{ CI: '0', HEPWB_INSTALL_DEPS: 'false' }, root],
      [{ CI: 'true' }, nobody],
    ] as const) {
      const plan = chromiumPlan(env, { isExecutable: missing, canInstall })
      expect(plan.error).toMatch(
        /need Chromium at \/usr\/bin\/chromium: install it .*apt-get install chromium/,
      )
      expect(plan.error).not.toContain('\n')
    }
  })
})
