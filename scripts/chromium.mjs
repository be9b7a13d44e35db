// `npm test` / `npm run test:e2e` (pretest): the end-to-end tests drive Debian's Chromium
// (playwright.config.ts; never a downloaded one). Finds it, installs Debian's `chromium` where
// that is allowed (CI or HEPWB_INSTALL_DEPS set, root or password-less sudo, apt-get present),
// and otherwise says in one line what to install, before minutes of lint and build are spent.
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** True when `path` is a file this user may execute. */
export function executable(path) {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

const truthy = (v) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'

/**
 * What to do about Chromium, decided from the environment and two probes (no side effects):
 * `{ ok: path }` when it is there, `{ install: argv prefix ([] as root, ['sudo', '-n'] else) }`
 * when Debian's package may be installed, `{ error: one line }` otherwise.
 * probes: isExecutable(path), canInstall() → argv prefix or null (no apt-get, no root or sudo).
 */
export function chromiumPlan(env, { isExecutable = executable, canInstall = installPrefix } = {}) {
  if (env.HEPWB_CHROMIUM) {
    return isExecutable(env.HEPWB_CHROMIUM)
      ? { ok: env.HEPWB_CHROMIUM }
      : { error: `HEPWB_CHROMIUM=${env.HEPWB_CHROMIUM} is not an executable Chromium binary.` }
  }
  if (isExecutable(DEFAULT_CHROMIUM)) return { ok: DEFAULT_CHROMIUM }
  const prefix = truthy(env.CI) || truthy(env.HEPWB_INSTALL_DEPS) ? canInstall() : null
  if (prefix) return { install: prefix }
  return {
    error:
      `The end-to-end tests need Chromium at ${DEFAULT_CHROMIUM}: install it ` +
      '(Debian/Ubuntu: sudo apt-get install chromium; or run HEPWB_INSTALL_DEPS=1 npm test as ' +
      'root or with sudo), or set HEPWB_CHROMIUM to a Chromium binary.',
  }
}

/** The argv prefix that runs apt-get as root here (null: no apt-get, or neither root nor sudo). */
function installPrefix() {
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return null
  if (process.getuid?.() === 0) return []
  // -n: never prompt for a password (a test run must not hang on one).
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : null
}

function install(prefix) {
  console.log("Chromium missing: installing Debian's chromium package with apt-get.")
  const run = (...args) => {
    // env: sudo resets the environment, so the non-interactive frontend is set after it.
    const argv = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]
    return (
      spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0
    )
  }
  return run('update', '-qq') && run('install', '-y', '-qq', 'chromium')
}

function main() {
  const plan = chromiumPlan(process.env)
  if (plan.ok) return 0
  if (plan.install && install(plan.install) && executable(DEFAULT_CHROMIUM)) return 0
  console.error(
    plan.error ??
      `Installing Debian's chromium failed; install it by hand (apt-get install chromium) or set HEPWB_CHROMIUM.`,
  )
  return 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main()
