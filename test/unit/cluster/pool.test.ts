/**
 * The worker-thread pool (issue 13, item 2): a sample cut into many partitions and mapped on 1
 * and 2 worker threads gives exactly — to the last bit — the inline answer for the cut-flow,
 * histograms and statistics, on real files (ROOT jagged two-file chain, CSV with weights and a
 * missing-value marker, Parquet normalised by its own Σ weights). Also: progress comes from
 * finished partitions, a cancelled run stops, and a worker's error names the task.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { parseSpec, type AnalysisSpec } from '../../../src/shared/spec'
import type { EntryRange } from '../../../src/main/engine/io/schema'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { openedStatistics, runStatistics } from '../../../src/main/engine/app/statistics'
import { runHist2D } from '../../../src/main/engine/app/hist2d'
import { runCorrelation } from '../../../src/main/engine/app/correlation'
import { trainingEvents } from '../../../src/main/engine/app/training-set'
import { runOn, type EventSource } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { inlineExecutor, type TaskExecutor } from '../../../src/main/engine/app/task'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { CancelledError, silentContext } from '../../../src/main/engine/jobs/context'
import { PROBE_KIND, type ProbeResult } from '../../../src/main/engine/cluster/probe-task'
import { DATA, SKHEP, COFFEA } from '../io/shared-data'
import { KAGGLE_BACKGROUND_SPEC } from '../ml/kaggle-higgs'
import { threadId } from 'node:worker_threads'

/** Ranges of 97 entries with empty ones between: many partitions, none on a basket start. */
function small(entries: number): EntryRange[] {
  const out: EntryRange[] = [{ start: 0, stop: 0 }]
  for (let s = 0; s < entries; s += 97) out.push({ start: s, stop: Math.min(entries, s + 97) })
  out.push({ start: entries, stop: entries })
  return out
}

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
        { name: 'jet', parent: 'mu', cuts: [{ expr: 'Sum(Jet_pt[Jet_pt > 20]) > 30' }] },
      ],
    },
    hist: { expr: 'Muon_pt', bins: 20, lo: 0, hi: 60, region: 'mu' },
  },
  {
    name: 'CSV with weights and a missing-value marker',
    spec: KAGGLE_BACKGROUND_SPEC,
    hist: { expr: 'DER_mass_jet_jet', bins: 30, lo: 0, hi: 1500, region: 'SR' },
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
  },
]

