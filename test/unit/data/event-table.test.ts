/** The lazy event table of a sample: chains, lazy decoding, memory, the disk cache. */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ColumnCache, type CacheKey } from '../../../src/main/engine/data/column-cache'
import { EventTable } from '../../../src/main/engine/data/event-table'
import { SKHEP } from '../io/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-table-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

class CountingCache extends ColumnCache {
  hits = 0
  override async get(k: CacheKey) {
    const c = await super.get(k)
    if (c) this.hits++
    return c
  }
}

describe('EventTable', () => {
  const chain = {
    files: [SKHEP + 'uproot-HZZ.root', SKHEP + 'uproot-HZZ-zstd.root'],
    table: 'events',
  }

  it('chains files: entries add up, columns decode on first use only', async () => {
    const t = await EventTable.open(chain)
    expect(t.entries).toBe(2 * 2421)
    expect(t.fileEntries).toEqual([2421, 2421])
    expect(t.has('Muon_Px')).toBe(true)
    expect(t.isLoaded('Muon_Px')).toBe(false)
    expect(t.memoryBytes()).toBe(0)
    const mu = await t.column('Muon_Px')
    expect(t.isLoaded('Muon_Px')).toBe(true)
    expect(mu.kind === 'jagged' && mu.offsets.length - 1).toBe(4842)
    expect(mu.values.length).toBe(2 * 3825)
    expect(t.memoryBytes()).toBe(2 * 3825 * 4 + 4843 * 4)
    expect(await t.column('Muon_Px')).toBe(mu) // cached in memory, same object
    t.release()
    expect(t.memoryBytes()).toBe(0)
  })

  it('decodes a column once when asked for twice at the same time', async () => {
    const t = await EventTable.open(chain)
    const [a, b] = await Promise.all([t.column('MET_px'), t.column('MET_px')])
    expect(a).toBe(b)
  })

  it('offers only the columns every file has', async () => {
    const a = join(tmp, 'a.csv')
    const b = join(tmp, 'b.csv')
    writeFileSync(a, 'x,y\n1,2\n')
    writeFileSync(b, 'x,z\n3,4\n5,6\n')
    const t = await EventTable.open({ files: [a, b], table: '' })
    expect(t.columns.map((c) => c.name)).toEqual(['x'])
    expect(t.skipped.map((s) => s.name).sort()).toEqual(['y', 'z'])
    expect([...(await t.column('x')).values]).toEqual([1, 3, 5])
    await expect(t.column('y')).rejects.toThrow(/not available in this sample: missing in/)
  })

  it('reads decoded columns back from the disk cache, and not after the file changed', async () => {
    const file = join(tmp, 'c.csv')
    writeFileSync(file, 'x\n1\n2\n')
    const cache = new CountingCache(join(tmp, 'cache'))
    const first = await EventTable.open({ files: [file], table: '' }, { cache })
    expect([...(await first.column('x')).values]).toEqual([1, 2])
    expect(cache.hits).toBe(0)
    const second = await EventTable.open({ files: [file], table: '' }, { cache })
    expect([...(await second.column('x')).values]).toEqual([1, 2])
    expect(cache.hits).toBe(1)
    writeFileSync(file, 'x\n7\n9\n')
    utimesSync(file, new Date(), new Date(Date.now() + 5000))
    const third = await EventTable.open({ files: [file], table: '' }, { cache })
    expect([...(await third.column('x')).values]).toEqual([7, 9])
    expect(cache.hits).toBe(1)
  })
})
