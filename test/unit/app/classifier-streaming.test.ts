/**
 * The network classifier trained on more events than fit (issue 13, item 1): with a memory
 * budget smaller than the selected rows (64 KiB for the Kaggle H→ττ CSVs, 10⁴ events × 5
 * inputs), app/classifier-training.ts streams the training set from the files partition by
 * partition. The split selects the very events of the in-memory path (test events compared
 * exactly), the preprocessing is memory's to the bit, the streamed evaluation of one network
 * equals memory's evaluation of it (binned ROC within its bin width), the streamed network's
 * test AUC is close to the in-memory one's, a seed reproduces it to the bit, inline and on two
 * worker threads alike, and the job gate pauses and steps it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TrainOutput } from '../../../src/main/cli/commands/train'
import {
  classifierSet,
  runClassifierTraining,
  type ClassifierSet,
} from '../../../src/main/engine/app/classifier-training'
import { runOn, withMemory, type EventSource } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import type { TaskExecutor } from '../../../src/main/engine/app/task'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { silentContext, type JobContext } from '../../../src/main/engine/jobs/context'
import { JobGate } from '../../../src/main/engine/jobs/gate'
import { PART, indicesOf } from '../../../src/main/engine/ml/dataset'
import { evaluateClassifier } from '../../../src/main/engine/ml/evaluate/evaluate'
import { evaluateStreamed } from '../../../src/main/engine/ml/evaluate/streamed'
import { fitPreprocessing } from '../../../src/main/engine/ml/preprocess'
import {
  allChunks,
  streamedPreprocessing,
  type StreamedSet,
} from '../../../src/main/engine/ml/streamed-set'
import { trainClassifier } from '../../../src/main/engine/ml/train-classifier'
import { TrainConfig } from '../../../src/shared/contract/train'
import { AnalysisSpec } from '../../../src/shared/spec'
import { hepwb } from '../helpers/cli'
import { KAGGLE_SPEC_SAMPLES, kaggleAvailable } from '../ml/kaggle-higgs'

const BUDGET = 64 * 1024

const spec = AnalysisSpec.parse({
  samples: [...KAGGLE_SPEC_SAMPLES],
  variables: [{ name: 'ratio', expr: 'PRI_tau_pt / PRI_lep_pt' }],
  regions: [],
})

const config = TrainConfig.parse({
  kind: 'mlp',
  inputs: ['DER_mass_MMC', 'DER_mass_vis', 'ratio', 'PRI_met', 'DER_mass_transverse_met_lep'],
  region: null,
  missing: { policy: 'mean', values: [] },
  split: { test: 0.3, validation: 0.2, seed: 5 },
  options: { layers: [16, 16], epochs: 4, batchSize: 64, patience: 0, learningRate: 3e-3 },
})

const memory = (): EventSource => specSource(spec)
const streamed = (): EventSource => withMemory(specSource(spec), BUDGET)

const pools: TaskExecutor[] = []
const sets: ClassifierSet[] = []
afterAll(async () => {
  for (const s of sets) if (s.kind === 'streamed') s.release()
  for (const p of pools) await p.close()
})

async function setOf(source: EventSource): Promise<ClassifierSet> {
  const s = await classifierSet(source, config, silentContext())
  sets.push(s)
  return s
}

/** The rows of `part` of a streamed set, read chunk by chunk, in event order. */
async function partRows(set: StreamedSet, part: number) {
  const x: number[] = []
  const weight: number[] = []
  const y: number[] = []
  await set.each(
    allChunks(set),
    (_, rows) => {
      for (let i = 0; i < rows.n; i++)
        if (rows.part[i] === part) {
          for (let j = 0; j < set.d; j++) x.push(rows.x[i * set.d + j])
          weight.push(rows.weight[i])
          y.push(rows.y[i])
        }
    },
    silentContext(),
  )
  return { x: Float64Array.from(x), weight: Float64Array.from(weight), y: Uint8Array.from(y) }
}

