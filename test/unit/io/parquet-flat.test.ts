/**
 * The Parquet reader's fast path for flat numeric columns (io/parquet-flat.ts, io/snappy.ts)
 * against hyparquet's own decoding of the same files, which DuckDB writes here: OPTIONAL
 * columns with and without nulls, several row groups and pages, the codecs DuckDB writes, data
 * pages v1 and v2, and row ranges that start and end inside row groups.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet'
import { readParquetColumns } from '../../../src/main/engine/io/parquet'
import { checkFlat, Unsupported } from '../../../src/main/engine/io/parquet-flat'
import { snappyDecompress, snappyRange } from '../../../src/main/engine/io/snappy'
import { loadZstd } from '../../../src/main/engine/io/wasm'
import { COFFEA } from './shared-data'
import { silentContext } from '../../../src/main/engine/jobs/context'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-parquet-flat-'))
const N = 5000
const COLUMNS = ['d', 'dn', 'f', 'i', 'l', 'in', 'k']

async function write(name: string, options: string): Promise<string> {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  const path = join(dir, name)
  // d: doubles; dn: with nulls; f: float; i: int32; l: int64; in: int32 with nulls; k: few
  // distinct values in runs (snappy back-references).
  await con.run(
    `COPY (SELECT (i * 0.37 - 100)::DOUBLE AS d, CASE WHEN i % 7 = 3 THEN NULL ELSE sqrt(i) END AS dn, ` +
      `(i / 3)::FLOAT AS f, (i * 13 - 9000)::INTEGER AS i, (i::BIGINT * 100003) AS l, ` +
      `CASE WHEN i % 5 = 0 THEN NULL ELSE i::INTEGER END AS "in", (i // 100)::DOUBLE AS k ` +
      `FROM range(${N}) t(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048${options})`,
  )
  con.closeSync()
  return path
}

/** hyparquet's values of the file's rows [start, stop), nulls as NaN. */
async function reference(path: string, start: number, stop: number, columns = COLUMNS) {
  const file = await asyncBufferFromFile(path)
  const metadata = await parquetMetadataAsync(file)
  const zstd = await loadZstd()
  const compressors = {
    GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
    ZSTD: (input: Uint8Array) => zstd.decompress(input),
  }
  const rows = await parquetReadObjects({
    file,
    metadata,
    rowStart: start,
    rowEnd: stop,
    compressors,
  })
  return Object.fromEntries(
    columns.map((c) => [c, rows.map((r) => (r[c] === null ? NaN : Number(r[c])))]),
  )
}

const files: Record<string, string> = {}
beforeAll(async () => {
  files.snappy = await write('snappy.parquet', ', COMPRESSION snappy')
  files.zstd = await write('zstd.parquet', ', COMPRESSION zstd')
  files.plain = await write('plain.parquet', ', COMPRESSION uncompressed')
  files.gzip = await write('gzip.parquet', ', COMPRESSION gzip')
  files.v2 = await write('v2.parquet', ', COMPRESSION snappy, PARQUET_VERSION v2')
  files.big = await writeBig()
}, 60_000)

const BIG = 300_000

/** One row group, one page per column of BIG rows: a page far longer than snappy's reach. */
async function writeBig(): Promise<string> {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  const path = join(dir, 'big.parquet')
  // r: random doubles (mostly snappy literals); s, q: each value twice (back-references),
  // as double and float; all PLAIN (too many distinct values for a dictionary).
  await con.run(
    `COPY (SELECT (hash(i) % 1000003)::DOUBLE / 7 AS r, (i // 2)::DOUBLE AS s, ` +
      `(i // 2)::FLOAT / 8 AS q FROM range(${BIG}) t(i)) TO '${path}' ` +
      `(FORMAT parquet, ROW_GROUP_SIZE ${BIG}, COMPRESSION snappy)`,
  )
  con.closeSync()
  return path
}
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('flat Parquet columns', () => {
  for (const kind of ['snappy', 'zstd', 'plain', 'gzip', 'v2']) {
    it(`equal hyparquet's values, ${kind}, whole file and ranges across row groups`, async () => {
      for (const [start, stop] of [
        [0, N],
        [1000, 4500],
        [2047, 2049],
        [4096, N],
      ]) {
        const got = await readParquetColumns(files[kind], COLUMNS, silentContext(), {
          start,
          stop,
        })
        const want = await reference(files[kind], start, stop)
        expect([...got.keys()]).toEqual(COLUMNS)
        for (const c of COLUMNS) {
          const col = got.get(c)
          expect(col?.kind).toBe('flat')
          expect(Array.from(col?.values ?? [])).toEqual(want[c])
        }
        // Types as the schema plans them: nullable integers as float64.
        expect(got.get('f')?.values).toBeInstanceOf(Float32Array)
        expect(got.get('d')?.values).toBeInstanceOf(Float64Array)
        expect(got.get('in')?.values).toBeInstanceOf(Float64Array)
      }
    })
  }
})

