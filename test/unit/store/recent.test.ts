/** The recent-projects list (issue 17, item 12): paths are stored absolute. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readRecent, rememberRecent } from '../../../src/main/engine/store/recent'

let saved: string | undefined
let config: string
beforeEach(() => {
  saved = process.env.HEPWB_CONFIG_DIR
  config = mkdtempSync(join(tmpdir(), 'hepwb-recent-'))
  process.env.HEPWB_CONFIG_DIR = config
})
afterEach(() => {
  if (saved === undefined) delete process.env.HEPWB_CONFIG_DIR
  else process.env.HEPWB_CONFIG_DIR = saved
})

describe('recent projects', () => {
  it('stores a relative project path as an absolute one, once', () => {
    const d = mkdtempSync(join(tmpdir(), 'hepwb-recent-p-'))
    const abs = join(d, 'p.hepwb')
    writeFileSync(abs, '')
    rememberRecent(relative(process.cwd(), abs), 'p')
    rememberRecent(`${d}/./p.hepwb`, 'p')
    const stored = JSON.parse(readFileSync(join(config, 'recent.json'), 'utf8')) as {
      path: string
    }[]
    expect(stored.map((r) => r.path)).toEqual([abs])
    expect(readRecent().map((r) => r.path)).toEqual([abs])
  })

  it('drops relative entries an older version wrote (their folder is unknown)', () => {
    const d = mkdtempSync(join(tmpdir(), 'hepwb-recent-p-'))
    const abs = join(d, 'q.hepwb')
    writeFileSync(abs, '')
    const entry = (path: string) => ({ path, name: 'q', openedAt: new Date().toISOString() })
    writeFileSync(
      join(config, 'recent.json'),
      JSON.stringify([entry(relative(process.cwd(), abs)), entry(abs)]),
    )
    expect(readRecent().map((r) => r.path)).toEqual([abs])
  })
})
