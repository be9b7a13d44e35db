/**
 * The evaluation of a classifier whose rows are not held at once (issue 13), the same numbers
 * evaluate.ts computes in memory, from what partitions give:
 *  - evaluationOfParts: from a merged EvaluatePart (ml/classifier-passes.ts' evaluate pass, or
 *    a streamed network's chunks): the output, class, weight and part of each train and test
 *    row (SCORED_ROW_BYTES each: the ROC, the KS test and the efficiencies need every output),
 *    the input histograms, the correlation sums of each class and the test rows kept for the
 *    permutation importance. Every number is computed as evaluateClassifier computes it over
 *    the same rows in the same order: exact (sums up to their order of addition).
 *  - evaluateStreamed: a network on a streamed set (streamed-set.ts), chunk by chunk. When the
 *    scored rows fit `held.scored`, it gathers them and is evaluationOfParts, exact. Beyond it
 *    nothing grows with the events: two passes, the first finding the outputs' range, the
 *    second filling the output histograms, the efficiency counts (the same 101 cuts), the input
 *    histograms and correlation parts, all equal to memory's — but the ROC, its AUC and the KS
 *    p-values then come from the output in FINE_BINS equal bins over its range (a step of the
 *    ROC per bin; KS as ROOT's binned test), which moves the AUC by less than the bin width's
 *    share of the ranking (≈ 1e-4 for 4096 bins).
 * The permutation importance runs on the test rows kept within the budget (all, or a seeded
 * subsample).
 */
import type { ClassifierEvaluation, SplitHistogram } from '../../../../shared/contract/train'
import { finiteOrNull } from '../../../../shared/contract/common'
import {
  type CorrelationPart,
  correlationPart,
  finishCorrelation,
  mergeCorrelation,
} from '../../data/correlation'
import type { JobContext } from '../../jobs/context'
import type { Classifier } from '../classifier'
import type { EvaluatePart, ScoredRows } from '../classifier-passes'
import { PART } from '../dataset'
import { RectCutsClassifier } from '../rect-cuts'
import { allChunks, type ChunkRows, type StreamedSet } from '../streamed-set'
import { eventDraw } from '../streaming'
import {
  outputEvaluation,
  rankedInputs,
  rocFields,
  setSumsRoc,
  zeroIfNaN,
  type EvaluateOptions,
} from './evaluate'
import { emptyCurve, sweptCurve } from './efficiency'
import { concatTyped } from '../../../../shared/column'
import { ksTestBinned } from './ks'
import { type Roc, weightedRoc } from './roc'

/** Bytes a scored train or test row costs held: output, weight (8 each), class and part. */
export const SCORED_ROW_BYTES = 18

/**
 * Whether the test row with global index `row` (over all rows, in order) is kept for the
 * permutation importance when a fraction `keep` of the test rows is: a per-row draw, so
 * partitions decide apart what one pass would.
 */
export function keptForImportance(seed: number, row: number, keep: number): boolean {
  return keep >= 1 || eventDraw((seed ^ 0x2545f491) >>> 0, row) < keep
}

