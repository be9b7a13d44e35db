/**
 * Out-of-core under a memory budget (issue 13, item 1): a budget small enough to cut each real
 * file into many partitions gives the in-memory answer (one partition per file) — counts
 * exactly, sums within 1e-12 relative — for the cut-flow, histograms, statistics, 2-D
 * histograms and correlations, inline and on two worker threads. Real files: ROOT jagged
 * two-file chain, Parquet normalised by its own Σ weights, HDF5 hyperslabs, CSV byte ranges
 * (each partition reads only its own bytes of the file).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { parseSpec, type AnalysisSpec } from '../../../src/shared/spec'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runStatistics } from '../../../src/main/engine/app/statistics'
import { runHist2D } from '../../../src/main/engine/app/hist2d'
import { runCorrelation } from '../../../src/main/engine/app/correlation'
import { budgetEntries, MIN_PARTITION_ENTRIES } from '../../../src/main/engine/app/memory-budget'
import { PARTITION_ENTRIES } from '../../../src/main/engine/app/partition'
import { runOn, withMemory, type EventSource } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { DATA, SKHEP, COFFEA } from '../io/shared-data'
import { expectSameUpToRounding } from './compare'

const CASES = [
  {
    name: 'ROOT jagged, two-file chain',
    spec: {
      samples: [
        {
          name: 'dy',
          files: [
            SKHEP + 'uproot-small-dy-withoffsets.root',
            SKHEP + 'uproot-small-dy-nooffsets.root',
          ],
          tree: 'tree',
          role: 'background',
        },
      ],
      variables: [{ name: 'ptlead', expr: 'Max(Muon_pt)' }],
      regions: [
        { name: 'mu', cuts: [{ expr: 'nMuon >= 1' }, { expr: 'Count(Muon_pt > 5) >= 1' }] },
      ],
    },
    hist: { expr: 'Muon_pt', bins: 20, lo: 0, hi: 60, region: 'mu' },
    pair: ['nMuon', 'ptlead'],
  },
  {
    name: 'Parquet, cross-section normalised by its own Σ weights',
    spec: {
      samples: [
        {
          name: 'dy',
          files: [COFFEA + 'nano_dy.parquet'],
          weight: 'genWeight',
          xsec: 6000,
          lumi: 10,
          role: 'background',
        },
      ],
      regions: [{ name: 'mm', cuts: [{ expr: 'nMuon >= 2' }] }],
    },
    hist: { expr: 'Muon_pt', bins: 10, lo: 0, hi: 100, region: 'mm' },
    pair: ['nMuon', 'MET_pt'],
  },
  {
    name: 'HDF5 hyperslabs',
    spec: {
      samples: [
        {
          name: 'tt',
          files: [DATA + 'cmsopen_llayer/TTJets_pdfweights.h5'],
          tree: 'frame',
          weight: 'pdf',
          role: 'background',
        },
      ],
      regions: [{ name: 'up', cuts: [{ expr: 'pdf_up > pdf' }] }],
    },
    hist: { expr: 'pdf_down', bins: 10, lo: 0.5, hi: 1.5 },
    pair: ['pdf_up', 'pdf_down'],
  },
  {
    name: 'CSV byte ranges, two-file chain',
    spec: {
      samples: [
        {
          name: 'zee',
          files: [
            DATA + 'cms-opendata-education_csv/Zee_Run2011A.csv',
            DATA + 'cms-opendata-education_csv/Zee_Run2011A.csv',
          ],
          role: 'data',
        },
      ],
      regions: [{ name: 'hi', cuts: [{ expr: 'pt1 > 30' }, { expr: 'Q1 * Q2 < 0' }] }],
    },
    hist: { expr: 'pt2', bins: 20, lo: 0, hi: 100, region: 'hi' },
    pair: ['Q1', 'pt1'],
  },
  {
    name: 'CSV weighted, normalised by its own Σ weights, -999 missing',
    spec: {
      samples: [
        {
          name: 'htt',
          files: [DATA + 'ATLAS-UK-ML_kaggle-higgs/train_sml_sig.csv'],
          weight: 'Weight',
          xsec: 3,
          lumi: 20,
          missing: -999,
          role: 'signal',
        },
      ],
      regions: [{ name: 'mmc', cuts: [{ expr: 'DER_mass_MMC > 100' }] }],
    },
    hist: { expr: 'PRI_tau_pt', bins: 10, lo: 20, hi: 120, region: 'mmc' },
    pair: ['PRI_jet_num', 'DER_mass_vis'],
  },
]

function spec(json: unknown): AnalysisSpec {
  const r = parseSpec(json)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

async function answers(source: EventSource, c: (typeof CASES)[number]) {
  const { expr, bins, lo, hi, region } = c.hist
  const name = source.samples()[0].name
  const [x, y] = c.pair.map((e) => ({ expr: e }))
  return {
    cutflow: (await runCutflow(source)).result,
    hist: await runHistogram(source, { expr, binning: { bins, lo, hi }, region }),
    stats: await runStatistics(source, { expr, region }),
    hist2d: await runHist2D(source, {
      sample: name,
      x,
      y,
      xbins: { bins: 5, lo: 0, hi: 5 },
      ybins: { bins: 5, lo: 0, hi: 100 },
    }),
    corr: await runCorrelation(source, { sample: name, values: [x, y] }),
  }
}

const two = poolExecutor(2)
afterAll(() => two.close())

/** A budget that cuts partitions at the smallest size. */
const TINY = 8 * 1024

describe('a tiny memory budget gives the in-memory answer', () => {
  it('sizes partitions from the budget and the columns read', () => {
    expect(budgetEntries(TINY, 3)).toBe(MIN_PARTITION_ENTRIES)
    expect(budgetEntries(2 ** 40, 3)).toBe(PARTITION_ENTRIES)
    const mid = budgetEntries(2 ** 28, 2)
    expect(mid).toBeGreaterThan(budgetEntries(2 ** 28, 20))
  })

  for (const c of CASES) {
    it(
      c.name,
      async () => {
        const s = spec(c.spec)
        const whole = specSource(s, { maxEntries: Number.MAX_SAFE_INTEGER })
        const inMemory = await answers(whole, c)
        const tiny = withMemory(specSource(s), TINY)
        // Really many partitions (progress once per partition): the budget, not the file, decides.
        const seen: number[] = []
        const counting = { ...silentContext(), progress: (f: number) => void seen.push(f) }
        await runCutflow(tiny, {}, counting)
        expect(seen.length).toBeGreaterThan(3)
        expectSameUpToRounding(inMemory, await answers(tiny, c))
        expectSameUpToRounding(inMemory, await answers(runOn(tiny, two), c))
        expect(Object.values(inMemory.stats.samples)[0].count).toBeGreaterThan(0)
      },
      60_000,
    )
  }
})
