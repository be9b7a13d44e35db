/**
 * Classifier training, written once for the window and the command line: the training set of
 * app/training-set.ts assembled in memory and trained there (ml/train-classifier.ts), or — for
 * Fisher and rectangular cuts (grid or random search) whose rows would exceed the source's
 * memory budget — trained out of core: passes over the partitions (ml/classifier-passes.ts) on
 * the source's executor (inline, worker threads, cluster), each merging in partition order,
 * with the same rows, split, missing-value replacement and weights as in memory:
 *   count → where each partition's share of the split stream starts; stats → the training
 *   means and weight factors; moments (Fisher's class moments, the evaluation's correlations;
 *   cuts: the training signal values that place the candidates) → cut-sums (cuts) → evaluate.
 * Held in memory meanwhile: per train and test row its output, weight, class and part (18
 * bytes; the ROC and KS test need every output), the test rows kept for the permutation
 * importance within a quarter of the budget, and for cuts the training signal values (8 bytes
 * per input and training signal row: their exact quantiles place the candidates).
 * The genetic cut search chooses each generation from the last and the network trains on
 * batches: both train in memory.
 */
import type { ClassifierEvaluation, TrainConfig } from '../../../shared/contract/train'
import type { CorrelationPart } from '../data/correlation'
import type { JobContext } from '../jobs/context'
import { assembleTrainingData, sentinelText, TrainingDataError } from '../ml/build-dataset'
import type { Classifier } from '../ml/classifier'
import {
  mergePass,
  type CountPart,
  type EvaluatePart,
  type MomentsPart,
  type PassPart,
  type PassSpec,
  type PassState,
  type RowStart,
  type StatsPart,
} from '../ml/classifier-passes'
import { PART } from '../ml/dataset'
import { evaluationOfParts } from '../ml/evaluate/streamed'
import { valueRange } from '../ml/evaluate/histograms'
import {
  ldaFromJSON,
  ldaFromMoments,
  ldaResult,
  ldaToJSON,
  momentsOfPart,
  outputMoments,
} from '../ml/lda'
import type { RowRules } from '../ml/partition-rows'
import { trainingWeight } from '../ml/partition-rows'
import {
  candidateCount,
  checkTotals,
  chooseCuts,
  cutCandidates,
  cutsToJSON,
  sortedSignalValues,
} from '../ml/rect-cuts'
import { splitStates } from '../ml/split-stream'
import { trainClassifier, type TrainedClassifier } from '../ml/train-classifier'
import type { ResolvedCut } from '../select/regions'
import { scaledContext } from './executor'
import { budgetPlan } from './memory-budget'
import type { Partition } from './partition'
import { classifierPassTask, type PassRequest } from './classifier-pass'
import { mapSample } from './partition-task'
import type { EventSource } from './source'
import {
  entriesOf,
  openTrainingSamples,
  selectedEventsOf,
  type TrainingSample,
} from './training-set'

/** Rows per part and class: what a training reports. */
export interface PartEvents {
  readonly train: { signal: number; background: number }
  readonly validation: { signal: number; background: number }
  readonly test: { signal: number; background: number }
}

/** How an out-of-core training went (null: in memory). */
export interface StreamedTraining {
  /** Partitions of every sample, passes over them, the budget (bytes). */
  readonly partitions: number
  readonly passes: number
  readonly budget: number
}

export interface ClassifierRun {
  readonly trained: TrainedClassifier
  readonly events: PartEvents
  /** The input names (the training set's columns). */
  readonly inputs: readonly string[]
  readonly streamed: StreamedTraining | null
}

/**
 * Bytes one selected event costs a training in memory: its selected values (8 per input and
 * the weight), the assembled row (8 per input, missing marks, weights, class, part, sample) and
 * the evaluation's copies (scores, an input column).
 */
export function inMemoryBytesPerEvent(d: number): number {
  return 17 * d + 48
}

/** Whether `config` trains out of core: a method that can, rows beyond the budget. */
export function streamsClassifier(config: TrainConfig, entries: number, budget?: number): boolean {
  if (budget === undefined) return false
  if (config.kind === 'mlp') return false
  if (config.kind === 'cuts' && config.options.search === 'genetic') return false
  return entries * inMemoryBytesPerEvent(config.inputs.length) > budget
}

