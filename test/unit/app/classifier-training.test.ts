/**
 * Fisher and rectangular cuts trained out of core (app/classifier-training.ts, issue 13 item 1):
 * with a memory budget small enough to cut the Kaggle H→ττ CSVs into hundreds of partitions,
 * the passes over the partitions give the in-memory training's model and evaluation — Fisher's
 * coefficients, the ROC, output histograms, KS p-values, efficiencies, input histograms and
 * correlations to 1e-10 relative (the same numbers added in another grouping; Chan's merge for
 * the moments), the same cut sets for rectangular cuts (their sums are pair sums, equal to the
 * last bit) — inline and on two worker threads, and without the training-rows task that holds
 * every row.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../src/shared/contract/train'
import { parseSpec } from '../../../src/shared/spec'
import {
  classifierSet,
  runClassifierTraining,
  type ClassifierRun,
} from '../../../src/main/engine/app/classifier-training'
import { entriesOf, openTrainingSamples } from '../../../src/main/engine/app/training-set'
import { bytesPerEvent, rowBytesPerEvent } from '../../../src/main/engine/ml/streaming'
import { runOn, withMemory, type EventSource } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import type { Task, TaskExecutor } from '../../../src/main/engine/app/task'
import { inlineExecutor } from '../../../src/main/engine/app/task'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { KAGGLE, kaggleAvailable } from '../ml/kaggle-higgs'

const SPEC = (() => {
  const r = parseSpec({
    samples: [
      {
        name: 'htt',
        files: [KAGGLE + 'train_sml_sig.csv'],
        weight: 'Weight',
        missing: -999,
        role: 'signal',
      },
      {
        name: 'bkg',
        files: [KAGGLE + 'train_sml_bg.csv'],
        weight: 'Weight',
        missing: -999,
        role: 'background',
      },
    ],
    regions: [{ name: 'vis', cuts: [{ expr: 'DER_mass_vis > 40' }] }],
  })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
})()

const INPUTS = [
  'DER_mass_MMC',
  'DER_mass_transverse_met_lep',
  'DER_mass_vis',
  'DER_pt_h',
  'DER_deltar_tau_lep',
  'DER_pt_ratio_lep_tau',
  'PRI_tau_pt',
  'PRI_jet_num',
  'DER_mass_jet_jet',
]

/** A budget that cuts each CSV into hundreds of partitions. */
const TINY = 32 * 1024

const config = (json: object): TrainConfig =>
  TrainConfig.parse({ region: 'vis', inputs: INPUTS, ...json })

/** The whole files in one partition each: the in-memory training. */
const whole = (): EventSource => specSource(SPEC, { maxEntries: Number.MAX_SAFE_INTEGER })

/** An executor that runs tasks inline and records their kinds. */
function recording(): TaskExecutor & { kinds: Set<string> } {
  const kinds = new Set<string>()
  return {
    kinds,
    describe: () => 'recording',
    run(tasks: readonly Task[], ctx, onResult, weights) {
      for (const t of tasks) kinds.add(t.kind)
      return inlineExecutor.run(tasks, ctx, onResult, weights)
    },
    close: async () => {},
  }
}

/** |a − b| ≤ tol·max(|a|, |b|, floor) over every number of two results of the same shape. */
function expectClose(a: unknown, b: unknown, tol: number, path = '', floor = 0): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return void expect(b, path).toBe(a)
    const scale = Math.max(Math.abs(a), Math.abs(b), floor)
    if (Math.abs(a - b) > tol * scale) expect(b, path).toBe(a)
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, path).toBe(a.length)
    const top = a.reduce(
      (m: number, v) => (typeof v === 'number' ? Math.max(m, Math.abs(v)) : m),
      0,
    )
    a.forEach((v, i) => expectClose(v, b[i], tol, `${path}[${i}]`, Math.max(floor, top)))
    return
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), path).toEqual(Object.keys(a).sort())
    for (const k of Object.keys(a))
      expectClose(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        tol,
        `${path}.${k}`,
      )
    return
  }
  expect(b, path).toEqual(a)
}