/** The evaluation of `classifier` from its merged evaluate pass (see the file comment). */
export function evaluationOfParts(
  classifier: Classifier,
  inputNames: readonly string[],
  part: EvaluatePart,
  correlation: { signal: CorrelationPart | null; background: CorrelationPart | null },
  options: EvaluateOptions,
  ctx?: JobContext,
): ClassifierEvaluation {
  const d = inputNames.length
  const rows = concatScored(part)
  // The partitions' pieces are copied: let them go before the ROC and KS sort.
  part.scores.length = 0
  const train: number[] = []
  const test: number[] = []
  for (let i = 0; i < rows.part.length; i++) (rows.part[i] === PART.train ? train : test).push(i)
  const { f: scores, y, weight } = rows

  let rocTrain: Roc
  let rocTest: Roc
  let output: ClassifierEvaluation['output'] = null
  let efficiency: ClassifierEvaluation['efficiency'] = null
  if (classifier.kind === 'cuts') {
    if (!(classifier instanceof RectCutsClassifier) || !part.sets)
      throw new TypeError('a cuts classifier must be a RectCutsClassifier')
    const K = classifier.sets.length
    const roc = (o: number) => {
      const sets = part.sets!
      const sums = Array.from({ length: K }, (_, k): [number, number] => [
        sets[o + 2 + 2 * k],
        sets[o + 3 + 2 * k],
      ])
      return setSumsRoc(sets[o], sets[o + 1], sums)
    }
    rocTrain = roc(0)
    rocTest = roc(2 + 2 * K)
  } else if (part.binned)
    ({ rocTrain, rocTest, output, efficiency } = finishBinned(part.binned, options))
  else
    ({ rocTrain, rocTest, output, efficiency } = outputEvaluation(
      scores,
      y,
      weight,
      Uint32Array.from(train),
      Uint32Array.from(test),
      options,
    ))

  const inputs = inputNames.map((input, j) => ({ input, ...part.inputs[j] }))
  ctx?.throwIfCancelled()
  const held = concatTest(part)
  const testRows = Uint32Array.from({ length: held.n }, (_, i) => i)
  const ranking = rankedInputs(classifier, inputs, { ...held, rows: testRows }, options.seed, ctx)
  return {
    ...rocFields(rocTrain, rocTest),
    output,
    efficiency,
    ranking,
    inputs,
    correlation: {
      signal: correlationMatrix(correlation.signal, d),
      background: correlationMatrix(correlation.background, d),
    },
  }
}

/** A class's correlation matrix from its merged sums; all null for a class without rows. */
function correlationMatrix(p: CorrelationPart | null, d: number): (number | null)[][] {
  return p
    ? finishCorrelation(p).matrix
    : Array.from({ length: d }, () => new Array<number | null>(d).fill(null))
}

/** The scored rows of every partition, one after the other. */
function concatScored(part: EvaluatePart) {
  const of = <K extends keyof ScoredRows>(k: K, make: (n: number) => ScoredRows[K]) =>
    concatTyped(
      part.scores.map((c) => c[k]),
      make,
    )
  return {
    f: of('f', (n) => new Float64Array(n)),
    y: of('y', (n) => new Uint8Array(n)),
    weight: of('weight', (n) => new Float64Array(n)),
    part: of('part', (n) => new Uint8Array(n)),
  }
}

/** The kept test rows of every partition, one after the other. */
function concatTest(part: EvaluatePart) {
  return {
    n: part.test.reduce((s, c) => s + c.y.length, 0),
    x: concatTyped(
      part.test.map((c) => c.x),
      (n) => new Float64Array(n),
    ),
    y: concatTyped(
      part.test.map((c) => c.y),
      (n) => new Uint8Array(n),
    ),
    weight: concatTyped(
      part.test.map((c) => c.weight),
      (n) => new Float64Array(n),
    ),
  }
}

/** Bins of the output's distribution behind the ROC and the KS tests. */
export const FINE_BINS = 4096

/** Points of the efficiency curve (as efficiencyCurve's default). */
const CUTS = 101

type Hist = { sumw: number[]; sumw2: number[] }
const hist = (bins: number): Hist => ({
  sumw: new Array<number>(bins).fill(0),
  sumw2: new Array<number>(bins).fill(0),
})
const split = (lo: number, hi: number, bins: number): SplitHistogram => ({
  lo,
  hi,
  signal: hist(bins),
  background: hist(bins),
})

/** Bin of v in `bins` equal bins on [lo, hi], outside values in the first or last bin. */
function binOf(v: number, lo: number, hi: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor((v - lo) * (bins / (hi - lo)))))
}

function fill(h: SplitHistogram, label: number, v: number, w: number, bins: number): void {
  const k = binOf(v, h.lo, h.hi, bins)
  const c = label ? h.signal : h.background
  c.sumw[k] += w
  c.sumw2[k] += w * w
}

/** [lo, hi] as valueRange gives it from the extremes of the finite values. */
function rangeOf(lo: number, hi: number): { lo: number; hi: number } {
  if (lo > hi) return { lo: 0, hi: 1 }
  if (lo === hi) return { lo: lo - 0.5, hi: hi + 0.5 }
  return { lo, hi }
}