/**
 * Trains `config` on `source`'s samples: out of core when streamsClassifier says so (or
 * `options.stream` forces it for Fisher and grid/random cuts), in memory otherwise. Throws a
 * TrainingDataError, SpecError or ExprError naming what is wrong with the set-up.
 */
export async function runClassifierTraining(
  source: EventSource,
  config: TrainConfig,
  ctx: JobContext,
  options: { stream?: boolean } = {},
): Promise<ClassifierRun> {
  const opened = await openTrainingSamples(source, config, ctx)
  let selected
  try {
    const { samples, cuts } = opened
    if (config.kind !== 'mlp' && !(config.kind === 'cuts' && config.options.search === 'genetic'))
      if (options.stream || streamsClassifier(config, await entriesOf(samples), source.memory))
        return await trainOutOfCore(source, samples, cuts, config, ctx)
    selected = await selectedEventsOf(source, opened, ctx)
  } finally {
    for (const s of opened.samples) s.opened.release()
  }
  const assembled = assembleTrainingData(selected, config)
  const trained = await trainClassifier(config, assembled, ctx)
  const { data } = assembled
  const count = (part: number) => {
    let signal = 0
    let background = 0
    for (let i = 0; i < data.n; i++)
      if (data.part[i] === part) {
        if (data.y[i]) signal++
        else background++
      }
    return { signal, background }
  }
  return {
    trained,
    events: {
      train: count(PART.train),
      validation: count(PART.validation),
      test: count(PART.test),
    },
    inputs: data.inputs,
    streamed: null,
  }
}

type Setup = Extract<TrainConfig, { kind: 'lda' | 'cuts' }>

