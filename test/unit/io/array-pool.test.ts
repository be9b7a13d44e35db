/**
 * Partition arrays given back and reused (io/array-pool.ts): a spec source's Parquet partitions
 * read after release() get the arrays of the partition before, with the new partition's values
 * (never a stale one), and arrays not given back are never handed out again.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { ArrayPool, READ_BUFFERS_KEPT_MS } from '../../../src/main/engine/io/array-pool'
import { readColumns } from '../../../src/main/engine/io/source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { parseSpec } from '../../../src/shared/spec'
import type { NumericArray } from '../../../src/shared/column'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-array-pool-'))
const N = 4096
let file = ''

beforeAll(async () => {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  file = join(dir, 'events.parquet')
  await con.run(
    `COPY (SELECT sqrt(i) AS x, (i % 17)::DOUBLE AS y, (0.5 + (i % 3))::DOUBLE AS w FROM range(${N}) t(i)) ` +
      `TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 2048, COMPRESSION snappy)`,
  )
  con.closeSync()
}, 60_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('ArrayPool', () => {
  it('gives back an array of the same type and length, else a new one', () => {
    const pool = new ArrayPool()
    const a = pool.take('float64', 10)
    pool.give(a)
    expect(pool.take('float32', 10)).not.toBe(a)
    expect(pool.take('float64', 11)).not.toBe(a)
    expect(pool.take('float64', 10)).toBe(a)
    expect(pool.take('float64', 10)).not.toBe(a) // taken already
  })

  it('keeps at most its limit in bytes, and nothing once idle for READ_BUFFERS_KEPT_MS', () => {
    const kept = READ_BUFFERS_KEPT_MS
    vi.useFakeTimers()
    try {
      const pool = new ArrayPool(100) // one Float64Array(10) fits, two do not
      const a = pool.take('float64', 10)
      const b = pool.take('float64', 10)
      pool.give(a)
      pool.give(b)
      expect(pool.take('float64', 10)).toBe(b) // a went first
      expect(pool.take('float64', 10)).not.toBe(a)
      pool.give(b)
      vi.advanceTimersByTime(0.9 * kept)
      pool.give(a) // activity: the whole time again from now
      vi.advanceTimersByTime(0.9 * kept)
      expect(pool.take('float64', 10)).toBe(a)
      pool.give(a)
      vi.advanceTimersByTime(kept + 1)
      expect(pool.take('float64', 10)).not.toBe(a)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a lease gives back what it took, once', () => {
    const pool = new ArrayPool()
    const lease = pool.lease()
    const a = lease.alloc('int32', 5)
    lease.release()
    lease.release()
    const b = pool.take('int32', 5)
    expect(b).toBe(a)
    expect(pool.take('int32', 5)).not.toBe(a) // given back once, not twice
  })
})

describe('spec source partitions', () => {
  const spec = () => {
    const r = parseSpec({ samples: [{ name: 's', files: [file], weight: 'w * 2' }] })
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    return r.spec
  }

  it("read after release() reuse the arrays and hold the new partition's values", async () => {
    const ctx = silentContext()
    const sample = await specSource(spec(), { maxEntries: 1024 }).open(0, ctx)
    const parts = await sample.partitions()
    expect(parts.length).toBe(4)
    const first = await sample.read(parts[0], ['x', 'y'], ctx)
    const x0 = first.data.column('x').values
    const w0 = first.weights as Float64Array
    expect(first.release).toBeTypeOf('function')
    first.release?.()
    const second = await sample.read(parts[1], ['x', 'y'], ctx)
    const x1 = second.data.column('x').values
    const arrays: NumericArray[] = [
      x1,
      second.data.column('y').values,
      second.weights as Float64Array,
    ]
    // The same arrays again (the pool's), none handed out twice.
    expect(arrays.some((a) => a === x0)).toBe(true)
    expect(arrays.some((a) => a === w0)).toBe(true)
    expect(new Set(arrays).size).toBe(3)
    const fresh = await readColumns(file, '', ['x', 'y', 'w'], ctx, { start: 1024, stop: 2048 })
    expect(Array.from(x1)).toEqual(Array.from(fresh.get('x')?.values ?? []))
    expect(Array.from(second.data.column('y').values)).toEqual(
      Array.from(fresh.get('y')?.values ?? []),
    )
    expect(Array.from(second.weights as Float64Array)).toEqual(
      Array.from(fresh.get('w')?.values ?? [], (v) => v * 2),
    )
  })

  it("a weight that is one float64 column, unscaled, is that column's array; others are computed", async () => {
    const ctx = silentContext()
    const of = async (sample: object, variables: object[] = []) => {
      const r = parseSpec({ samples: [{ name: 's', files: [file], ...sample }], variables })
      if (!r.ok) throw new Error(JSON.stringify(r.issues))
      const opened = await specSource(r.spec, { maxEntries: 1024 }).open(0, ctx)
      return opened.read((await opened.partitions())[1], ['w', 'x'], ctx)
    }
    const fresh = await readColumns(file, '', ['w'], ctx, { start: 1024, stop: 2048 })
    const w = Array.from(fresh.get('w')?.values ?? [])
    const bare = await of({ weight: 'w' })
    expect(bare.weights).toBe(bare.data.column('w').values) // not a copy
    expect(Array.from(bare.weights as Float64Array)).toEqual(w)
    // Scaled, or through a derived variable: an array of its own with the computed values.
    const scaled = await of({ weight: 'w', scale: 3 })
    expect(scaled.weights).not.toBe(scaled.data.column('w').values)
    expect(Array.from(scaled.weights as Float64Array)).toEqual(w.map((v) => v * 3))
    expect(Array.from(scaled.data.column('w').values)).toEqual(w) // the column itself untouched
    const derived = await of({ weight: 'wd' }, [{ name: 'wd', expr: 'w + 1' }])
    expect(Array.from(derived.weights as Float64Array)).toEqual(w.map((v) => v + 1))
  })

  it('arrays not given back keep their values while later partitions are read', async () => {
    const ctx = silentContext()
    const sample = await specSource(spec(), { maxEntries: 1024 }).open(0, ctx)
    const parts = await sample.partitions()
    const kept = await sample.read(parts[0], ['x'], ctx)
    const before = Array.from(kept.data.column('x').values)
    for (const p of parts.slice(1)) (await sample.read(p, ['x'], ctx)).release?.()
    expect(Array.from(kept.data.column('x').values)).toEqual(before)
    expect(before[9]).toBe(3) // sqrt(9)
  })
})