describe.runIf(kaggleAvailable)('a network trained on a streamed training set', () => {
  it('streams in hepwb train beyond --memory, on the same events', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hepwb-stream-'))
    try {
      writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec))
      const file = join(dir, 'train.json')
      writeFileSync(file, JSON.stringify({ ...config, spec: 'spec.json' }))
      const run = (memory: string) => {
        const r = hepwb('train', file, '--memory', memory, '--threads', '1', '--json')
        expect(r.code, r.stderr).toBe(0)
        return JSON.parse(r.stdout) as TrainOutput
      }
      // 10⁴ events × (32 × 5 + 16) bytes = 1.76 MB: over 1M, under 1G.
      const small = run('1M')
      const large = run('1G')
      expect(large.streamed).toBeUndefined()
      expect(small.streamed).toEqual({ partitions: 4, budget_bytes: 2 ** 20 })
      expect(small.events).toEqual(large.events)
      expect(Math.abs(small.metrics.auc_test! - large.metrics.auc_test!)).toBeLessThan(0.02)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('selects the same events in the same split, with the same preprocessing, as in memory', async () => {
    const mem = await setOf(memory())
    const str = await setOf(streamed())
    if (mem.kind !== 'memory' || str.kind !== 'streamed') throw new Error('wrong kinds')
    // Streaming is taken: many partitions under the budget.
    expect(str.streamed.budget).toBe(BUDGET)
    expect(str.streamed.partitions).toBeGreaterThan(20)
    const { data } = mem.assembled
    for (const part of [PART.train, PART.validation, PART.test]) {
      const rows = indicesOf(data, part)
      const got = await partRows(str.set, part)
      expect(got.y).toEqual(Uint8Array.from(rows, (i) => data.y[i]))
      expect(got.weight).toEqual(Float64Array.from(rows, (i) => data.weight[i]))
      expect(got.x).toEqual(
        Float64Array.from({ length: rows.length * data.d }, (_, k) => {
          const i = rows[Math.floor(k / data.d)]
          return data.x[i * data.d + (k % data.d)]
        }),
      )
    }
    expect(str.set.means).toEqual(mem.assembled.means)
    expect(str.set.warnings).toEqual(mem.assembled.warnings)
    expect(str.set.expected).toEqual(mem.assembled.expected)
    const train = indicesOf(data, PART.train)
    expect(await streamedPreprocessing(str.set, config.preprocess, silentContext())).toEqual(
      fitPreprocessing(data.x, data.d, train, data.w, config.preprocess),
    )
  }, 120_000)

  it('evaluates one network chunk by chunk as memory evaluates it', async () => {
    const mem = await setOf(memory())
    const str = await setOf(streamed())
    if (mem.kind !== 'memory' || str.kind !== 'streamed') throw new Error('wrong kinds')
    const trained = await trainClassifier(
      TrainConfig.parse({ ...config, options: { ...config.options, epochs: 2 } }),
      mem.assembled,
      silentContext(),
    )
    const options = {
      bins: 40,
      expectedS: mem.assembled.expected.s,
      expectedB: mem.assembled.expected.b,
      seed: config.split.seed,
    }
    const a = evaluateClassifier(mem.assembled.data, trained.classifier, options)
    // Every train and test output held (within `scored` rows): the ROC and KS are memory's.
    const all = { importance: 1e9, scored: 1e9 }
    const e = await evaluateStreamed(str.set, trained.classifier, options, all, silentContext())
    expect(Math.abs(e.auc_test! - a.auc_test!)).toBeLessThan(1e-12)
    expect(Math.abs(e.auc_train! - a.auc_train!)).toBeLessThan(1e-12)
    expect(e.roc.eff_s.length).toBe(a.roc.eff_s.length)
    expect(e.output!.ks_p_signal!).toBeCloseTo(a.output!.ks_p_signal!, 9)
    expect(e.output!.ks_p_background!).toBeCloseTo(a.output!.ks_p_background!, 9)
    expect(e.ranking).toEqual(a.ranking.map((r) => ({ ...r, separation: expect.any(Number) })))
    // Beyond it (no outputs held) the ROC and KS come from 4096 bins of the output.
    const binned = { importance: 1e9, scored: 0 }
    const b = await evaluateStreamed(str.set, trained.classifier, options, binned, silentContext())
    expect(Math.abs(b.auc_test! - a.auc_test!)).toBeGreaterThan(0)
    // The ROC of 4096 bins of the output: ties within a bin cost at most its width's share.
    expect(Math.abs(b.auc_test! - a.auc_test!)).toBeLessThan(1e-3)
    expect(Math.abs(b.auc_train! - a.auc_train!)).toBeLessThan(1e-3)
    // Histograms and efficiencies: the same events in the same bins (sums in another order).
    const close = (u: number[], v: number[]) => u.forEach((x, i) => expect(x).toBeCloseTo(v[i], 9))
    for (const p of ['train', 'test'] as const)
      for (const c of ['signal', 'background'] as const) {
        expect(b.output!.test.lo).toBe(a.output!.test.lo)
        close(b.output![p][c].sumw, a.output![p][c].sumw)
      }
    close(b.efficiency!.cut, a.efficiency!.cut)
    close(b.efficiency!.eff_s, a.efficiency!.eff_s)
    close(b.efficiency!.eff_b, a.efficiency!.eff_b)
    b.inputs.forEach((h, j) => {
      expect(h.lo).toBe(a.inputs[j].lo)
      expect(h.hi).toBe(a.inputs[j].hi)
      close(h.signal.sumw, a.inputs[j].signal.sumw)
    })
    b.correlation.signal.forEach((row, j) =>
      row.forEach((v, k) => expect(v).toBeCloseTo(a.correlation.signal[j][k]!, 9)),
    )
    // All test events held (maxRows above them): the same permutation importance.
    expect(b.ranking.map((r) => r.input)).toEqual(a.ranking.map((r) => r.input))
  }, 120_000)

  it('trains with a test AUC close to memory, reproducibly to the bit, inline and on 2 threads', async () => {
    const ctx = silentContext()
    const inMemory = await runClassifierTraining(memory(), config, ctx)
    expect(inMemory.streamed).toBeNull()
    const first = await runClassifierTraining(streamed(), config, ctx)
    expect(first.streamed?.partitions).toBeGreaterThan(20)
    // The same events in every part (exact), the same number of epochs.
    expect(first.events).toEqual(inMemory.events)
    expect(first.trained.summary.kind === 'mlp' && first.trained.summary.epochs).toBe(4)
    // Batches are drawn window by window, not from all events, so the networks differ; after
    // 4 epochs both rank the test events alike: AUC 0.873 and 0.871 here (split seeds 5, 6, 7
    // gave differences of 0.0017, 0.0044, 0.0016), so 0.02 leaves room for the backend.
    const aucMem = inMemory.trained.evaluation.auc_test!
    const aucStr = first.trained.evaluation.auc_test!
    expect(aucMem).toBeGreaterThan(0.75)
    expect(Math.abs(aucStr - aucMem)).toBeLessThan(0.02)
    // A fixed seed gives the same network and evaluation, to the bit.
    const again = await runClassifierTraining(streamed(), config, ctx)
    expect(again.trained.weights).toEqual(first.trained.weights)
    expect(again.trained.evaluation).toEqual(first.trained.evaluation)
    // Two worker threads read the partitions: the same bits.
    const two = poolExecutor(2)
    pools.push(two)
    const pooled = await runClassifierTraining(runOn(streamed(), two), config, ctx)
    expect(pooled.streamed).toEqual(first.streamed)
    expect(pooled.trained.weights).toEqual(first.trained.weights)
    expect(pooled.trained.evaluation).toEqual(first.trained.evaluation)
  }, 300_000)

  it('pauses, steps one batch and one epoch, and cancels with what it learned', async () => {
    const abort = new AbortController()
    const gate = new JobGate(abort.signal)
    const losses: number[] = []
    const messages: string[] = []
    const ctx: JobContext = {
      ...silentContext(abort.signal),
      progress: (_, m) => m && messages.push(m),
      metric: (name, _, v) => name === 'loss' && losses.push(v),
      gate,
    }
    gate.pause()
    const run = runClassifierTraining(streamed(), config, ctx)
    // Held at the first epoch (the trainer offers its settings): nothing trained.
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
    for (let t = 0; !gate.state.settings.length; t++) {
      if (t > 2000) throw new Error('the trainer never started')
      await sleep(50)
    }
    await sleep(300)
    expect(gate.state.batches).toBe(0)
    expect(losses).toEqual([])
    gate.step('batch')
    await gate.settled()
    expect(gate.state.batches).toBe(1)
    expect(Number.isFinite(gate.state.batchLoss)).toBe(true)
    gate.step('epoch')
    await gate.settled()
    expect(losses).toHaveLength(1)
    const perEpoch = gate.state.batches
    expect(perEpoch).toBeGreaterThan(10)
    await sleep(200)
    expect(gate.state.batches).toBe(perEpoch)
    abort.abort()
    const done = await run
    expect(done.trained.cancelled).toBe(true)
    expect(done.trained.summary.kind === 'mlp' && done.trained.summary.bestEpoch).toBe(0)
    expect(done.trained.evaluation.auc_test).toBeGreaterThan(0.6)
    // The job's progress says it streams.
    expect(messages).toContainEqual(
      expect.stringMatching(/^epoch 1\/4 — streamed from \d+ partitions under 0\.06\d MB$/),
    )
  }, 120_000)
})
