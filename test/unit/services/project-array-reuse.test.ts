/**
 * A project read partition by partition from its column cache takes its arrays from the
 * sample's pool (io/array-pool.ts): a read while another partition is held gets arrays of its
 * own, the next read after PartitionEvents.release writes into the released memory, and the
 * values are those of a plain read; the one-pass use case over such a project equals the
 * in-memory answer.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runPass } from '../../../src/main/engine/app/pass'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import { MEMORY_SETTING } from '../../../src/main/engine/services/compute-settings'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { putSetting } from '../../../src/main/engine/store/samples'
import { expectSameUpToRounding } from '../app/compare'
import { kaggleBackgroundProject } from '../helpers/kaggle-project'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-array-pool-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('a project read out of core', () => {
  it('writes the next partition into the released memory, with the values of a plain read', async () => {
    const project = await kaggleBackgroundProject(tmp)
    try {
      const hist = { expr: 'DER_mass_vis', binning: { bins: 30, lo: 0, hi: 300 }, region: 'SR' }
      const inMemory = await projectSource(new SampleRegistry(project), [])
      const want = {
        cutflow: (await runCutflow(inMemory)).result,
        hist: await runHistogram(inMemory, hist),
      }
      putSetting(project, MEMORY_SETTING, 2 ** 16)
      const tiny = await projectSource(new SampleRegistry(project), [])
      const sample = await tiny.open(0, silentContext())
      const parts = await sample.partitions({ maxEntries: 1000 })
      expect(parts.length).toBeGreaterThan(2)
      const ctx = silentContext()
      // Columns the in-memory passes wrote to the cache (and without the -999 marker, which copies).
      const cols = ['DER_mass_vis', 'PRI_jet_num']
      const plain = await sample.read(parts[1], cols, ctx)
      const first = await sample.read(parts[0], cols, ctx)
      const busy = await sample.read(parts[1], cols, ctx)
      const values = (e: typeof first, c: string) => e.data.column(c).values
      // Still held: the second read gets arrays of its own.
      expect(values(busy, 'DER_mass_vis').buffer).not.toBe(values(first, 'DER_mass_vis').buffer)
      const buffer = values(first, 'DER_mass_vis').buffer
      first.release?.()
      const again = await sample.read(parts[1], cols, ctx)
      expect(values(again, 'DER_mass_vis').buffer).toBe(buffer)
      for (const c of cols)
        expect(Array.from(values(again, c))).toEqual(Array.from(values(plain, c)))
      expect(Array.from(again.weights as Float64Array)).toEqual(
        Array.from(plain.weights as Float64Array),
      )
      again.release?.()
      busy.release?.()
      // The one pass over the reused arrays: the in-memory answer.
      const r = await runPass(tiny, { cutflow: {}, histograms: [hist] })
      expectSameUpToRounding(want, { cutflow: r.cutflow?.result, hist: r.histograms[0] })
    } finally {
      project.close()
    }
  }, 120_000)
})