/** What must agree: the model, its evaluation (the importance apart), counts and warnings. */
function comparable(r: ClassifierRun, withImportance: boolean) {
  const { evaluation } = r.trained
  return {
    summary: r.trained.summary,
    stored: r.trained.stored,
    events: r.events,
    warnings: r.trained.warnings.filter((w) => !w.startsWith('permutation importance')),
    evaluation: {
      ...evaluation,
      ranking: evaluation.ranking.map((x) => ({
        ...x,
        importance: withImportance ? x.importance : null,
      })),
    },
  }
}

/**
 * comparable() of a Fisher whose evaluation beyond the budget is binned, without what the bins
 * change (the ROCs and KS p-values; binnedAgrees checks them) and the warning that says so.
 */
function binnedComparable(r: ClassifierRun) {
  const c = comparable(r, false)
  const { auc_train: _a, auc_test: _b, roc: _r, output, ...evaluation } = c.evaluation
  return {
    ...c,
    warnings: c.warnings.filter((w) => !w.startsWith('ROC, AUC and KS tests from')),
    evaluation: {
      ...evaluation,
      output: output && { ...output, ks_p_signal: null, ks_p_background: null },
    },
  }
}

/** A binned evaluation's ROC against the exact one: the AUCs within the bins' resolution. */
function binnedAgrees(exact: ClassifierRun, binned: ClassifierRun): void {
  const [a, b] = [exact.trained.evaluation, binned.trained.evaluation]
  expect(binned.trained.warnings.join(' ')).toMatch(/ROC, AUC and KS tests from 4096 bins/)
  expect(Math.abs((b.auc_test ?? NaN) - (a.auc_test ?? NaN))).toBeLessThan(1e-3)
  expect(Math.abs((b.auc_train ?? NaN) - (a.auc_train ?? NaN))).toBeLessThan(1e-3)
  expect(b.output?.ks_p_signal).toBeGreaterThanOrEqual(0)
}

const two = poolExecutor(2)
afterAll(() => two.close())