describe('rows inside a page longer than snappy reaches back', () => {
  it("equal hyparquet's values, decoding only the rows' part of the page", async () => {
    const columns = ['r', 's', 'q']
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(files.big))
    expect(metadata.row_groups.length).toBe(1)
    const whole = await reference(files.big, 0, BIG, columns)
    for (const [start, stop] of [
      [100_000, 200_000],
      [150_001, 150_003],
      [0, 5],
      [299_990, BIG],
      [8192, 8193],
    ]) {
      const got = await readParquetColumns(files.big, columns, silentContext(), { start, stop })
      for (const c of columns)
        expect(Array.from(got.get(c)?.values ?? [])).toEqual(whole[c].slice(start, stop))
    }
  })
})

describe('a file pyarrow wrote (ZSTD, page headers with min/max statistics)', () => {
  it("equals hyparquet's values for every flat column", async () => {
    const path = COFFEA + 'nano_dy.parquet'
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(path))
    const flat = parquetSchema(metadata)
      .children.filter((f) => !f.children.length && f.element.type === 'FLOAT')
      .map((f) => f.element.name)
    expect(flat.length).toBeGreaterThan(3)
    const got = await readParquetColumns(path, flat, silentContext())
    const want = await reference(path, 0, Number(metadata.num_rows), flat)
    for (const c of flat) expect(Array.from(got.get(c)?.values ?? [])).toEqual(want[c])
  })
})

/** "abc", a run (offset 3, 60 bytes), 7 literal bytes, a copy of 20 from 30 back: 90 bytes. */
const RUNS = Uint8Array.from([
  90,
  (3 - 1) << 2,
  97,
  98,
  99,
  ((60 - 1) << 2) | 2,
  3,
  0,
  (7 - 1) << 2,
  49,
  50,
  51,
  52,
  53,
  54,
  55,
  ((20 - 1) << 2) | 2,
  30,
  0,
])

describe('snappyDecompress', () => {
  it('expands literals and overlapping and long back-references', () => {
    const out = new Uint8Array(90)
    snappyDecompress(RUNS, out)
    const first = 'abc'.repeat(21) + '1234567'
    expect(new TextDecoder().decode(out)).toBe(first + first.slice(40, 60))
  })

  it('splits the block between a head and the output at any point, runs across the split too', () => {
    const block = RUNS
    const all = new Uint8Array(90)
    snappyDecompress(block, all)
    for (let h = 0; h <= 90; h++) {
      const head = new Uint8Array(h)
      const rest = new Uint8Array(90 - h)
      snappyDecompress(block, rest, head)
      expect([...head, ...rest]).toEqual(Array.from(all))
    }
    // A long literal split by the head: the set() path for the part after it.
    const plain = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256)
    const lit = Uint8Array.from([0xac, 0x02, 61 << 2, 299 & 0xff, 299 >> 8, ...plain])
    const head = new Uint8Array(5)
    const rest = new Uint8Array(295)
    snappyDecompress(lit, rest, head)
    expect([...head, ...rest]).toEqual(Array.from(plain))
    expect(() => snappyDecompress(lit, new Uint8Array(295), new Uint8Array(4))).toThrow(/snappy/)
  })

  it('rejects a block whose length or references do not fit', () => {
    expect(() => snappyDecompress(Uint8Array.from([5, 0, 97]), new Uint8Array(5))).toThrow(/snappy/)
    expect(() => snappyDecompress(Uint8Array.from([4, 0, 97, 1, 9]), new Uint8Array(4))).toThrow(
      /offset/,
    )
  })
})

