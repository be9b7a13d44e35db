/**
 * The format-independent interface: format detection, and the same table (Z→μμ, 2304 events)
 * read from ROOT and from CSV, HDF5 and Parquet copies written here gives identical statistics.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { columnStats } from '../../../src/main/engine/data/stats'
import {
  detectFormat,
  findTable,
  openSource,
  readChunks,
  readColumns,
} from '../../../src/main/engine/io/source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { COFFEA, DATA, SKHEP } from './shared-data'
import { tinyParquet } from './tiny-parquet'

const ctx = silentContext()
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-src-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const ROOT = SKHEP + 'uproot-Zmumu.root'
const NAMES = ['M', 'px1', 'eta2', 'Run', 'Q1']
const copies = {
  csv: join(tmp, 'zmumu.csv'),
  hdf5: join(tmp, 'zmumu.h5'),
  parquet: join(tmp, 'zmumu.parquet'),
}
let original: Map<string, Column>

beforeAll(async () => {
  original = await readColumns(ROOT, 'events', NAMES, ctx)
  const col = (n: string) => [...original.get(n)!.values]
  const rows = col('M').map((_, i) => NAMES.map((n) => String(col(n)[i])).join(','))
  writeFileSync(copies.csv, [NAMES.join(','), ...rows].join('\n') + '\n')
  await h5wasm.ready
  const f = new h5wasm.File(copies.hdf5, 'w')
  const g = f.create_group('events')
  for (const n of NAMES) {
    const v = original.get(n)!.values
    g.create_dataset({
      name: n,
      data: n === 'Run' || n === 'Q1' ? Int32Array.from(v) : Float64Array.from(v),
    })
  }
  f.close()
  writeFileSync(
    copies.parquet,
    tinyParquet(
      NAMES.map((n) =>
        n === 'Run' || n === 'Q1'
          ? { name: n, type: 'INT32' as const, values: col(n) }
          : { name: n, type: 'DOUBLE' as const, values: col(n) },
      ),
    ),
  )
})

describe('format detection', () => {
  it('detects by signature, and CSV by extension', async () => {
    expect(await detectFormat(ROOT)).toBe('root')
    expect(await detectFormat(COFFEA + 'nano_dy.parquet')).toBe('parquet')
    expect(await detectFormat(DATA + 'cmsopen_llayer/TTJets_pdfweights.h5')).toBe('hdf5')
    expect(await detectFormat(copies.csv)).toBe('csv')
  })

  it('rejects a binary extension without its signature, unknown files and empty files', async () => {
    const fake = join(tmp, 'fake.parquet')
    writeFileSync(fake, 'a,b\n')
    await expect(detectFormat(fake)).rejects.toThrow(/fake.parquet: the extension says PARQUET/)
    await expect(detectFormat(SKHEP + 'SOURCE.md')).rejects.toThrow(/unknown format/)
    const empty = join(tmp, 'empty.csv')
    writeFileSync(empty, '')
    await expect(openSource(empty)).rejects.toThrow(/empty file/)
    await expect(openSource(join(tmp, 'missing.root'))).rejects.toThrow(/missing.root: cannot open/)
  })
})

describe('one table in four formats', () => {
  it('lists the same entries and columns', async () => {
    for (const [format, path] of Object.entries(copies)) {
      const info = await openSource(path)
      expect(info.format).toBe(format)
      const t = findTable(info, format === 'hdf5' ? 'events' : '')
      expect(t.entries).toBe(2304)
      expect(t.columns.map((c) => c.name).sort()).toEqual([...NAMES].sort())
    }
  })

  it('gives identical statistics for every column', async () => {
    const expected = NAMES.map((n) => columnStats(original.get(n)!))
    expect(expected[0].sum).toBeCloseTo(184794.471228, 5) // VERIFIED_VALUES.md
    for (const [format, path] of Object.entries(copies)) {
      const cols = await readColumns(path, format === 'hdf5' ? 'events' : 'zmumu', NAMES, ctx)
      NAMES.forEach((n, i) =>
        expect(columnStats(cols.get(n)!), `${format} ${n}`).toEqual(expected[i]),
      )
    }
  })

  it('reads in chunks that add up to the whole', async () => {
    const sizes: number[] = []
    let sum = 0
    for await (const { range, columns } of readChunks(ROOT, 'events', ['M'], 1000, ctx)) {
      sizes.push(range.stop - range.start)
      sum += columnStats(columns.get('M')!).sum
    }
    expect(sizes).toEqual([1000, 1000, 304])
    expect(sum).toBeCloseTo(184794.471228, 5)
  })

  it('names the tables there are when asked for one that is not', async () => {
    const info = await openSource(SKHEP + 'uproot-nesteddirs.root')
    expect(() => findTable(info, 'tree')).toThrow(
      /table 'tree': no such table \(tables: 'one\/two\/tree', 'one\/tree', 'three\/tree'\)/,
    )
    await expect(readColumns(copies.csv, 'other', ['M'], ctx)).rejects.toThrow(/one: 'zmumu'/)
  })
})
