/**
 * Fisher and rectangular cuts (grid, random or genetic search) trained out of core — what
 * app/classifier-training.ts runs for them when their rows would exceed the memory budget:
 * passes over the partitions (ml/classifier-passes.ts) on the source's executor (inline, worker
 * threads, cluster), each merging in partition order, with the same rows, split, missing-value
 * replacement and weights as in memory (ml/partition-rows.ts, the split resumed per partition
 * from split-stream.ts's states):
 *   count → where each partition's share of the split stream starts; stats → the training
 *   means and weight factors; moments (Fisher's class moments, the evaluation's correlations;
 *   cuts: the training signal values that place the candidates) → cut-sums (cuts; the
 *   genetic search one per batch of its sets) → evaluate.
 * Held in memory meanwhile: Fisher's output, weight, class and part per train and test row (18
 * bytes; the exact ROC and KS test need every output, ml/evaluate/streamed.ts) while they fit
 * a quarter of the budget — beyond it an output-range pass, then binned sums (ROC and KS from
 * FINE_BINS bins of the output) and nothing per row; the test rows kept for the permutation
 * importance within a quarter of the budget; and for cuts the training signal values (8 bytes
 * per input and training signal row: their exact quantiles place the candidates).
 */
import type { ClassifierEvaluation, TrainConfig } from '../../../shared/contract/train'
import type { CorrelationPart } from '../data/correlation'
import type { JobContext } from '../jobs/context'
import {
  checkPartCounts,
  classFactors,
  imputedMessage,
  negativeWeightsMessage,
  sentinelMessage,
  TrainingDataError,
} from '../ml/build-dataset'
import type { Classifier } from '../ml/classifier'
import {
  mergePass,
  type OutputRangePart,
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
import {
  evaluationOfParts,
  FINE_BINS,
  SCORED_ROW_BYTES,
  type OutputRange,
} from '../ml/evaluate/streamed'
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
  GeneticSearch,
  sortedSignalValues,
  type CutCandidates,
  type CutsResult,
} from '../ml/rect-cuts'
import { splitStates } from '../ml/split-stream'
import type { TrainedClassifier } from '../ml/train-classifier'
import type { ResolvedCut } from '../select/regions'
import type { PartEvents, StreamedInfo } from './classifier-training'
import { concatTyped } from '../../../shared/column'
import { scaledContext } from './executor'
import { budgetPlan } from './memory-budget'
import type { Partition } from './partition'
import { classifierPassTask, type PassRequest } from './classifier-pass'
import { mapSample } from './partition-task'
import type { EventSource } from './source'
import type { TrainingSample } from './training-set'

/** The methods trained by passes (the network streams its batches instead). */
export type PassesConfig = Extract<TrainConfig, { kind: 'lda' | 'cuts' }>

/** Whether `config` trains by passes when out of core. */
export function trainsByPasses(config: TrainConfig): config is PassesConfig {
  return config.kind === 'lda' || config.kind === 'cuts'
}

/** What trainByPasses gives. */
export interface PassesRun {
  readonly trained: TrainedClassifier
  readonly events: PartEvents
  readonly streamed: StreamedInfo
}

/**
 * `config` trained on `samples` (opened from `source`, cut by `cuts`) by passes under `budget`
 * bytes (see the file comment); throws a TrainingDataError as assembleTrainingData does.
 */
