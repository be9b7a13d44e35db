/**
 * CSV reader: the CMS open-data Z→ee CSV (its first 1000 events in test/data, all 18885 in
 * ../shared/data; values checked against awk on the same files), and small hand-written files
 * for quoting, kinds and every kind of bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listCsvTables, readCsvColumns } from '../../../src/main/engine/io/csv'
import { InputError } from '../../../src/main/engine/io/errors'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { DATA, itShared } from './shared-data'

const ctx = silentContext()
const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x, 0)
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-csv-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

let n = 0
function csv(text: string): string {
  const p = join(tmp, `t${n++}.csv`)
  writeFileSync(p, text)
  return p
}

async function readAll(path: string): Promise<Record<string, number[]>> {
  const [t] = await listCsvTables(path, ctx)
  const cols = await readCsvColumns(
    path,
    t.columns.map((c) => c.name),
    ctx,
  )
  return Object.fromEntries([...cols].map(([k, c]) => [k, [...c.values]]))
}

describe('CSV reader: real file', () => {
  const zee = DATA + 'cms-opendata-education_csv/Zee_Run2011A.csv'

  it('lists rows, numeric columns and the text columns it skips', async () => {
    const [t] = await listCsvTables(zee, ctx)
    expect(t.name).toBe('Zee_Run2011A')
    expect(t.entries).toBe(1000)
    expect(t.columns.length).toBe(20)
    expect(t.columns[2]).toEqual({ name: 'pt1', type: 'float64', jagged: false })
    expect(t.skipped?.map((s) => s.name)).toEqual(['type1', 'type2'])
  })

  it('reads values as awk does (first, last, sum over 1000 rows)', async () => {
    const pt1 = (await readCsvColumns(zee, ['pt1'], ctx)).get('pt1')!.values
    expect([...pt1.subarray(0, 3)]).toEqual([37.5667, 36.2901, 25.9705])
    expect(pt1[pt1.length - 1]).toBe(34.7138)
    // awk -F, 'NR>1{s+=$3}' printed with %.6f; float64 sums in both.
    expect(sum(pt1)).toBeCloseTo(39750.0892, 4)
  })

  itShared('reads all 18885 rows of the full file as awk does', async (shared) => {
    const full = shared + 'cms-opendata-education_csv/Zee_Run2011A.csv'
    expect((await listCsvTables(full, ctx))[0].entries).toBe(18885)
    const pt1 = (await readCsvColumns(full, ['pt1'], ctx)).get('pt1')!.values
    expect(pt1[pt1.length - 1]).toBe(28.6185)
    expect(sum(pt1)).toBeCloseTo(755442.9618, 4)
  })

  it('reads a range of rows', async () => {
    const r = await readCsvColumns(zee, ['pt1'], ctx, { start: 1, stop: 3 })
    expect([...r.get('pt1')!.values]).toEqual([36.2901, 25.9705])
  })
})

describe('CSV reader: format', () => {
  it('accepts quotes, escaped quotes, delimiters and newlines inside quotes', async () => {
    const p = csv('a,"b,c",label\n1,"2","say ""hi"", then\nbye"\n"3",4,x\n')
    const [t] = await listCsvTables(p, ctx)
    expect(t.entries).toBe(2)
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b,c'])
    expect(await readAll(p)).toEqual({ a: [1, 3], 'b,c': [2, 4] })
  })

  it('reads CRLF, no final newline, a BOM, semicolons and blank lines', async () => {
    expect(await readAll(csv('a,b\r\n1,2\r\n3,4'))).toEqual({ a: [1, 3], b: [2, 4] })
    expect(await readAll(csv('\ufeffa;b\n1;2\n\n3;4\n'))).toEqual({ a: [1, 3], b: [2, 4] })
  })

  it('reads booleans as 0/1, nan/inf, and empty numeric cells as NaN', async () => {
    const p = csv('flag,x\ntrue,nan\nFALSE,-inf\nTrue,\n')
    const [t] = await listCsvTables(p, ctx)
    expect(t.columns.map((c) => c.type)).toEqual(['bool', 'float64'])
    expect(await readAll(p)).toEqual({ flag: [1, 0, 1], x: [NaN, -Infinity, NaN] })
  })

  it('parses every number exactly as Number() does (fast decimal path included)', async () => {
    const cells: string[] = []
    for (let i = 0; i < 2000; i++) {
      const x = (Math.random() - 0.5) * 10 ** ((i % 30) - 10)
      cells.push(x.toFixed(i % 18), x.toPrecision(1 + (i % 17)), String(x), x.toExponential(i % 12))
    }
    cells.push('007', '-0', '+5', '.5', '5.', '123456789012345678', ' 42 ', '1e400', 'inf')
    const c = await readAll(csv('x\n' + cells.join('\n') + '\n'))
    const expected = cells.map((s) => (s === 'inf' ? Infinity : Number(s)))
    expect(c.x).toEqual(expected)
  })

  it('reads a 100-column file with one row, and a header without rows', async () => {
    const header = Array.from({ length: 100 }, (_, i) => `c${i}`).join(',')
    const row = Array.from({ length: 100 }, (_, i) => i).join(',')
    const wide = await readAll(csv(`${header}\n${row}\n`))
    expect(Object.keys(wide).length).toBe(100)
    expect(wide.c99).toEqual([99])
    const [t] = await listCsvTables(csv('a,b\n'), ctx)
    expect(t.entries).toBe(0)
    expect(await readAll(csv('a,b\n'))).toEqual({ a: [], b: [] })
  })
})

describe('CSV reader: bad input', () => {
  async function error(text: string): Promise<InputError> {
    const p = csv(text)
    const e = await listCsvTables(p, ctx).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InputError)
    expect((e as InputError).file).toBe(p)
    return e as InputError
  }

  it('names the line of a ragged row', async () => {
    const e = await error('a,b\n1,2\n3\n')
    expect(e.line).toBe(3)
    expect(e.message).toMatch(/line 3: row has 1 fields but the header has 2/)
  })

  it('names line and column of a non-numeric cell', async () => {
    const e = await error('a,b\n1,2\n3,x\n')
    expect(e).toMatchObject({ line: 3, column: 'b' })
    expect(e.message).toMatch(/line 3, column 'b': 'x' is not a number/)
  })

  it('counts lines inside quoted fields', async () => {
    const e = await error('a,b\n1,"2\n"\n3,oops\n')
    expect(e).toMatchObject({ line: 4, column: 'b' })
  })

  it('rejects an empty file, an unterminated quote and duplicate names', async () => {
    expect((await error('')).message).toMatch(/empty file/)
    expect((await error('a,b\n1,"2\n')).message).toMatch(/line 2: unterminated quoted field/)
    expect((await error('a,a\n1,2\n')).message).toMatch(/column 'a': duplicate column name/)
  })

  it('names a missing or text column when reading', async () => {
    const p = csv('a,name\n1,x\n')
    await expect(readCsvColumns(p, ['zz'], ctx)).rejects.toThrow(/column 'zz': no such column/)
    await expect(readCsvColumns(p, ['name'], ctx)).rejects.toThrow(/column 'name': text column/)
  })
})