describe('snappyRange', () => {
  /** A block of 70 010 bytes: a 70 000-byte literal, then a copy of its first 10 bytes. */
  function farBlock(): { block: Uint8Array; plain: Uint8Array } {
    const plain = new Uint8Array(70_010)
    for (let i = 0; i < 70_000; i++) plain[i] = (i * 31) % 251
    plain.copyWithin(70_000, 0, 10)
    const head = [0xfa, 0xa2, 0x04] // varint 70 010
    const literal = [62 << 2, (70_000 - 1) & 0xff, ((70_000 - 1) >> 8) & 0xff, (70_000 - 1) >> 16]
    const copy = [((10 - 1) << 2) | 3, 70_000 & 0xff, (70_000 >> 8) & 0xff, 70_000 >> 16, 0]
    const block = Uint8Array.from([...head, ...literal, ...plain.subarray(0, 70_000), ...copy])
    return { block, plain }
  }

  it('gives every range of a block with runs what snappyDecompress gives', () => {
    const block = RUNS
    const all = new Uint8Array(90)
    snappyDecompress(block, all)
    const scratch = new Uint8Array(1 << 17)
    for (let from = 0; from <= 90; from += 7)
      for (let to = from; to <= 90; to += 5) {
        const out = new Uint8Array(to - from)
        expect(snappyRange(block, from, to, out, scratch)).toBe('done')
        expect(Array.from(out)).toEqual(Array.from(all.subarray(from, to)))
      }
  })

  it('skips what lies before its reach, and says when a reference goes further', () => {
    const { block, plain } = farBlock()
    const all = new Uint8Array(plain.length)
    snappyDecompress(block, all)
    expect(all).toEqual(plain)
    const scratch = new Uint8Array(1 << 18)
    const out = new Uint8Array(100)
    expect(snappyRange(block, 69_000, 69_100, out, scratch)).toBe('done')
    expect(out).toEqual(plain.subarray(69_000, 69_100))
    // The copy at 70 000 reaches 70 000 back, past the 64 KiB decoded before the range.
    expect(snappyRange(block, 69_995, 70_005, new Uint8Array(10), scratch)).toBe('far')
    // A range whose reach takes in the copy's source decodes it.
    const near = new Uint8Array(10_010)
    expect(snappyRange(block, 60_000, 70_010, near, scratch)).toBe('done')
    expect(near).toEqual(plain.subarray(60_000, 70_010))
    expect(snappyRange(block, 0, 70_010, new Uint8Array(70_010), scratch)).toBe('done')
  })

  it('says when the bytes it was given end before the range', () => {
    const { block, plain } = farBlock()
    const out = new Uint8Array(100)
    expect(
      snappyRange(block.subarray(0, 60_000), 65_000, 65_100, out, new Uint8Array(1 << 18)),
    ).toBe('short')
    expect(
      snappyRange(block.subarray(0, 66_000), 65_000, 65_100, out, new Uint8Array(1 << 18)),
    ).toBe('done')
    expect(out).toEqual(plain.subarray(65_000, 65_100))
  })
})

describe('which columns take the fast path', () => {
  it('the PLAIN columns qualify, so the values above are its own; dictionary ones do not', async () => {
    const qualifying = async (kind: string) => {
      const metadata = await parquetMetadataAsync(await asyncBufferFromFile(files[kind]))
      return parquetSchema(metadata).children.flatMap((f) => {
        const chunks = metadata.row_groups.map((g) =>
          g.columns.find((k) => k.meta_data?.path_in_schema[0] === f.element.name)!,
        )
        try {
          checkFlat(f.element, f.element.type === 'FLOAT' ? 'float32' : 'float64', chunks)
          return [f.element.name]
        } catch (e) {
          if (e instanceof Unsupported) return []
          throw e
        }
      })
    }
    // k (few distinct values) is dictionary-encoded: hyparquet reads it, the rest are ours.
    for (const kind of ['snappy', 'zstd', 'plain', 'gzip'])
      expect(await qualifying(kind)).toEqual(COLUMNS.filter((c) => c !== 'k'))
    // DuckDB's v2 files encode every column otherwise (not PLAIN): all through hyparquet.
    expect(await qualifying('v2')).toEqual([])
  })
})
