/**
 * Out of core, measured (issue 13, item 1): `hepwb cutflow` of a generated CSV sample under a
 * memory budget keeps its resident memory flat as the number of events grows. Two real
 * processes (from source through tsx, as helpers/cli runs hepwb) over 10⁶ and 4·10⁶ rows; each
 * reports its maximum resident set size on exit. Reading the CSV whole (before its partitions
 * were byte ranges) grew it by ≈ 40 bytes per event here, 115 MB between the two; partition by
 * partition it grows by ≈ 7 bytes per event (garbage-collector slack), 20 MB.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { root } from '../helpers/cli'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-cutflow-memory-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A CSV of `n` rows a,b,w (pseudo-random, the same every run) and a spec with 2 cuts on it. */
function sample(n: number): string {
  const csv = join(tmp, `s${n}.csv`)
  const fd = openSync(csv, 'w')
  writeSync(fd, 'a,b,w\n')
  let x = 12345
  let rows: string[] = []
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648
    const r = x / 2147483648
    rows.push(`${(r * 100).toFixed(3)},${i % 7},${(0.5 + r).toFixed(3)}`)
    if (rows.length === 50_000 || i === n - 1) {
      writeSync(fd, rows.join('\n') + '\n')
      rows = []
    }
  }
  closeSync(fd)
  const spec = join(tmp, `s${n}.json`)
  writeFileSync(
    spec,
    JSON.stringify({
      samples: [{ name: 's', files: [csv], weight: 'w', role: 'background' }],
      regions: [{ name: 'R', cuts: [{ expr: 'a > 20' }, { expr: 'b != 3' }] }],
    }),
  )
  return spec
}

/** Max resident set size (bytes) of `hepwb cutflow SPEC --memory 64M --threads 1`, and its rows. */
function cutflowRss(spec: string): { rss: number; raw: number } {
  const report = join(tmp, 'rss.mjs')
  writeFileSync(
    report,
    "process.on('exit', () => process.stderr.write(`\\nmaxrss ${process.resourceUsage().maxRSS}\\n`))\n",
  )
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      report,
      join(root, 'src/main/cli/main.ts'),
      'cutflow',
      spec,
    ].concat(['--memory', '64M', '--threads', '1', '--json']),
    { cwd: root, encoding: 'utf8', env: { ...process.env, HEPWB_BACKEND: undefined } },
  )
  expect(r.status, r.stderr).toBe(0)
  const kb = Number(/maxrss (\d+)/.exec(r.stderr)?.[1])
  const flow = JSON.parse(r.stdout) as { regions: { R: { s: { raw: number }[] } } }
  return { rss: kb * 1024, raw: flow.regions.R.s[0].raw }
}

describe('hepwb cutflow under a memory budget', () => {
  it('does not grow with the number of events (10⁶ vs 4·10⁶ CSV rows)', () => {
    const small = cutflowRss(sample(1_000_000))
    const large = cutflowRss(sample(4_000_000))
    // The same fraction passes: the whole file was read in both.
    expect(small.raw / 1e6).toBeCloseTo(0.8, 1)
    expect(large.raw / 4e6).toBeCloseTo(0.8, 1)
    const growth = large.rss - small.rss
    console.log(
      `max RSS: ${(small.rss / 2 ** 20).toFixed(0)} MB at 10⁶ rows, ` +
        `${(large.rss / 2 ** 20).toFixed(0)} MB at 4·10⁶ (${(growth / 3e6).toFixed(1)} B/event)`,
    )
    expect(growth).toBeLessThan(60 * 2 ** 20)
  }, 90_000)
})
