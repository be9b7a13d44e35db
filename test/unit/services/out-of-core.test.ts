/**
 * The project out of core (issue 13, item 1): with the project's memory budget
 * (`compute.memory`) small enough to force many partitions, and columns larger than it allows
 * kept in memory, each partition reads only its range — from the decoded-column cache
 * (ColumnCache.getRange) or the file — and the cut-flow, histogram and statistics equal the
 * in-memory answer (counts exactly, sums within 1e-12 relative), inline and on two threads;
 * the per-event weights too are computed per partition, never held for the whole sample.
 * Also: a cached column's range equals the slice of the whole column (flat and jagged).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runStatistics } from '../../../src/main/engine/app/statistics'
import { runOn, type EventSource } from '../../../src/main/engine/app/source'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { ColumnCache } from '../../../src/main/engine/data/column-cache'
import { sliceColumn } from '../../../src/main/engine/io/column-ops'
import { readColumns } from '../../../src/main/engine/io/source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import { MEMORY_SETTING } from '../../../src/main/engine/services/compute-settings'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { putSetting } from '../../../src/main/engine/store/samples'
import { expectSameUpToRounding } from '../app/compare'
import { kaggleBackgroundProject } from '../helpers/kaggle-project'
import { SKHEP } from '../io/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-out-of-core-'))
const two = poolExecutor(2)
afterAll(async () => {
  await two.close()
  rmSync(tmp, { recursive: true, force: true })
})

async function answers(source: EventSource) {
  const region = 'SR'
  return {
    cutflow: (await runCutflow(source)).result,
    hist: await runHistogram(source, {
      expr: 'DER_mass_jet_jet',
      binning: { bins: 30, lo: 0, hi: 1500 },
      region,
    }),
    stats: await runStatistics(source, { expr: 'PRI_tau_pt', region }),
  }
}

describe('a project under a small memory budget', () => {
  it('reads partitions by range and gives the in-memory answer', async () => {
    const project = await kaggleBackgroundProject(tmp)
    try {
      // In memory (the default budget): whole columns decoded, and written to the cache.
      const inMemory = await answers(await projectSource(new SampleRegistry(project), []))
      expect(Object.values(inMemory.stats.samples)[0].count).toBeGreaterThan(0)
      putSetting(project, MEMORY_SETTING, 2 ** 16)
      // A fresh registry: nothing decoded in memory, the cache on disk.
      const registry = new SampleRegistry(project)
      const tiny = await projectSource(registry, [])
      expect(tiny.memory).toBe(2 ** 16)
      const seen: number[] = []
      await runCutflow(tiny, {}, { ...silentContext(), progress: (f) => void seen.push(f) })
      expect(seen.length).toBeGreaterThan(10)
      expectSameUpToRounding(inMemory, await answers(tiny))
      expectSameUpToRounding(inMemory, await answers(runOn(tiny, two)))
      // Neither columns nor the per-event weights (8 bytes per event) were held whole: the
      // weights were summed for the normalisation and computed per partition.
      const [loaded] = await registry.all(silentContext())
      expect(loaded.sample.table.entries).toBe(4999)
      expect(loaded.sample.memoryBytes()).toBeLessThan(8 * 4999)
    } finally {
      project.close()
    }
  }, 120_000)
})

describe('the decoded-column cache read by range', () => {
  it('gives the slice of the whole column, flat and jagged', async () => {
    const path = SKHEP + 'uproot-small-dy-withoffsets.root'
    const cols = await readColumns(path, 'tree', ['nMuon', 'Muon_pt'], silentContext())
    const cache = new ColumnCache(join(tmp, 'cache'))
    for (const [n, c] of cols) await cache.put({ hash: 'h', table: 'tree', column: n }, c)
    for (const [n, c] of cols)
      for (const [a, b] of [
        [0, 0],
        [0, 37],
        [37, 200],
        [450, 501],
      ]) {
        const got = await cache.getRange({ hash: 'h', table: 'tree', column: n }, a, b)
        expect(got).toEqual(sliceColumn(c, a, b))
        if (got?.kind === 'jagged') expect(got.offsets[0]).toBe(0)
      }
    expect(await cache.getRange({ hash: 'h', table: 'tree', column: 'nMuon' }, 0, 9999)).toBe(
      undefined,
    )
    // Pruned since its header was read (and kept): a miss, not an error.
    rmSync(join(tmp, 'cache'), { recursive: true, force: true })
    expect(await cache.getRange({ hash: 'h', table: 'tree', column: 'nMuon' }, 0, 10)).toBe(
      undefined,
    )
  })
})
