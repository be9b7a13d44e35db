import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

let cached: string | undefined

/** The package version, read from the nearest package.json above this file (source or out/). */
export function appVersion(): string {
  if (cached) return cached
  let dir = __dirname
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'hep-workbench' && pkg.version) return (cached = pkg.version)
    } catch {
      // not here; look one level up
    }
    dir = dirname(dir)
  }
  return (cached = '0.0.0')
}