describe.skipIf(!kaggleAvailable)('classifiers trained out of core', () => {
  it('Fisher: coefficients, ROC and the whole evaluation equal the in-memory ones, inline and on 2 threads', async () => {
    const c = config({ kind: 'lda', split: { test: 0.4, validation: 0.2, seed: 3 } })
    const ctx = silentContext()
    const inMemory = await runClassifierTraining(whole(), c, ctx)
    expect(inMemory.streamed).toBeNull()
    const rec = recording()
    const tiny = runOn(withMemory(specSource(SPEC), TINY), rec)
    const streamed = await runClassifierTraining(tiny, c, ctx)
    expect(streamed.streamed?.partitions).toBeGreaterThan(100)
    expect([...rec.kinds]).toEqual(['classifier.pass'])
    // 10⁴ events' outputs exceed a quarter of 32 KiB: the ROC and KS tests come from bins.
    expectClose(binnedComparable(inMemory), binnedComparable(streamed), 1e-10)
    binnedAgrees(inMemory, streamed)
    const threads = await runClassifierTraining(
      runOn(withMemory(specSource(SPEC), TINY), two),
      c,
      ctx,
    )
    expectClose(binnedComparable(streamed), binnedComparable(threads), 1e-10)
    binnedAgrees(inMemory, threads)
    // The importance needs the test rows: within a quarter of a larger budget all are kept.
    const roomy = await runClassifierTraining(withMemory(specSource(SPEC), 2 ** 23), c, ctx, {
      stream: true,
    })
    expect(roomy.streamed).not.toBeNull()
    expectClose(comparable(inMemory, true), comparable(roomy, true), 1e-10)
  }, 120_000)

  it('Fisher: rows with a missing input dropped, classes weighted to equal sums — as in memory', async () => {
    const c = config({
      kind: 'lda',
      missing: { values: [], policy: 'drop' },
      weights: { norm: 'equalsum', negative: 'ignore' },
      split: { test: 0.5, validation: 0.1, seed: 11 },
    })
    const ctx = silentContext()
    const inMemory = await runClassifierTraining(whole(), c, ctx)
    const streamed = await runClassifierTraining(withMemory(specSource(SPEC), TINY), c, ctx)
    expect(streamed.streamed?.partitions).toBeGreaterThan(100)
    expect(inMemory.trained.warnings.join(' ')).toMatch(
      /events with a missing input value were left out/,
    )
    expectClose(binnedComparable(inMemory), binnedComparable(streamed), 1e-10)
    binnedAgrees(inMemory, streamed)
  }, 60_000)

  for (const options of [
    { search: 'grid', gridSteps: 4, fom: 's_sqrt_b' },
    { search: 'random', samples: 600, fom: 'z_asimov', sigmaB: 0.1 },
    // 340 random sets, then 2 generations for each of 4 target efficiencies: 9 sum passes.
    { search: 'genetic', samples: 680, effSteps: 5, fom: 's_sqrt_sb' },
  ] as const)
    it(`rectangular cuts (${options.search}): the same cut sets as in memory, inline and on 2 threads`, async () => {
      // Few inputs: a grid of (6·5/2)³ = 3375 sets evaluated in each of hundreds of partitions.
      const c = config({
        kind: 'cuts',
        inputs: ['DER_mass_MMC', 'DER_mass_transverse_met_lep', 'PRI_jet_num'],
        options,
        split: { test: 0.3, validation: 0.2, seed: 5 },
      })
      const ctx = silentContext()
      const inMemory = await runClassifierTraining(whole(), c, ctx)
      expect(inMemory.streamed).toBeNull()
      const rec = recording()
      const streamed = await runClassifierTraining(
        runOn(withMemory(specSource(SPEC), TINY), rec),
        c,
        ctx,
      )
      expect(streamed.streamed?.partitions).toBeGreaterThan(100)
      // count, stats, moments, evaluate, and the sums: one pass, or one per genetic batch.
      expect(streamed.streamed?.passes).toBe(options.search === 'genetic' ? 13 : 5)
      expect([...rec.kinds]).toEqual(['classifier.pass'])
      const sets = (r: ClassifierRun) =>
        r.trained.summary.kind === 'cuts' ? r.trained.summary.sets : []
      expect(sets(inMemory).length).toBeGreaterThan(3)
      // The same sets to the last bit: bounds, efficiencies and figures of merit.
      expect(sets(streamed)).toEqual(sets(inMemory))
      expect(streamed.trained.stored).toEqual(inMemory.trained.stored)
      expectClose(comparable(inMemory, false), comparable(streamed, false), 1e-10)
      const threads = await runClassifierTraining(
        runOn(withMemory(specSource(SPEC), TINY), two),
        c,
        ctx,
      )
      expect(sets(threads)).toEqual(sets(inMemory))
      expectClose(comparable(inMemory, false), comparable(threads, false), 1e-10)
    }, 120_000)
})

describe.skipIf(!kaggleAvailable)('when a classifier trains out of core', () => {
  it('one rule, by the bytes per event the method holds: network streamed, Fisher and cuts by passes', async () => {
    const ctx = silentContext()
    const opened = await openTrainingSamples(whole(), config({ kind: 'lda' }), ctx)
    const entries = await entriesOf(opened.samples)
    opened.samples.forEach((s) => s.opened.release())
    const d = INPUTS.length
    // Between what an assembled row holds and what a network's window holds per event.
    expect(rowBytesPerEvent(d)).toBeLessThan(bytesPerEvent(d))
    const between = entries * rowBytesPerEvent(d) + 1
    const kindOf = async (json: object, budget: number) => {
      const set = await classifierSet(withMemory(specSource(SPEC), budget), config(json), ctx)
      if (set.kind !== 'memory') set.release()
      return set.kind
    }
    const mlp = { kind: 'mlp', options: { layers: [4], epochs: 1 } }
    expect(await kindOf(mlp, between)).toBe('streamed')
    expect(await kindOf({ kind: 'lda' }, between)).toBe('memory')
    expect(await kindOf({ kind: 'lda' }, between - 2)).toBe('passes')
    expect(await kindOf({ kind: 'cuts', options: { search: 'grid' } }, TINY)).toBe('passes')
    expect(await kindOf({ kind: 'cuts', options: { search: 'genetic' } }, TINY)).toBe('passes')
    expect(await kindOf(mlp, entries * bytesPerEvent(d))).toBe('memory')
  }, 60_000)
})