function spec(json: unknown): AnalysisSpec {
  const r = parseSpec(json)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

async function answers(source: EventSource, hist: (typeof CASES)[number]['hist']) {
  const { expr, bins, lo, hi, region } = hist
  return {
    cutflow: (await runCutflow(source)).result,
    hist: await runHistogram(source, { expr, binning: { bins, lo, hi }, region }),
    stats: await runStatistics(source, { expr, region }),
  }
}

const pools: TaskExecutor[] = []
afterAll(async () => {
  for (const p of pools) await p.close()
})

describe('a pool of worker threads gives the inline answer to the last bit', () => {
  const one = poolExecutor(1)
  const two = poolExecutor(2)
  pools.push(one, two)
  for (const c of CASES) {
    it(
      c.name,
      async () => {
        const s = spec(c.spec)
        const source = specSource(s, { split: small })
        const inline = await answers(source, c.hist)
        // Something was counted: the comparison is not between two empty results.
        expect(Object.values(inline.stats.samples)[0].count).toBeGreaterThan(0)
        expect(Object.values(inline.hist.samples)[0].entries).toBeGreaterThan(0)
        expect(await answers(runOn(source, one), c.hist)).toStrictEqual(inline)
        expect(await answers(runOn(source, two), c.hist)).toStrictEqual(inline)
        // The inline executor through tasks (the path a cluster worker runs) too.
        expect(await answers(runOn(source, inlineExecutor), c.hist)).toStrictEqual(inline)
      },
      60_000,
    )
  }

  it('2-D histograms, correlations and per-column statistics too (CSV)', async () => {
    const source = specSource(spec(CASES[1].spec), { split: small })
    const x = { expr: 'DER_mass_MMC' }
    const y = { column: 'DER_mass_jet_jet' }
    const run = async (s: EventSource) => {
      const opened = await s.open(0, silentContext())
      return {
        hist2d: await runHist2D(s, {
          sample: 'bg',
          x,
          y,
          xbins: { bins: 8, lo: 0, hi: 400 },
          ybins: { bins: 6, lo: 0, hi: 1200 },
        }),
        corr: await runCorrelation(s, { sample: 'bg', values: [x, y, { expr: 'PRI_tau_pt' }] }),
        stats: await openedStatistics(opened, [x, y], silentContext(), s),
      }
    }
    const inline = await run(source)
    expect(inline.hist2d.inside).toBeGreaterThan(0)
    expect(await run(runOn(source, two))).toStrictEqual(inline)
  }, 60_000)

  it('training rows (region, inputs, weights) too', async () => {
    const file = DATA + 'ATLAS-UK-ML_kaggle-higgs/train_sml_bg.csv'
    const s = spec({
      samples: [
        { name: 'sig', files: [file], weight: 'Weight', missing: -999, role: 'signal' },
        { name: 'bg', files: [file], weight: '2 * Weight', missing: -999, role: 'background' },
      ],
      regions: [{ name: 'SR', cuts: [{ expr: 'DER_mass_MMC > 100' }] }],
    })
    const request = {
      signal: [],
      background: [],
      region: 'SR',
      inputs: ['DER_mass_MMC', 'PRI_tau_pt / 2'],
    }
    const source = specSource(s, { split: small })
    const inline = await trainingEvents(source, request, silentContext())
    expect(inline[0].weight.length).toBeGreaterThan(100)
    const pooled = await trainingEvents(runOn(source, two), request, silentContext())
    expect(pooled).toStrictEqual(inline)
  }, 60_000)

  it('reports progress by finished partitions and stops when cancelled', async () => {
    const source = runOn(specSource(spec(CASES[1].spec), { split: small }), two)
    const seen: number[] = []
    const ctx = { ...silentContext(), progress: (f: number) => void seen.push(f) }
    await runCutflow(source, {}, ctx)
    expect(seen.length).toBeGreaterThan(10)
    expect(seen.at(-1)).toBe(1)

    const abort = new AbortController()
    const cancelling = {
      ...silentContext(abort.signal),
      progress: (f: number) => {
        if (f > 0.2) abort.abort()
      },
    }
    await expect(runCutflow(source, {}, cancelling)).rejects.toBeInstanceOf(CancelledError)
    // The pool still works after a cancel (aborted threads are replaced).
    const again = await runCutflow(source)
    const inline = specSource(spec(CASES[1].spec), { split: small })
    expect(again.result).toStrictEqual((await runCutflow(inline)).result)
  }, 60_000)

  it("a worker's error names the task it ran", async () => {
    const source = runOn(specSource(spec(CASES[2].spec), { split: small }), two)
    const gone = {
      ...source.description!,
      data: { spec: { samples: [], variables: [], regions: [] } },
    }
    await expect(
      runCutflow({ ...source, description: { ...gone, stamp: 'broken' } }),
    ).rejects.toThrow(/task 'cutflow' \d+ of \d+, in a worker thread/)
  }, 60_000)
})

describe("a main lane: this thread is one of the pool's threads", () => {
  const lane = poolExecutor(2, { mainLane: true })
  pools.push(lane)
  const probes = (n: number, extra: (i: number) => object = () => ({})) =>
    Array.from({ length: n }, (_, i) => ({
      kind: PROBE_KIND,
      payload: { values: Float64Array.of(i, i + 0.5), delayMs: 15, thread: true, ...extra(i) },
    }))

  it('gives the inline answer to the last bit on real files (cut-flow, histogram)', async () => {
    for (const c of CASES) {
      const source = specSource(spec(c.spec), { split: small })
      const inline = await answers(source, c.hist)
      expect(Object.values(inline.hist.samples)[0].entries).toBeGreaterThan(0)
      expect(await answers(runOn(source, lane), c.hist)).toStrictEqual(inline)
    }
  }, 60_000)

  it('runs tasks on this thread and on a worker, in task order, with their messages', async () => {
    const got: ProbeResult[] = []
    const messages = new Map<number, string[]>()
    const seen: number[] = []
    const ctx = { ...silentContext(), progress: (f: number) => void seen.push(f) }
    await lane.run(
      probes(12, () => ({ report: true })),
      ctx,
      (i, r) => {
        expect(i).toBe(got.length)
        got.push(r as ProbeResult)
      },
      undefined,
      (i, m) => messages.set(i, [...(messages.get(i) ?? []), m.type]),
    )
    expect(got.map((r) => r.sum)).toStrictEqual(got.map((_, i) => 2 * i + 0.5))
    const threads = new Set(got.map((r) => r.threadId))
    expect(threads.has(threadId)).toBe(true)
    expect(threads.size).toBe(2)
    // Every task's metrics and log line came back, the main lane's too.
    for (let i = 0; i < 12; i++) expect(messages.get(i)).toStrictEqual(['metric', 'metric', 'log'])
    expect(seen.at(-1)).toBe(1)
  }, 60_000)

  it('stops when cancelled, then runs again', async () => {
    const abort = new AbortController()
    let handed = 0
    const ctx = {
      ...silentContext(abort.signal),
      progress: (f: number) => {
        if (f > 0.2) abort.abort()
      },
    }
    await expect(
      lane.run(
        probes(40, () => ({ delayMs: 30 })),
        ctx,
        () => void handed++,
      ),
    ).rejects.toBeInstanceOf(CancelledError)
    expect(handed).toBeLessThan(20)
    const again = await runCutflow(runOn(specSource(spec(CASES[1].spec), { split: small }), lane))
    const inline = await runCutflow(specSource(spec(CASES[1].spec), { split: small }))
    expect(again.result).toStrictEqual(inline.result)
  }, 60_000)

  it("a failing main-lane task names itself and the command's thread", async () => {
    // The worker takes the first task, this thread the second (which fails at once).
    const tasks = probes(4, (i) =>
      i === 1 ? { fail: 'no such column', delayMs: 0 } : { delayMs: 300 },
    )
    await expect(lane.run(tasks, silentContext(), () => {})).rejects.toThrow(
      /no such column \(task 'cluster.probe' 2 of 4, in the command's thread\)/,
    )
  }, 60_000)
})
