/** Decoded-column cache on disk: round trip, content-hash keys, corrupt entries, pruning. */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { ColumnCache, decodeColumn, encodeColumn } from '../../../src/main/engine/data/column-cache'
import { hashFile } from '../../../src/main/engine/data/file-hash'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-cache-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const jagged: Column = {
  kind: 'jagged',
  type: 'float32',
  offsets: Int32Array.from([0, 2, 2, 3]),
  values: Float32Array.from([1.5, -2, 3]),
}
const flat: Column = { kind: 'flat', type: 'uint64', values: Float64Array.from([2 ** 53, 7]) }

describe('column encoding', () => {
  it('round-trips flat and jagged columns of any type', () => {
    for (const c of [
      jagged,
      flat,
      { kind: 'flat', type: 'bool', values: Uint8Array.of(1, 0) } as Column,
    ]) {
      expect(decodeColumn(encodeColumn(c))).toEqual(c)
    }
  })

  it('rejects truncated or foreign bytes', () => {
    const bytes = encodeColumn(jagged)
    expect(decodeColumn(bytes.subarray(0, bytes.length - 1))).toBeUndefined()
    expect(decodeColumn(new TextEncoder().encode('not a column at all'))).toBeUndefined()
  })
})

describe('ColumnCache', () => {
  it('stores and finds columns by file hash, table and column', async () => {
    const cache = new ColumnCache(join(tmp, 'c1'))
    const key = { hash: 'ab'.repeat(32), table: 'one/two/tree', column: 'Jet.pt' }
    expect(await cache.get(key)).toBeUndefined()
    await cache.put(key, jagged)
    expect(await cache.get(key)).toEqual(jagged)
    expect(await cache.get({ ...key, column: 'other' })).toBeUndefined()
    expect(await cache.sizeBytes()).toBeGreaterThan(0)
  })

  it('hashes file content, and a changed file gets a new hash', async () => {
    const cache = new ColumnCache(join(tmp, 'c2'))
    const src = join(tmp, 'src.csv')
    writeFileSync(src, 'x\n1\n')
    const h1 = await cache.fileHash(src)
    expect(h1).toBe(await hashFile(src))
    expect(h1).toMatch(/^[0-9a-f]{64}$/)
    writeFileSync(src, 'x\n2\n') // same size: the mtime change triggers re-hashing
    utimesSync(src, new Date(), new Date(Date.now() + 5000))
    const h2 = await cache.fileHash(src)
    expect(h2).not.toBe(h1)
    // A new cache object on the same directory remembers the hash (hashes.json).
    expect(await new ColumnCache(join(tmp, 'c2')).fileHash(src)).toBe(h2)
  })

  it('treats a damaged entry as a miss and removes it', async () => {
    const dir = join(tmp, 'c3')
    const cache = new ColumnCache(dir)
    const key = { hash: 'cd'.repeat(32), table: 't', column: 'x' }
    await cache.put(key, flat)
    const file = join(dir, 'cd', key.hash, 't', 'x.col')
    writeFileSync(file, 'garbage')
    expect(await cache.get(key)).toBeUndefined()
    expect(readdirSync(join(dir, 'cd', key.hash, 't'))).toEqual([])
  })

  it('prunes columns of files no longer in the project', async () => {
    const cache = new ColumnCache(join(tmp, 'c4'))
    const keep = { hash: '11'.repeat(32), table: 't', column: 'x' }
    const drop = { hash: '22'.repeat(32), table: 't', column: 'x' }
    await cache.put(keep, flat)
    await cache.put(drop, flat)
    expect(await cache.prune(new Set([keep.hash]))).toBeGreaterThan(0)
    expect(await cache.get(keep)).toEqual(flat)
    expect(await cache.get(drop)).toBeUndefined()
  })
})