/**
 * The evaluation of `classifier` on `set` (see the file comment): exact when the train and test
 * rows are at most `held.scored`, binned beyond; `held.importance` bounds the test rows kept for
 * the permutation importance.
 */
export async function evaluateStreamed(
  set: StreamedSet,
  classifier: Classifier,
  options: EvaluateOptions,
  held: { readonly importance: number; readonly scored: number },
  ctx: JobContext,
): Promise<ClassifierEvaluation> {
  const d = set.d
  const ks = allChunks(set).filter((k) => set.rows(k) > 0)
  const scored = (rows: ChunkRows) => classifier.score(rows.x, rows.n)
  const count = (p: number) => set.counts.signal[p] + set.counts.background[p]

  // What both ways sum alike: input histograms, correlation parts, the importance's test rows.
  const inputs = set.ranges.map((r) => split(r.lo, r.hi, options.bins))
  const corr: (CorrelationPart | null)[] = [null, null]
  const keep = Math.min(1, held.importance / Math.max(1, count(PART.test)))
  const kept = { x: [] as number[], y: [] as number[], w: [] as number[] }
  let rowIndex = 0
  const common = (rows: ChunkRows) => {
    for (let i = 0; i < rows.n; i++) {
      const y = rows.y[i]
      const w = rows.weight[i]
      for (let j = 0; j < d; j++) fill(inputs[j], y, rows.x[i * d + j], w, options.bins)
      const row = rowIndex++
      if (rows.part[i] === PART.test && keptForImportance(options.seed, row, keep)) {
        for (let j = 0; j < d; j++) kept.x.push(rows.x[i * d + j])
        kept.y.push(y)
        kept.w.push(w)
      }
    }
    for (const label of [0, 1]) {
      const mine: number[] = []
      for (let i = 0; i < rows.n; i++) if (rows.y[i] === label) mine.push(i)
      if (!mine.length) continue
      const columns = Array.from({ length: d }, (_, j) =>
        Float64Array.from(mine, (i) => rows.x[i * d + j]),
      )
      const part = correlationPart(
        columns,
        Float64Array.from(mine, (i) => rows.weight[i]),
      )
      corr[label] = corr[label] ? mergeCorrelation(corr[label]!, part) : part
    }
  }
  const keptRows = () => ({
    x: Float64Array.from(kept.x),
    y: Uint8Array.from(kept.y),
    weight: Float64Array.from(kept.w),
  })

  if (count(PART.train) + count(PART.test) <= held.scored) {
    // Exact: one pass gathering every train and test row's output (evaluationOfParts).
    const scores: ScoredRows[] = []
    ctx.progress(0, 'evaluating (streamed)')
    await set.each(
      ks,
      (_, rows) => {
        const s = scored(rows)
        const pick: number[] = []
        for (let i = 0; i < rows.n; i++) if (rows.part[i] !== PART.validation) pick.push(i)
        scores.push({
          f: Float64Array.from(pick, (i) => s[i]),
          y: Uint8Array.from(pick, (i) => rows.y[i]),
          weight: Float64Array.from(pick, (i) => rows.weight[i]),
          part: Uint8Array.from(pick, (i) => rows.part[i]),
        })
        common(rows)
      },
      ctx,
    )
    ctx.throwIfCancelled()
    const part: EvaluatePart = {
      kind: 'evaluate',
      scores,
      binned: null,
      moments: null,
      inputs,
      test: [keptRows()],
      sets: null,
    }
    const correlation = { signal: corr[1], background: corr[0] }
    return evaluationOfParts(classifier, set.inputs, part, correlation, options, ctx)
  }

  // Binned. Pass 1: the outputs' extremes; pass 2: the binned sums, and what both ways sum.
  const range = emptyRange()
  ctx.progress(0, 'evaluating (streamed): output range')
  await set.each(
    ks,
    (_, rows) => {
      const s = scored(rows)
      for (let i = 0; i < rows.n; i++) widenRange(range, s[i], rows.part[i])
    },
    ctx,
  )
  const binned = binnedOutputs(range, options.bins)
  ctx.progress(0.1, 'evaluating (streamed)')
  await set.each(
    ks,
    (_, rows) => {
      const s = scored(rows)
      for (let i = 0; i < rows.n; i++)
        fillBinned(binned, s[i], rows.part[i], rows.y[i], rows.weight[i])
      common(rows)
    },
    ctx,
  )
  ctx.throwIfCancelled()
  const { rocTrain, rocTest, output, efficiency } = finishBinned(binned, options)

  ctx.progress(0.8, 'permutation importance (test subsample)')
  const test = keptRows()
  const testRows = Uint32Array.from({ length: test.y.length }, (_, i) => i)
  const named = set.inputs.map((input, j) => ({ input, ...inputs[j] }))
  const ranking = rankedInputs(classifier, named, { ...test, rows: testRows }, options.seed, ctx)
  return {
    ...rocFields(rocTrain, rocTest),
    output,
    efficiency,
    ranking,
    inputs: named,
    correlation: {
      signal: correlationMatrix(corr[1], d),
      background: correlationMatrix(corr[0], d),
    },
  }
}