export async function trainByPasses(
  source: EventSource,
  samples: readonly TrainingSample[],
  cuts: readonly ResolvedCut[],
  config: PassesConfig,
  budget: number,
  ctx: JobContext,
): Promise<PassesRun> {
  const t0 = performance.now()
  const d = config.inputs.length
  const rules: RowRules = { missing: config.missing, split: config.split, weights: config.weights }
  const plans: Partition[][] = []
  for (const s of samples)
    plans.push(
      [...(await s.opened.partitions(budgetPlan(source.memory, s.columns.length)))].sort(
        (a, b) => a.index - b.index,
      ),
    )
  // The genetic search sums each of its batches (the random sets, then every generation of
  // every target efficiency) in a pass of its own: its next sets depend on those sums.
  let passes =
    config.kind === 'lda'
      ? 4
      : 4 + (config.options.search === 'genetic' ? GeneticSearch.batches(config.options) : 1)
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
  const states = splitStates(config.split, count.counts)
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
  const perPart = (y: number) => [0, 1, 2].map((p) => rowsOf(y, p))
  checkPartCounts({ signal: perPart(1), background: perPart(0) })
  for (let j = 0; j < d; j++) {
    const min = stats.min[j]
    const hint = sentinelMessage(min, stats.atMin[j], stats.next[j], n)
    if (hint) warnings.push(`input '${config.inputs[j]}': ${hint}`)
  }
  const means = Array.from(stats.count, (c, j) =>
    c ? (stats.sum[2 * j] + stats.sum[2 * j + 1]) / c : 0,
  )
  if (config.missing.policy !== 'drop')
    stats.missing.forEach((absent, j) => {
      if (absent) warnings.push(imputedMessage(config.inputs[j], absent, n, means[j]))
    })
  const trainCount = [rowsOf(0, PART.train), rowsOf(1, PART.train)]
  const factors = classFactors(stats.wsum, trainCount, config.weights.norm)
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
  if (count.negative) warnings.push(negativeWeightsMessage(config.weights.negative))

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
    const quantiles = sortedSignalValues(
      (moments.signal ?? []).map((chunks) => concatTyped(chunks, (n) => new Float64Array(n))),
    )
    moments.signal = null
    const totals = {
      trainS,
      trainB,
      allS: count.all[0] + count.all[1],
      allB: count.all[2] + count.all[3],
    }
    const cutSums = async (candidates: CutCandidates) => {
      const sums = await run<{ kind: 'cut-sums'; sums: Float64Array }>(
        { kind: 'cut-sums', candidates },
        state,
      )
      if (sums.sums.length !== 4 * candidateCount(candidates))
        throw new Error('cut sums lost a candidate')
      return sums.sums
    }
    let r: CutsResult
    if (config.options.search === 'genetic') {
      const search = new GeneticSearch(quantiles, totals, config.options, config.split.seed)
      for (let batch = search.next(); batch; batch = search.next())
        search.tell(await cutSums(batch))
      r = search.result(config.inputs, [])
    } else {
      const candidates = cutCandidates(quantiles, config.options, config.split.seed, warnings)
      r = chooseCuts(
        config.inputs,
        totals,
        config.options,
        candidates,
        await cutSums(candidates),
        [],
      )
    }
    warnings.push(...r.warnings)
    classifier = r.classifier
    summary = r.summary
    method = cutsToJSON(r.classifier)
    trainSeconds = (performance.now() - t0) / 1000
  }

  // evaluate: outputs of train and test rows (Fisher: beyond a quarter of the budget, their
  // binned sums over the range an output-range pass finds), input histograms, test rows for
  // the importance.
  const testRows = rowsOf(0, PART.test) + rowsOf(1, PART.test)
  const scoredRows = testRows + trainCount[0] + trainCount[1]
  let binned: OutputRange | null = null
  if (config.kind === 'lda' && scoredRows * SCORED_ROW_BYTES > budget / 4) {
    passes++
    binned = (
      await run<OutputRangePart>({ kind: 'output-range' }, state, { kind: config.kind, method })
    ).range
    warnings.push(
      `ROC, AUC and KS tests from ${FINE_BINS} bins of the output: the ${scoredRows} train and test events' outputs exceed a quarter of the memory budget`,
    )
  }
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
    { kind: 'evaluate', ranges, bins: 40, keepTest, seed: config.split.seed, binned },
    state,
    { kind: config.kind, method },
  )
  if (config.kind === 'lda') {
    const rows = evaluated.scores
    const sums = evaluated.moments
    const output = (y: number) => {
      if (sums) {
        // Σw, Σwf, Σwf² (pairs) of the class's training rows: the moments without the rows.
        const at = (k: number) => sums[6 * y + 2 * k] + sums[6 * y + 2 * k + 1]
        const mean = at(1) / at(0)
        return { mean, variance: Math.max(0, at(2) / at(0) - mean * mean) }
      }
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
