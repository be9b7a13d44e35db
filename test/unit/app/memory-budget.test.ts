/**
 * Out-of-core under a memory budget (issue 13, item 1): a budget small enough to cut each real
 * file into many partitions gives the in-memory answer (one partition per file) — counts
 * exactly, sums within 1e-12 relative — for the cut-flow, histograms, statistics, 2-D
 * histograms and correlations, inline and on two worker threads. Real files: ROOT jagged
 * two-file chain, Parquet normalised by its own Σ weights, HDF5 hyperslabs, CSV byte ranges
 * (each partition reads only its own bytes of the file).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseSpec, type AnalysisSpec } from '../../../src/shared/spec'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runStatistics } from '../../../src/main/engine/app/statistics'
import { runHist2D } from '../../../src/main/engine/app/hist2d'
import { runCorrelation } from '../../../src/main/engine/app/correlation'
import {
  budgetEntries,
  budgetPlan,
  columnShapes,
  MIN_PARTITION_ENTRIES,
  partitionsInFlight,
} from '../../../src/main/engine/app/memory-budget'
import { runPass } from '../../../src/main/engine/app/pass'
import { entryBounds } from '../../../src/main/engine/io/source'
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
const TINY = 2 * 1024

describe('a tiny memory budget gives the in-memory answer', () => {
  it('sizes partitions from the budget and the columns read', () => {
    expect(budgetEntries(TINY, 3)).toBe(MIN_PARTITION_ENTRIES)
    expect(budgetEntries(2 ** 40, 3)).toBe(PARTITION_ENTRIES)
    const mid = budgetEntries(2 ** 28, 2)
    expect(mid).toBeGreaterThan(budgetEntries(2 ** 28, 20))
    // Columns known to be flat cost their 8 bytes (and the file's 8), not a list's 32.
    const flat = budgetEntries(2 ** 24, ['flat', 'flat'])
    expect(flat).toBe(Math.floor(2 ** 24 / partitionsInFlight() / (32 + 2 * 16)))
    expect(flat).toBeGreaterThan(budgetEntries(2 ** 24, 2))
    expect(budgetEntries(2 ** 24, ['flat', 'lists'])).toBeLessThan(flat)
    // The bench's pass (six float64 columns, 2^20-row row groups, 512 MiB) on two threads:
    // 2^29 / (2 + 1) / (32 + 6 × 16) ≥ 2^20, so a whole row group is one partition.
    expect(partitionsInFlight(2)).toBe(3)
    expect(Math.floor(2 ** 29 / partitionsInFlight(2) / 128)).toBeGreaterThanOrEqual(
      PARTITION_ENTRIES,
    )
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

describe('partitions at row-group boundaries when a row group fits the budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hepwb-budget-rowgroups-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const GROUP = 4096
  const N = 5 * GROUP

  async function writeFile(): Promise<string> {
    const { DuckDBInstance } = await import('@duckdb/node-api')
    const db = await DuckDBInstance.create(':memory:', { threads: '1' })
    const con = await db.connect()
    const path = join(dir, 'three.parquet')
    await con.run(
      `COPY (SELECT sin(i * 0.1) * 50 + 60 AS x, cos(i * 0.7) * 3 AS y, (1 + (i % 7) * 0.25)::DOUBLE AS w ` +
        `FROM range(${N}) t(i)) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE ${GROUP})`,
    )
    con.closeSync()
    return path
  }

  it('cuts only at row-group starts; the pass gives the one-partition answer', async () => {
    const path = await writeFile()
    const groups = await entryBounds(path, '')
    expect(groups).toEqual([0, 1, 2, 3, 4].map((g) => g * GROUP))
    const s = spec({
      samples: [{ name: 'mc', files: [path], weight: 'w', role: 'background' }],
      regions: [{ name: 'SR', cuts: [{ expr: 'x > 40' }, { expr: 'y < 2' }] }],
    })
    // Room for 1.25 row groups of the pass's three flat columns (x, y, w), not for 1.25 of
    // three columns of unknown shape (the old rule cut each row group in two pieces).
    const budget = partitionsInFlight() * (32 + 3 * 16) * (GROUP + GROUP / 4)
    const opened = await specSource(s).open(0, silentContext())
    try {
      const shapes = columnShapes(opened.variables.symbols, ['x', 'y', 'w'])
      expect(shapes).toEqual(['flat', 'flat', 'flat'])
      const starts = async (plan: Parameters<typeof opened.partitions>[0]) =>
        (await opened.partitions(plan)).map((p) => p.range.start)
      expect(await starts(budgetPlan(budget, shapes))).toEqual(groups)
      // What the count-only rule planned: pieces inside row groups.
      expect((await starts(budgetPlan(budget, 3))).some((x) => x % GROUP !== 0)).toBe(true)
      // A budget too small for a row group still cuts inside them, every group start kept.
      const small = await starts(budgetPlan(budget / 3, shapes))
      expect(small.length).toBeGreaterThan(groups.length)
      for (const g of groups) expect(small).toContain(g)
    } finally {
      opened.release()
    }
    const request = {
      cutflow: {},
      histograms: [{ expr: 'x', binning: { bins: 12, lo: 0, hi: 120 }, region: 'SR' }],
    }
    const whole = await runPass(specSource(s, { maxEntries: N }), request)
    const budgeted = withMemory(specSource(s), budget)
    const inline = await runPass(budgeted, request)
    const threads = await runPass(runOn(budgeted, two), request)
    expect(inline.cutflow?.result.totals.mc.raw).toBe(N)
    expectSameUpToRounding(whole.cutflow?.result, inline.cutflow?.result)
    expectSameUpToRounding(whole.histograms, inline.histograms)
    expect(JSON.stringify(threads)).toBe(JSON.stringify(inline))
  }, 60_000)
})