/**
 * The extremes of the outputs of the train and test rows (finite ones), and of the test rows
 * alone (any but NaN): the binned evaluation's range and efficiency cuts.
 */
export interface OutputRange {
  lo: number
  hi: number
  testLo: number
  testHi: number
}

export function emptyRange(): OutputRange {
  return { lo: Infinity, hi: -Infinity, testLo: Infinity, testHi: -Infinity }
}

/** Widens `r` by output `v` of a row of `part`. */
export function widenRange(r: OutputRange, v: number, part: number): void {
  if (part === PART.validation) return
  if (part === PART.test && v === v) {
    if (v < r.testLo) r.testLo = v
    if (v > r.testHi) r.testHi = v
  }
  if (!Number.isFinite(v)) return
  if (v < r.lo) r.lo = v
  if (v > r.hi) r.hi = v
}

export function mergeRange(a: OutputRange, b: OutputRange): OutputRange {
  return {
    lo: Math.min(a.lo, b.lo),
    hi: Math.max(a.hi, b.hi),
    testLo: Math.min(a.testLo, b.testLo),
    testHi: Math.max(a.testHi, b.testHi),
  }
}

/**
 * What the binned evaluation sums from scored rows once their range is known: the output
 * histograms (`bins`) and FINE_BINS ones behind the ROC and KS tests, train and test; per
 * efficiency cut the test Σw passing, and the test Σw per class. Parts merge by adding.
 */
export interface BinnedOutputs {
  readonly range: OutputRange
  readonly bins: number
  readonly out: { train: SplitHistogram; test: SplitHistogram }
  readonly fine: { train: SplitHistogram; test: SplitHistogram }
  /** Test Σw whose highest efficiency cut passed is k (summed from the top when finished). */
  readonly passing: { s: number[]; b: number[] }
  readonly classW: { s: number; b: number; any: boolean }
}

export function binnedOutputs(range: OutputRange, bins: number): BinnedOutputs {
  const r = rangeOf(range.lo, range.hi)
  const m = cutCount(range)
  return {
    range,
    bins,
    out: { train: split(r.lo, r.hi, bins), test: split(r.lo, r.hi, bins) },
    fine: { train: split(r.lo, r.hi, FINE_BINS), test: split(r.lo, r.hi, FINE_BINS) },
    passing: { s: new Array<number>(m).fill(0), b: new Array<number>(m).fill(0) },
    classW: { s: 0, b: 0, any: false },
  }
}

/** Efficiency cuts: CUTS evenly over the test outputs' range, one when they are all equal. */
function cutCount(r: OutputRange): number {
  return r.testLo === r.testHi ? 1 : CUTS
}

function cutAtOf(r: OutputRange): (k: number) => number {
  const m = cutCount(r)
  return (k) => (m === 1 ? r.testLo : r.testLo + ((r.testHi - r.testLo) * k) / (m - 1))
}