/** The out-of-core training (see the file comment). */
async function trainOutOfCore(
  source: EventSource,
  samples: readonly TrainingSample[],
  cuts: readonly ResolvedCut[],
  config: Setup,
  ctx: JobContext,
): Promise<ClassifierRun> {
  const t0 = performance.now()
  const budget = source.memory ?? Infinity
  const d = config.inputs.length
  const rules: RowRules = { missing: config.missing, split: config.split, weights: config.weights }
  const plans: Partition[][] = []
  for (const s of samples)
    plans.push(
      [...(await s.opened.partitions(budgetPlan(source.memory, s.columns.length)))].sort(
        (a, b) => a.index - b.index,
      ),
    )
  const passes = config.kind === 'lda' ? 4 : 5
  let done = 0
  let starts: Record<number, RowStart>[] | null = null
  const run = async <P extends PassPart>(
    pass: PassSpec,
    state: PassState,
    model: PassRequest['model'] = null,
  ): Promise<P> => {
    const message = `${config.kind === 'lda' ? 'Fisher' : 'cuts'}: ${pass.kind} pass over the partitions`
    let acc: PassPart | undefined
    for (const [k, s] of samples.entries()) {
      const request: PassRequest = {
        role: s.role,
        inputs: config.inputs,
        cuts,
        // The source's budget decides how a partition is read (a project may keep columns
        // that fit a quarter of it decoded between the passes).
        stream: false,
        state,
        starts: starts ? starts[k] : null,
        pass,
        model,
      }
      const prep = classifierPassTask.prepare(s.opened, source, request)
      const c = scaledContext(
        ctx,
        (done + k / samples.length) / passes,
        1 / passes / samples.length,
        message,
      )
      const part = await mapSample(
        source,
        s.opened,
        classifierPassTask,
        request,
        prep,
        mergePass,
        c,
        plans[k],
      )
      if (part) acc = acc ? mergePass(acc, part) : part
    }
    done++
    if (!acc) throw new TrainingDataError('no events: the chosen samples have no partitions')
    return acc as P
  }

  // count: rows per partition → where each partition's split stream starts.
  const first: PassState = { rules, means: null, factors: null }
  const count = await run<CountPart>({ kind: 'count' }, first)
  const states = splitStates(
    config.split.seed,
    config.split.test,
    config.split.validation,
    count.counts,
  )
  starts = []
  let g = 0
  let offset = 0
  for (const plan of plans) {
    const mine: Record<number, RowStart> = {}
    for (const p of plan) {
      mine[p.index] = { offset, state: states[g] }
      offset += count.counts[g++]
    }
    starts.push(mine)
  }
  const n = offset

  // stats: checks, warnings, training means and weight factors (assembleTrainingData's).
  const stats = await run<StatsPart>({ kind: 'stats' }, first)
  const warnings: string[] = []
  if (count.dropped)
    warnings.push(`${count.dropped} events with a missing input value were left out`)
  const rowsOf = (y: number, part: number) => stats.parts[3 * y + part]
  for (const [cls, y] of [
    ['signal', 1],
    ['background', 0],
  ] as const) {
    if (rowsOf(y, 0) + rowsOf(y, 1) + rowsOf(y, 2) === 0)
      throw new TrainingDataError(
        `no ${cls} events: check the samples' roles and the region's cuts`,
      )
    if (rowsOf(y, PART.train) === 0)
      throw new TrainingDataError(`no ${cls} events in the training part: lower the test fraction`)
  }
  for (let j = 0; j < d; j++) {
    const min = stats.min[j]
    const hint =
      Number.isInteger(min) && min <= -99 && !(stats.next[j] < min + Math.abs(min) / 10)
        ? sentinelText(min, stats.atMin[j], n)
        : null
    if (hint) warnings.push(`input '${config.inputs[j]}': ${hint}`)
  }
  const means = Array.from(stats.count, (c, j) =>
    c ? (stats.sum[2 * j] + stats.sum[2 * j + 1]) / c : 0,
  )
  if (config.missing.policy !== 'drop')
    stats.missing.forEach((absent, j) => {
      if (absent)
        warnings.push(
          `input '${config.inputs[j]}': ${absent} missing values (${((100 * absent) / n).toFixed(1)}%) replaced by the training mean ${means[j].toPrecision(4)}`,
        )
    })
  const trainCount = [rowsOf(0, PART.train), rowsOf(1, PART.train)]
  const target = config.weights.norm === 'numevents' ? trainCount : [trainCount[1], trainCount[1]]
  const factors =
    config.weights.norm === 'none'
      ? [1, 1]
      : [0, 1].map((c) => (stats.wsum[c] !== 0 ? target[c] / stats.wsum[c] : 1))
  const state: PassState = { rules, means, factors }

  // moments: Fisher's class moments; every class's correlation sums; cuts' signal values.
  const moments = await run<MomentsPart>(
    { kind: 'moments', signalValues: config.kind === 'cuts' },
    state,
  )
  const all = mergedAll(moments.all)
  for (let j = 0; j < d; j++)
    if (all && all.lo[j] === all.hi[j])
      warnings.push(`input '${config.inputs[j]}' is constant (${all.lo[j]}): it cannot help`)
  if (count.negative)
    warnings.push(
      config.weights.negative === 'ignore'
        ? 'events with negative weights get weight 0 in training (kept in evaluation)'
        : 'some events have negative weights; they enter the training loss as they are',
    )

  let classifier: Classifier
  let summary: TrainedClassifier['summary']
  let method: unknown
  let trainSeconds: number
  if (config.kind === 'lda') {
    const S = momentsOfPart(moments.train[1] ?? undefined, 'signal')
    const B = momentsOfPart(moments.train[0] ?? undefined, 'background')
    const solved = ldaFromMoments(config.inputs, S, B)
    classifier = solved.classifier
    warnings.push(...solved.warnings)
    method = ldaToJSON(solved.classifier)
    trainSeconds = (performance.now() - t0) / 1000
  } else {
    const trainS = stats.train[0] + stats.train[1]
    const trainB = stats.train[2] + stats.train[3]
    checkTotals(trainCount[0] + trainCount[1], trainCount[1], { trainS, trainB })
    const quantiles = sortedSignalValues((moments.signal ?? []).map((chunks) => concat(chunks)))
    moments.signal = null
    const candidates = cutCandidates(quantiles, config.options, config.split.seed, warnings)
    const sums = await run<{ kind: 'cut-sums'; sums: Float64Array }>(
      { kind: 'cut-sums', candidates },
      state,
    )
    if (sums.sums.length !== 4 * candidateCount(candidates))
      throw new Error('cut sums lost a candidate')
    const totals = {
      trainS,
      trainB,
      allS: count.all[0] + count.all[1],
      allB: count.all[2] + count.all[3],
    }
    const r = chooseCuts(config.inputs, totals, config.options, candidates, sums.sums, [])
    warnings.push(...r.warnings)
    classifier = r.classifier
    summary = r.summary
    method = cutsToJSON(r.classifier)
    trainSeconds = (performance.now() - t0) / 1000
  }

  // evaluate: outputs of train and test rows, input histograms, test rows for the importance.
  const testRows = rowsOf(0, PART.test) + rowsOf(1, PART.test)
  const held = testRows * (8 * d + 9)
  const keepTest = held <= budget / 4 ? 1 : budget / 4 / held
  if (keepTest < 1)
    warnings.push(
      `permutation importance on ${(100 * keepTest).toPrecision(2)}% of the test events (a seeded subsample within the memory budget)`,
    )
  const ranges = Array.from({ length: d }, (_, j) =>
    all ? valueRange([all.lo[j], all.hi[j]], [0, 1]) : { lo: 0, hi: 1 },
  )
  const evaluated = await run<EvaluatePart>(
    { kind: 'evaluate', ranges, bins: 40, keepTest, seed: config.split.seed },
    state,
    { kind: config.kind, method },
  )
  if (config.kind === 'lda') {
    const rows = evaluated.scores
    const output = (y: number) => {
      const f: number[] = []
      const w: number[] = []
      for (const c of rows)
        for (let i = 0; i < c.f.length; i++)
          if (c.part[i] === PART.train && c.y[i] === y) {
            f.push(c.f[i])
            w.push(trainingWeight(c.weight[i], y, rules, factors))
          }
      return outputMoments(f, w)
    }
    summary = ldaResult(
      classifier as ReturnType<typeof ldaFromJSON>,
      output(1),
      output(0),
      [],
    ).summary
  }
  const evaluation: ClassifierEvaluation = evaluationOfParts(
    classifier,
    config.inputs,
    evaluated,
    { signal: moments.all[1], background: moments.all[0] },
    {
      bins: 40,
      expectedS: count.expected[1],
      expectedB: count.expected[0],
      seed: config.split.seed,
    },
  )
  const trainRows = trainCount[0] + trainCount[1]
  const part = (p: number) => ({ signal: rowsOf(1, p), background: rowsOf(0, p) })
  return {
    trained: {
      classifier,
      summary: summary!,
      evaluation,
      stored: {
        kind: config.kind,
        inputs: [...config.inputs],
        missing: { values: config.missing.values, policy: config.missing.policy, means },
        preprocessing: null,
        method,
      },
      weights: null,
      warnings,
      backend: 'js',
      trainSeconds,
      eventsPerSecond: trainRows / Math.max(trainSeconds, 1e-9),
      cancelled: false,
    },
    events: { train: part(PART.train), validation: part(PART.validation), test: part(PART.test) },
    inputs: config.inputs,
    streamed: { partitions: plans.reduce((s, p) => s + p.length, 0), passes, budget },
  }
}

/** Both classes' correlation sums of all rows merged (their extremes: the input ranges). */
function mergedAll(
  parts: (CorrelationPart | null)[],
): { lo: Float64Array; hi: Float64Array } | null {
  const [b, s] = parts
  if (!b && !s) return null
  const lo = Float64Array.from((b ?? s)!.lo)
  const hi = Float64Array.from((b ?? s)!.hi)
  if (b && s)
    for (let j = 0; j < lo.length; j++) {
      lo[j] = Math.min(b.lo[j], s.lo[j])
      hi[j] = Math.max(b.hi[j], s.hi[j])
    }
  return { lo, hi }
}

function concat(chunks: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(chunks.reduce((s, c) => s + c.length, 0))
  let o = 0
  for (const c of chunks) {
    out.set(c, o)
    o += c.length
  }
  return out
}
