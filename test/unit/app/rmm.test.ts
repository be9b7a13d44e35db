/**
 * The mean rapidity-mass matrix as a pass over partitions (app/rmm-mean.ts): on real NanoAOD
 * files (tt̄ and Drell–Yan, jagged jets and muons) with the RMM cells as a spec's derived
 * variables, a memory budget small enough to cut each sample into many partitions gives the
 * one-partition answer — events exactly, sums within 1e-12 relative — inline and on two worker
 * threads; a blinded region hides data, a sample lacking a column is skipped with the reason.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { parseSpec, type AnalysisSpec } from '../../../src/shared/spec'
import { RmmConfig } from '../../../src/shared/contract/rmm'
import { runRmmEvent, runRmmMean } from '../../../src/main/engine/app/rmm'
import { runOn, withMemory } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { buildRmm } from '../../../src/main/engine/features/rmm'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { COFFEA, DATA, SKHEP } from '../io/shared-data'
import { expectSameUpToRounding } from './compare'

/** A budget that cuts tt̄'s 200 events into about five partitions for these columns. */
const BUDGET = 128 * 1024

const two = poolExecutor(2)
afterAll(() => two.close())

const built = buildRmm(
  RmmConfig.parse({
    prefix: 'm',
    sqrtS: 13_000,
    met: { pt: 'MET_pt', phi: 'MET_phi' },
    collections: [
      {
        layout: 'jagged',
        kind: 'jets',
        count: 2,
        pt: 'Jet_pt',
        eta: 'Jet_eta',
        phi: 'Jet_phi',
        mass: 'Jet_mass',
      },
      {
        layout: 'jagged',
        kind: 'muons',
        count: 2,
        pt: 'Muon_pt',
        eta: 'Muon_eta',
        phi: 'Muon_phi',
        mass: 'Muon_mass',
      },
    ],
  }),
)

function spec(blinded: boolean, extra: object[] = []): AnalysisSpec {
  const r = parseSpec({
    samples: [
      {
        name: 'ttbar',
        files: [SKHEP + 'nanoAOD_2015_CMS_Open_Data_ttbar.root'],
        tree: 'Events',
        group: 'top',
        weight: 'MET_pt * 0.5',
        role: 'background',
      },
      {
        name: 'dy',
        files: [COFFEA + 'nano_dy.root'],
        tree: 'Events',
        group: 'DY',
        scale: 2,
        role: 'background',
      },
      { name: 'pseudo', files: [COFFEA + 'nano_dy.root'], tree: 'Events', role: 'data' },
      ...extra,
    ],
    variables: built.variables,
    regions: [
      { name: 'SR', blinded, cuts: [{ expr: 'Length(Jet_pt) >= 2' }, { expr: 'MET_pt > 30' }] },
    ],
  })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

describe('the mean RMM over partitions', () => {
  it('a tiny budget gives the one-partition answer, inline and on two threads', async () => {
    const s = spec(false)
    const request = { cells: built.cells, region: 'SR' }
    const whole = await runRmmMean(specSource(s, { maxEntries: Number.MAX_SAFE_INTEGER }), request)
    expect(whole.groups.map((g) => g.group)).toEqual(['top', 'DY', 'pseudo'])
    expect(whole.groups[0].events).toBeGreaterThan(10)
    expect(whole.groups[0].matrix[1][1]).toBeGreaterThan(0)
    const tiny = withMemory(specSource(s), BUDGET)
    const seen: number[] = []
    const counting = { ...silentContext(), progress: (f: number) => void seen.push(f) }
    expectSameUpToRounding(whole, await runRmmMean(tiny, request, counting))
    expect(seen.length).toBeGreaterThan(5)
    expectSameUpToRounding(whole, await runRmmMean(runOn(tiny, two), request))
  }, 60_000)

  it('one event: counted per partition, only its partition read; the one-partition answer', async () => {
    const s = spec(false)
    const whole = specSource(s, { maxEntries: Number.MAX_SAFE_INTEGER })
    const tiny = withMemory(specSource(s), BUDGET)
    const first = await runRmmEvent(whole, {
      sample: 'ttbar',
      cells: built.cells,
      region: 'SR',
      index: 0,
    })
    expect(first.selected).toBeGreaterThan(30)
    const last = first.selected - 1
    for (const index of [0, 17, last]) {
      const request = { sample: 'ttbar', cells: built.cells, region: 'SR', index }
      const expected = await runRmmEvent(whole, request)
      expect(await runRmmEvent(tiny, request)).toEqual(expected)
      if (index === 17) expect(await runRmmEvent(runOn(tiny, two), request)).toEqual(expected)
    }
    const past = await runRmmEvent(tiny, {
      sample: 'ttbar',
      cells: built.cells,
      region: 'SR',
      index: last + 1,
    })
    expect(past).toEqual({ selected: first.selected, event: null, matrix: null })
    // No region: event k is entry k.
    const all = await runRmmEvent(tiny, { sample: 'dy', cells: built.cells, index: 33 })
    expect(all.event).toBe(33)
  }, 60_000)

  it('hides data in a blinded region and skips a sample that lacks a column', async () => {
    // Electrons only: no jets, no muons.
    const lacking = {
      name: 'zee',
      files: [DATA + 'cms-opendata-education_csv/Zee_Run2011A.csv'],
      role: 'background',
    }
    const s = spec(true, [lacking])
    const run = await runRmmMean(specSource(s), { cells: built.cells, region: 'SR' })
    expect(run.hidden).toEqual(['pseudo'])
    expect(run.groups.map((g) => g.group)).toEqual(['top', 'DY'])
    expect(run.skipped.map((x) => x.sample)).toEqual(['zee'])
  }, 60_000)
})
