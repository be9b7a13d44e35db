/**
 * Parquet reader: the coffea NanoAOD sample against the ROOT file it was converted from
 * (same events, ZSTD-compressed Parquet with list columns), and hand-built small files
 * (tiny-parquet.ts) for an unsupported column type and truncation.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InputError } from '../../../src/main/engine/io/errors'
import { listParquetTables, readParquetColumns } from '../../../src/main/engine/io/parquet'
import { readRootColumns } from '../../../src/main/engine/io/root'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { COFFEA } from './shared-data'
import { tinyParquet } from './tiny-parquet'

const ctx = silentContext()
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-pq-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('Parquet reader: NanoAOD converted from ROOT', () => {
  const pq = COFFEA + 'nano_dy.parquet'

  it('lists 40 rows and the same 1499 columns as the ROOT file', async () => {
    const [t] = await listParquetTables(pq)
    expect(t.name).toBe('nano_dy')
    expect(t.entries).toBe(40)
    expect(t.columns.length).toBe(1499)
    expect(t.columns.find((c) => c.name === 'Muon_pt')).toEqual({
      name: 'Muon_pt',
      type: 'float32',
      jagged: true,
    })
  })

  it('reads flat, list and boolean columns equal to the ROOT branches', async () => {
    const names = [
      'genWeight',
      'event',
      'nMuon',
      'HLT_IsoMu24',
      'Muon_pt',
      'Jet_btagDeepB',
      'Muon_charge',
    ]
    const p = await readParquetColumns(pq, names, ctx)
    const r = await readRootColumns(COFFEA + 'nano_dy.root', 'Events', names, ctx)
    for (const n of names) expect(p.get(n), n).toEqual(r.get(n))
  })

  it('reads a range of rows of a list column', async () => {
    const all = await readParquetColumns(pq, ['Jet_pt'], ctx)
    const part = await readParquetColumns(pq, ['Jet_pt'], ctx, { start: 10, stop: 12 })
    const a = all.get('Jet_pt')!
    const b = part.get('Jet_pt')!
    if (a.kind !== 'jagged' || b.kind !== 'jagged') throw new Error('expected jagged')
    expect([...b.values]).toEqual([...a.values.subarray(a.offsets[10], a.offsets[12])])
  })
})

describe('Parquet reader: bad input', () => {
  const file = join(tmp, 'mixed.parquet')
  writeFileSync(
    file,
    tinyParquet([
      { name: 'x', type: 'DOUBLE', values: [1.5, 2.5, 3.5] },
      { name: 'label', type: 'BYTE_ARRAY', values: ['a', 'b', 'c'] },
    ]),
  )

  it('skips a column of an unsupported type and names it when asked for', async () => {
    const [t] = await listParquetTables(file)
    expect(t.columns).toEqual([{ name: 'x', type: 'float64', jagged: false }])
    expect(t.skipped).toEqual([{ name: 'label', reason: expect.stringMatching(/BYTE_ARRAY/) }])
    expect([...(await readParquetColumns(file, ['x'], ctx)).get('x')!.values]).toEqual([
      1.5, 2.5, 3.5,
    ])
    const e = await readParquetColumns(file, ['label'], ctx).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InputError)
    expect((e as Error).message).toMatch(
      /mixed.parquet, column 'label': cannot be read: type BYTE_ARRAY/,
    )
  })

  it('rejects a truncated file, a non-Parquet file and an empty file', async () => {
    const half = join(tmp, 'half.parquet')
    const bytes = readFileSync(COFFEA + 'nano_dy.parquet')
    writeFileSync(half, bytes.subarray(0, bytes.length >> 1))
    await expect(listParquetTables(half)).rejects.toThrow(/half.parquet: Parquet file is truncated/)
    const text = join(tmp, 'text.parquet')
    writeFileSync(text, 'x,y\n1,2\n')
    await expect(listParquetTables(text)).rejects.toThrow(/not a Parquet file/)
    const empty = join(tmp, 'empty.parquet')
    writeFileSync(empty, '')
    await expect(listParquetTables(empty)).rejects.toThrow(/empty file/)
  })
})

describe('Parquet reader: footers and column chunks kept between reads', () => {
  it('reads a file rewritten in place since its last read anew', async () => {
    const file = join(tmp, 'rewritten.parquet')
    const x = async () => [...(await readParquetColumns(file, ['x'], ctx)).get('x')!.values]
    writeFileSync(file, tinyParquet([{ name: 'x', type: 'DOUBLE', values: [1, 2, 3] }]))
    expect(await x()).toEqual([1, 2, 3])
    expect(await x()).toEqual([1, 2, 3])
    // The same size: only the file's times (and the values) differ.
    writeFileSync(file, tinyParquet([{ name: 'x', type: 'DOUBLE', values: [7, 8, 9] }]))
    expect(await x()).toEqual([7, 8, 9])
    writeFileSync(file, tinyParquet([{ name: 'x', type: 'DOUBLE', values: [4, 5, 6, 7, 8] }]))
    expect(await x()).toEqual([4, 5, 6, 7, 8])
    expect((await listParquetTables(file))[0].entries).toBe(5)
    writeFileSync(file, tinyParquet([{ name: 'y', type: 'INT32', values: [9] }]))
    await expect(readParquetColumns(file, ['x'], ctx)).rejects.toThrow(/column 'x': no such column/)
    writeFileSync(file, 'not parquet')
    await expect(x()).rejects.toThrow(/not a Parquet file/)
  })
})
