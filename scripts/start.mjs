// `npm start`: the Electron window where Electron can run, browser mode where it cannot.
// On a networked workstation a missing Electron binary is fetched on first start, and an
// Electron-ABI copy of better-sqlite3 is built for the engine (the Node one stays for the CLI).
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))

function electronBinary() {
  try {
    return require('electron') // the path of the binary, or throws when it was never downloaded
  } catch {
    return null
  }
}

function fetchElectron() {
  try {
    const installer = join(dirname(require.resolve('electron/package.json')), 'install.js')
    const r = spawnSync(process.execPath, [installer], {
      stdio: 'ignore',
      timeout: 300_000,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '' },
    })
    return r.status === 0
  } catch {
    return false
  }
}

/** Builds better-sqlite3 against Electron's headers into .electron-native/ (once). */
function electronSqlite(electronVersion) {
  const target = join(root, '.electron-native', 'better_sqlite3.node')
  if (existsSync(target)) return true
  const src = dirname(require.resolve('better-sqlite3/package.json'))
  const work = join(root, '.electron-native', 'build')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  cpSync(src, work, {
    recursive: true,
    filter: (p) => !p.includes(`${join('better-sqlite3', 'build')}`),
  })
  // node-gyp as npm ships it (npm builds better-sqlite3 with the same one).
  const gyp = join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  )
  if (!existsSync(gyp)) return false
  const r = spawnSync(
    process.execPath,
    [
      gyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: work, stdio: 'inherit' },
  )
  if (r.status !== 0) return false
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target)
  return true
}

function browserMode(reason) {
  console.log(`HEP Workbench: ${reason}; starting browser mode instead.`)
  const child = spawn(process.execPath, [join(root, 'bin', 'hepwb.js'), 'serve'], {
    stdio: 'inherit',
  })
  child.on('exit', (code) => process.exit(code ?? 0))
}

let binary = electronBinary()
if (!binary && fetchElectron()) binary = electronBinary()
if (!binary) browserMode('the Electron binary is missing and could not be downloaded')
else {
  const version = require('electron/package.json').version
  if (!electronSqlite(version))
    console.log(
      'HEP Workbench: could not build better-sqlite3 for Electron; projects may fail to open.',
    )
  const started = Date.now()
  const child = spawn(binary, [root], { stdio: 'inherit' })
  child.on('error', (e) => browserMode(`Electron could not start (${e.message})`))
  child.on('exit', (code) => {
    // A failure within seconds of launch (no display, missing libraries) is "cannot start".
    if (code !== 0 && Date.now() - started < 5000)
      browserMode(`Electron could not start (exit code ${code})`)
    else process.exit(code ?? 0)
  })
}
