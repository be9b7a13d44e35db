/**
 * Samples, groups, regions, cuts and derived variables named like Object.prototype's own
 * properties (`__proto__`, `constructor`, `toString`, `hasOwnProperty`) in a spec over small CSV
 * files written here: the cut-flow, its groups and totals, the histogram and the printed table
 * show each of them like any other name, and B is the sum of the background rows shown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CutflowResult } from '../../../src/shared/cutflow'
import { cutflowTable } from '../../../src/shared/format/cutflow'
import { parseSpec } from '../../../src/shared/spec'
import { cutflowOfSpec, histogramOfSpec } from '../../../src/main/engine/app/run-spec'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-names-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']
/** Sample i weighs i + 1 per event; groups cross the names over. */
const GROUP = new Map([
  ['__proto__', 'constructor'],
  ['constructor', '__proto__'],
  ['toString', '__proto__'],
  ['hasOwnProperty', 'toString'],
])

function spec() {
  const file = join(tmp, 'events.csv')
  writeFileSync(file, 'x\n1\n2\n3\n4\n')
  const r = parseSpec({
    samples: NAMES.map((name, i) => ({
      name,
      files: [file],
      role: i === 0 ? 'signal' : 'background',
      group: GROUP.get(name),
      weight: String(i + 1),
    })),
    variables: [
      { name: '__proto__', expr: 'x * 2' },
      { name: 'constructor', expr: 'x + 1' },
    ],
    regions: [
      { name: '__proto__', cuts: [{ name: '__proto__', expr: '__proto__ > 3' }] },
      {
        name: 'constructor',
        parent: '__proto__',
        cuts: [{ name: 'toString', expr: 'constructor > 4' }],
      },
    ],
  })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

function check(result: CutflowResult): void {
  expect(Object.keys(result.regions)).toEqual(['__proto__', 'constructor'])
  expect(Object.keys(result.totals)).toEqual(NAMES)
  NAMES.forEach((n, i) => expect(result.totals[n].weighted).toBe(4 * (i + 1)))
  expect(
    Object.fromEntries(Object.entries(result.group_totals).map(([g, y]) => [g, y.weighted])),
  ).toEqual(
    Object.fromEntries([
      ['constructor', 4],
      ['__proto__', 8 + 12],
      ['toString', 16],
    ]),
  )
  // Events after each region's last cut: x ≥ 2 (3 events), then x ≥ 4 (1 event).
  for (const [region, passing] of [
    ['__proto__', 3],
    ['constructor', 1],
  ] as const) {
    const rows = result.regions[region]
    expect(Object.keys(rows)).toEqual(NAMES)
    NAMES.forEach((n, i) => expect(rows[n].at(-1)?.weighted).toBe(passing * (i + 1)))
    const sig = result.significance[region].at(-1)
    expect(sig?.s).toBe(rows.__proto__.at(-1)?.weighted)
    const shownB = NAMES.slice(1).reduce((b, n) => b + (rows[n].at(-1)?.weighted ?? 0), 0)
    expect(sig?.b).toBe(shownB)
    expect(Object.keys(result.groups[region]).sort()).toEqual([
      '__proto__',
      'constructor',
      'toString',
    ])
    expect(result.groups[region].__proto__.at(-1)?.weighted).toBe(passing * (2 + 3))
  }
  const sample: string = 'constructor' // (a literal `.constructor` is typed as Object's)
  expect(result.regions.__proto__[sample].map((r) => r.cut)).toEqual(['__proto__'])
}

describe('user names that Object.prototype also uses', () => {
  it('are rows, groups and totals of the cut-flow like any other name', async () => {
    const result = await cutflowOfSpec(spec())
    check(result)
    // As `hepwb cutflow --json` prints it and a reader parses it back.
    check(JSON.parse(JSON.stringify(result)) as CutflowResult)
  })

  it('are columns of the printed cut-flow table, and a missing region is still missing', async () => {
    const result = JSON.parse(JSON.stringify(await cutflowOfSpec(spec()))) as CutflowResult
    const table = cutflowTable(result, '__proto__')
    expect(table.columns.map((c) => c.label)).toEqual([
      'Cut',
      ...NAMES,
      'S',
      'B',
      'S/B',
      'S/√B',
      'Z_A',
    ])
    const byGroup = cutflowTable(result, 'constructor', { by: 'group', significance: false })
    expect(byGroup.columns.map((c) => c.label)).toEqual([
      'Cut',
      'constructor',
      '__proto__',
      'toString',
    ])
    expect(() => cutflowTable(result, 'toString')).toThrow(RangeError)
  })

  it('are samples of a histogram', async () => {
    const h = await histogramOfSpec(spec(), {
      expr: '__proto__',
      binning: { bins: 4, lo: 0, hi: 10 },
      region: 'constructor',
    })
    expect(Object.keys(h.samples)).toEqual(NAMES)
    NAMES.forEach((n, i) => expect(h.samples[n].counts).toEqual([0, 0, 0, i + 1]))
  })
})