/** Adds a scored row (output v, part, class y, weight w); validation rows and NaN are left out. */
export function fillBinned(acc: BinnedOutputs, v: number, p: number, y: number, w: number): void {
  if (p === PART.validation || v !== v) return
  const which = p === PART.train ? 'train' : 'test'
  fill(acc.out[which], y, v, w, acc.bins)
  fill(acc.fine[which], y, v, w, FINE_BINS)
  if (p !== PART.test) return
  const { testLo, testHi } = acc.range
  const m = acc.passing.s.length
  const cutAt = cutAtOf(acc.range)
  acc.classW.any = true
  if (y) acc.classW.s += w
  else acc.classW.b += w
  // Cuts k = 0 … top pass (cut ≤ v): add w at top, summed from the top down when finished.
  let top = m === 1 ? 0 : Math.floor(((v - testLo) / (testHi - testLo)) * (m - 1))
  top = Math.min(m - 1, Math.max(0, top))
  while (top + 1 < m && cutAt(top + 1) <= v) top++
  while (top >= 0 && cutAt(top) > v) top--
  if (top >= 0) (y ? acc.passing.s : acc.passing.b)[top] += w
}

/** `a` plus `b` (the same range and bins), into `a`. */
export function mergeBinned(a: BinnedOutputs, b: BinnedOutputs): BinnedOutputs {
  const add = (x: number[], y: number[]) => x.forEach((_, k) => (x[k] += y[k]))
  for (const which of ['out', 'fine'] as const)
    for (const part of ['train', 'test'] as const)
      for (const c of ['signal', 'background'] as const) {
        add(a[which][part][c].sumw, b[which][part][c].sumw)
        add(a[which][part][c].sumw2, b[which][part][c].sumw2)
      }
  add(a.passing.s, b.passing.s)
  add(a.passing.b, b.passing.b)
  a.classW.s += b.classW.s
  a.classW.b += b.classW.b
  a.classW.any ||= b.classW.any
  return a
}

/** The ROCs, output histograms with their KS tests and the efficiency curve of binned sums. */
export function finishBinned(acc: BinnedOutputs, options: EvaluateOptions) {
  const { fine } = acc
  const ksP = (c: 'signal' | 'background') => ksTestBinned(fine.train[c], fine.test[c]).p
  return {
    rocTrain: binnedRoc(fine.train),
    rocTest: binnedRoc(fine.test),
    output: {
      bins: acc.bins,
      train: acc.out.train,
      test: acc.out.test,
      ks_p_signal: finiteOrNull(ksP('signal')),
      ks_p_background: finiteOrNull(ksP('background')),
    },
    efficiency: efficiencyFrom(
      acc.passing,
      acc.classW,
      cutAtOf(acc.range),
      acc.passing.s.length,
      options,
    ),
  }
}

/** The weighted ROC of a fine histogram of the output: each bin one step (its events tied). */
function binnedRoc(h: SplitHistogram) {
  const bins = h.signal.sumw.length
  const scores = new Float64Array(2 * bins)
  const labels = new Uint8Array(2 * bins)
  const weights = new Float64Array(2 * bins)
  for (let k = 0; k < bins; k++) {
    scores[2 * k] = scores[2 * k + 1] = k
    labels[2 * k] = 1
    weights[2 * k] = h.signal.sumw[k]
    weights[2 * k + 1] = h.background.sumw[k]
  }
  return weightedRoc(scores, labels, weights)
}

/** efficiencyCurve's result from the test Σw whose highest passed cut is each cut. */
function efficiencyFrom(
  passing: { s: ArrayLike<number>; b: ArrayLike<number> },
  total: { s: number; b: number; any: boolean },
  cutAt: (k: number) => number,
  m: number,
  options: EvaluateOptions,
): ClassifierEvaluation['efficiency'] {
  const { expectedS, expectedB } = options
  if (!total.any) return emptyCurve(expectedS, expectedB)
  const out = sweptCurve(
    m,
    cutAt,
    (k, _, passed) => {
      passed[0] += passing.s[k]
      passed[1] += passing.b[k]
    },
    total,
    expectedS,
    expectedB,
  )
  out.eff_s = out.eff_s.map(zeroIfNaN)
  out.eff_b = out.eff_b.map(zeroIfNaN)
  return out
}
