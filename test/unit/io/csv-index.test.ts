/**
 * CSV partitions as byte ranges on row bounds (DESIGN.md §10): the real CSVs of test/data cut
 * into many ranges read back, range by range, exactly the whole-file columns; rows with quoted
 * newlines, CRLF, blank lines and a BOM are cut on row bounds (the index runs the reader's own
 * tokenizer from the top); a range with its bytes reads only those bytes (a bad row before it
 * is never seen); a file changed since it was indexed is an error, not wrong numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { splitRange } from '../../../src/main/engine/app/partition'
import { listCsvTables, readCsvColumns } from '../../../src/main/engine/io/csv'
import { InputError } from '../../../src/main/engine/io/errors'
import type { EntryRange } from '../../../src/main/engine/io/schema'
import { locateRanges } from '../../../src/main/engine/io/source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { DATA } from './shared-data'

const ctx = silentContext()
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-csv-index-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

let n = 0
function csv(text: string): string {
  const p = join(tmp, `t${n++}.csv`)
  writeFileSync(p, text)
  return p
}

/** Every numeric column read whole and read range by range (`max` rows each), concatenated. */
async function wholeAndPieces(path: string, max: number) {
  const [t] = await listCsvTables(path, ctx)
  const names = t.columns.map((c) => c.name)
  const whole = await readCsvColumns(path, names, ctx)
  const ranges = await locateRanges(path, splitRange(t.entries, [], max))
  const pieces = new Map<string, number[]>(names.map((x) => [x, []]))
  for (const r of ranges) {
    const got = await readCsvColumns(path, names, ctx, r)
    for (const x of names) pieces.get(x)?.push(...Array.from(got.get(x)?.values ?? []))
  }
  return {
    ranges,
    whole: Object.fromEntries(names.map((x) => [x, Array.from(whole.get(x)?.values ?? [])])),
    pieces: Object.fromEntries(pieces),
  }
}

describe('CSV byte ranges on row bounds', () => {
  for (const file of [
    'cms-opendata-education_csv/Zee_Run2011A.csv',
    'ATLAS-UK-ML_kaggle-higgs/train_sml_sig.csv',
  ])
    it(`${file}: ranges of 37 rows read the whole-file columns exactly`, async () => {
      const { ranges, whole, pieces } = await wholeAndPieces(DATA + file, 37)
      expect(ranges.length).toBeGreaterThan(20)
      // Consecutive, non-overlapping bytes: together the file after its header.
      for (let i = 1; i < ranges.length; i++)
        expect(ranges[i].bytes?.start).toBe(ranges[i - 1].bytes?.stop)
      expect(pieces).toEqual(whole)
    })

  it('quoted newlines, CRLF, blank lines and a BOM: cut on row bounds, not line bounds', async () => {
    const rows = ['\ufeffx;note;y']
    for (let i = 0; i < 40; i++)
      rows.push(
        i % 3 === 0
          ? `${i};"a line\r\nand another; ""quoted""\n";${i * 0.5}`
          : i % 7 === 0
            ? `${i};;${-i}\r\n`
            : `${i};plain;${i / 3}`,
      )
    const path = csv(rows.join('\n') + '\n')
    const { ranges, whole, pieces } = await wholeAndPieces(path, 3)
    expect(whole.x).toEqual(Array.from({ length: 40 }, (_, i) => i))
    expect(pieces).toEqual(whole)
    // Errors still name the file's own line: x = 9 is on line 2 + 9, after 3 quoted fields of
    // 2 line breaks and the blank line that follows x = 7.
    const r = ranges.find((x) => x.start === 9) as EntryRange
    expect(r.bytes?.line).toBe(2 + 9 + 3 * 2 + 1)
  })

  it('a range with its bytes reads only them: a bad row before it is never read', async () => {
    const body = Array.from({ length: 50 }, (_, i) => `${i},${i * 2}`)
    const path = csv(['a,b', ...body].join('\n') + '\n')
    const ranges = await locateRanges(path, splitRange(50, [], 10))
    // Row 3 becomes text of the same length after the index was made.
    writeFileSync(
      path,
      ['a,b', ...body.map((l, i) => (i === 3 ? 'x'.repeat(l.length) : l))].join('\n') + '\n',
    )
    const late = await readCsvColumns(path, ['a', 'b'], ctx, ranges[4])
    expect(Array.from(late.get('b')?.values ?? [])).toEqual([
      80, 82, 84, 86, 88, 90, 92, 94, 96, 98,
    ])
    // Without its bytes the range is found from the top of the file, through the bad row.
    await expect(readCsvColumns(path, ['a'], ctx, { start: 40, stop: 50 })).rejects.toThrow(
      InputError,
    )
  })

  it('a file changed since it was indexed is an error naming it', async () => {
    const path = csv('a\n' + Array.from({ length: 30 }, (_, i) => `${i}`).join('\n') + '\n')
    const ranges = await locateRanges(path, splitRange(30, [], 10))
    writeFileSync(
      path,
      'a\n' + Array.from({ length: 30 }, (_, i) => `${i + 100}`).join('\n') + '\n',
    )
    await expect(readCsvColumns(path, ['a'], ctx, ranges[1])).rejects.toThrow(
      /changed since it was indexed/,
    )
  })

  it('a column empty in a whole range is NaN there (its kind comes from elsewhere)', async () => {
    const path = csv(
      'a,b\n' + Array.from({ length: 20 }, (_, i) => `${i},${i < 12 ? '' : i}`).join('\n') + '\n',
    )
    const ranges = await locateRanges(path, splitRange(20, [], 5))
    const b = await readCsvColumns(path, ['b'], ctx, ranges[1])
    expect(Array.from(b.get('b')?.values ?? [])).toEqual([NaN, NaN, NaN, NaN, NaN])
  })
})
