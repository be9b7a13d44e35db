/**
 * The passes of out-of-core classifier training (Fisher, rectangular cuts), each a map over one
 * partition's training rows (partition-rows.ts) and a merge in partition order — what the
 * in-memory path computes over the whole training set, in pieces:
 *  - count: rows per partition (where each partition's share of the split stream starts), the
 *    expected yields, the rows the `drop` policy leaves out;
 *  - stats: per class and part the rows, the training means (the missing-value replacement),
 *    the training-weight normalisation, the undeclared-sentinel hints;
 *  - moments: per class the training-weighted moments of the training rows (Fisher; Chan's
 *    merge, data/correlation.ts) and the physically weighted ones of all rows (the evaluation's
 *    correlations and input ranges), and for cuts the training signal values (their quantiles
 *    place the candidates);
 *  - cut-sums: each planned candidate's signal and background sums (pairs: the same bits as in
 *    memory);
 *  - output-range: the extremes of a continuous output (Fisher) over the train and test rows,
 *    when its evaluation is binned;
 *  - evaluate: a continuous output per train and test row (8 bytes + weight, class and part
 *    per row: the ROC, KS and efficiencies are exact only from them) — or, beyond the budget,
 *    its binned sums over the range found (evaluate/streamed.ts BinnedOutputs) and the
 *    training output moments per class (nothing kept per row); the input histograms, the test
 *    rows kept for the permutation importance (all, or a seeded fraction), and for cuts each
 *    kept set's sums (their ROC needs no outputs).
 */
import type { SplitHistogram } from '../../../shared/contract/train'
import { correlationPart, mergeCorrelation, type CorrelationPart } from '../data/correlation'
import type { JobContext } from '../jobs/context'
import { lowestValues, type SelectedEvents } from './build-dataset'
import type { Classifier } from './classifier'
import { PART } from './dataset'
import { splitHistogram } from './evaluate/histograms'
import {
  binnedOutputs,
  emptyRange,
  fillBinned,
  keptForImportance,
  mergeBinned,
  mergeRange,
  widenRange,
  type BinnedOutputs,
  type OutputRange,
} from './evaluate/streamed'
import { addPairs, addTo } from './pair-sum'
import { keptRows, partitionRows, trainingWeight, type RowRules } from './partition-rows'
import { candidateSums, RectCutsClassifier, type CutCandidates } from './rect-cuts'

/** Which pass, with what it needs beyond the rows. */
export type PassSpec =
  | { readonly kind: 'count' }
  | { readonly kind: 'stats' }
  | { readonly kind: 'moments'; readonly signalValues: boolean }
  | { readonly kind: 'cut-sums'; readonly candidates: CutCandidates }
  | { readonly kind: 'output-range' }
  | {
      readonly kind: 'evaluate'
      /** Input histogram ranges (all rows) and bins. */
      readonly ranges: readonly { lo: number; hi: number }[]
      readonly bins: number
      /** Fraction of the test rows kept for the importance (1: all); drawn by row index. */
      readonly keepTest: number
      readonly seed: number
      /** The output range (output-range pass): binned sums instead of every row's output. */
      readonly binned: OutputRange | null
    }

/** What a partition's rows need from the passes before (absent in the count pass). */
export interface RowStart {
  /** Global row index of the partition's first row (over every sample, in order). */
  readonly offset: number
  /** The split stream's state there (Random.state). */
  readonly state: readonly number[]
}

/** What every pass after the count knows. */
export interface PassState {
  readonly rules: RowRules
  /** Per input, the training mean (null before the stats pass). */
  readonly means: readonly number[] | null
  /** Per class [background, signal], the training-weight factor (null before stats). */
  readonly factors: readonly number[] | null
}

export interface CountPart {
  readonly kind: 'count'
  /** Rows per partition, in partition order. */
  counts: number[]
  dropped: number
  /** Σ physical weights per class [background, signal] (the expected yields). */
  expected: number[]
  /** Σ physical weights per class as pairs: signal hi, lo, background hi, lo. */
  all: Float64Array
  negative: boolean
}

export interface StatsPart {
  readonly kind: 'stats'
  /** Rows: Σ over all, then per class (0 background, 1 signal) × PART: index 3·y + part. */
  parts: number[]
  /** Per input: Σ (as a pair, pair-sum.ts) and count of the defined values of training rows. */
  sum: Float64Array
  count: Float64Array
  /** Per input: missing values over all rows. */
  missing: Float64Array
  /** Per class: Σ training weights (negative rule applied) and rows of the training part. */
  wsum: number[]
  /** Per class: Σ physical weights of the training rows, as pairs (signal hi, lo, bkg hi, lo). */
  train: Float64Array
  /** Per input over the defined values of all rows: the least, how many hold it, the next. */
  min: Float64Array
  atMin: Float64Array
  next: Float64Array
}

export interface MomentsPart {
  readonly kind: 'moments'
  /** Per class [background, signal]: training rows, training weights (Fisher). */
  train: (CorrelationPart | null)[]
  /** Per class: all rows, physical weights (correlations, ranges). */
  all: (CorrelationPart | null)[]
  /** Per input, chunks of the training signal values (cuts), null when not asked. */
  signal: Float64Array[][] | null
}

export interface CutSumsPart {
  readonly kind: 'cut-sums'
  sums: Float64Array
}

/** Per train and test row, in order: output, class, physical weight, part. */
export interface ScoredRows {
  f: Float64Array
  y: Uint8Array
  weight: Float64Array
  part: Uint8Array
}

export interface OutputRangePart {
  readonly kind: 'output-range'
  range: OutputRange
}

export interface EvaluatePart {
  readonly kind: 'evaluate'
  /** Every train and test row's output (a continuous output, not binned; else empty). */
  scores: ScoredRows[]
  /** A continuous output's binned sums (pass.binned), else null. */
  binned: BinnedOutputs | null
  /**
   * With `binned`: per class [background, signal] the training rows' Σ training weight, Σ w·f
   * and Σ w·f² as pairs (pair-sum.ts; 12 numbers): Fisher's output moments.
   */
  moments: Float64Array | null
  /** Per input, the histogram of all rows. */
  inputs: SplitHistogram[]
  /** Test rows kept for the permutation importance (x row-major). */
  test: { x: Float64Array; y: Uint8Array; weight: Float64Array }[]
  /**
   * Cuts: per [train, test], Σw of signal and background, then each set's passing sums
   * (2 + 2K per part); null for a continuous output.
   */
  sets: Float64Array | null
}

export type PassPart =
  CountPart | StatsPart | MomentsPart | CutSumsPart | OutputRangePart | EvaluatePart

/**
 * One partition's partial of `pass` from its selected events. `start` is where its rows begin
 * (not needed by the count pass), `classifier` the trained one (evaluate).
 */
export function mapPass(
  events: SelectedEvents,
  pass: PassSpec,
  state: PassState,
  start: RowStart | null,
  classifier: Classifier | null,
  ctx: JobContext,
): PassPart {
  const { rules } = state
  if (pass.kind === 'count') {
    const n = keptRows(events, rules)
    // Where the split stream starts is what this pass finds out: the parts drawn here from an
    // arbitrary state are not used, only the kept rows' weights.
    const rows = partitionRows(events, rules, [0, 0, 0, 1], null)
    const y = events.role === 'signal' ? 1 : 0
    const all = new Float64Array(4)
    let sum = 0
    let negative = false
    for (let i = 0; i < rows.n; i++) {
      sum += rows.weight[i]
      addTo(all, y ? 0 : 2, rows.weight[i])
      if (rows.weight[i] < 0) negative = true
    }
    return {
      kind: 'count',
      counts: [n],
      dropped: rows.dropped,
      expected: y ? [0, sum] : [sum, 0],
      all,
      negative,
    }
  }
  if (!start) throw new Error(`the ${pass.kind} pass needs where the partition's rows start`)
  const rows = partitionRows(events, rules, start.state, state.means)
  const { n, d, x, y, weight, part, isMissing } = rows
  switch (pass.kind) {
    case 'stats': {
      const out: StatsPart = {
        kind: 'stats',
        parts: [0, 0, 0, 0, 0, 0],
        sum: new Float64Array(2 * d),
        count: new Float64Array(d),
        missing: new Float64Array(d),
        wsum: [0, 0],
        train: new Float64Array(4),
        min: new Float64Array(d).fill(Infinity),
        atMin: new Float64Array(d),
        next: new Float64Array(d).fill(Infinity),
      }
      for (let i = 0; i < n; i++) {
        out.parts[3 * y[i] + part[i]]++
        const train = part[i] === PART.train
        if (train) {
          out.wsum[y[i]] += trainingWeight(weight[i], y[i], rules, [1, 1])
          addTo(out.train, y[i] ? 0 : 2, weight[i])
        }
        for (let j = 0; j < d; j++) {
          if (isMissing[i * d + j]) {
            out.missing[j]++
            continue
          }
          const v = x[i * d + j]
          if (train) {
            addTo(out.sum, 2 * j, v)
            out.count[j]++
          }
          lowestValues(out, j, v, 1)
        }
      }
      return out
    }
    case 'moments': {
      const factors = state.factors ?? [1, 1]
      const trainW = (i: number) => trainingWeight(weight[i], y[i], rules, factors)
      const train = [0, 1].map((c) => classPart(rows, c, true, trainW))
      const all = [0, 1].map((c) => classPart(rows, c, false, (i) => weight[i]))
      let signal: Float64Array[][] | null = null
      if (pass.signalValues) {
        const pick = rowsOf(rows, 1, true)
        signal = Array.from({ length: d }, (_, j) => [Float64Array.from(pick, (i) => x[i * d + j])])
      }
      return { kind: 'moments', train, all, signal }
    }
    case 'cut-sums': {
      const pick = rowsOf(rows, -1, true)
      const sub = new Float64Array(pick.length * d)
      pick.forEach((i, r) => sub.set(x.subarray(i * d, i * d + d), r * d))
      const sums = candidateSums(
        {
          n: pick.length,
          d,
          x: sub,
          y: Uint8Array.from(pick, (i) => y[i]),
          w: Float64Array.from(pick, (i) => weight[i]),
        },
        pass.candidates,
        ctx,
      )
      return { kind: 'cut-sums', sums }
    }
    case 'output-range': {
      if (!classifier) throw new Error('the output-range pass needs the classifier')
      const f = classifier.score(x, n)
      const range = emptyRange()
      for (let i = 0; i < n; i++) widenRange(range, f[i], part[i])
      return { kind: 'output-range', range }
    }
    case 'evaluate': {
      if (!classifier) throw new Error('the evaluate pass needs the classifier')
      const f = classifier.score(x, n)
      const scored = Array.from({ length: n }, (_, i) => i).filter(
        (i) => part[i] === PART.train || part[i] === PART.test,
      )
      const cuts = classifier instanceof RectCutsClassifier
      // What the output's ROC, KS and efficiencies are computed from: every row's output, or
      // binned sums and (Fisher's summary) the training output moments.
      let binned: BinnedOutputs | null = null
      let moments: Float64Array | null = null
      let keep = scored
      if (cuts) keep = []
      else if (pass.binned) {
        keep = []
        binned = binnedOutputs(pass.binned, pass.bins)
        moments = new Float64Array(12)
        const factors = state.factors ?? [1, 1]
        for (const i of scored) {
          fillBinned(binned, f[i], part[i], y[i], weight[i])
          if (part[i] !== PART.train) continue
          const tw = trainingWeight(weight[i], y[i], rules, factors)
          const o = 6 * y[i]
          addTo(moments, o, tw)
          addTo(moments, o + 2, tw * f[i])
          addTo(moments, o + 4, tw * f[i] * f[i])
        }
      }
      const all = Uint32Array.from({ length: n }, (_, i) => i)
      const inputs = pass.ranges.map((range, j) =>
        splitHistogram(
          Float64Array.from(all, (i) => x[i * d + j]),
          y,
          weight,
          all,
          range,
          pass.bins,
        ),
      )
      const kept = scored.filter(
        (i) =>
          part[i] === PART.test &&
          (pass.keepTest >= 1 || keptForImportance(pass.seed, start.offset + i, pass.keepTest)),
      )
      const testX = new Float64Array(kept.length * d)
      kept.forEach((i, r) => testX.set(x.subarray(i * d, i * d + d), r * d))
      let sets: Float64Array | null = null
      if (cuts) {
        const K = classifier.sets.length
        sets = new Float64Array(2 * (2 + 2 * K))
        const masks = classifier.sets.map((_, k) => classifier.passMask(x, n, k))
        for (const i of scored) {
          const o = part[i] === PART.train ? 0 : 2 + 2 * K
          const c = y[i] ? 0 : 1
          sets[o + c] += weight[i]
          for (let k = 0; k < K; k++) if (masks[k][i]) sets[o + 2 + 2 * k + c] += weight[i]
        }
      }
      return {
        kind: 'evaluate',
        scores: keep.length
          ? [
              {
                f: Float64Array.from(keep, (i) => f[i]),
                y: Uint8Array.from(keep, (i) => y[i]),
                weight: Float64Array.from(keep, (i) => weight[i]),
                part: Uint8Array.from(keep, (i) => part[i]),
              },
            ]
          : [],
        binned,
        moments,
        inputs,
        test: [
          {
            x: testX,
            y: Uint8Array.from(kept, (i) => y[i]),
            weight: Float64Array.from(kept, (i) => weight[i]),
          },
        ],
        sets,
      }
    }
  }
}

/** `a` then `b` (a from lower partitions; a's storage reused). */
export function mergePass(a: PassPart, b: PassPart): PassPart {
  if (a.kind !== b.kind) throw new Error(`merging a ${a.kind} partial with a ${b.kind} one`)
  switch (a.kind) {
    case 'count': {
      const o = b as CountPart
      a.counts.push(...o.counts)
      a.dropped += o.dropped
      a.expected = a.expected.map((v, c) => v + o.expected[c])
      addPairs(a.all, o.all)
      a.negative ||= o.negative
      return a
    }
    case 'stats': {
      const o = b as StatsPart
      a.parts = a.parts.map((v, k) => v + o.parts[k])
      a.wsum = a.wsum.map((v, c) => v + o.wsum[c])
      addPairs(a.train, o.train)
      addPairs(a.sum, o.sum)
      for (let j = 0; j < a.count.length; j++) {
        a.count[j] += o.count[j]
        a.missing[j] += o.missing[j]
        if (o.atMin[j]) lowestValues(a, j, o.min[j], o.atMin[j])
        if (o.next[j] < Infinity) lowestValues(a, j, o.next[j], 1)
      }
      return a
    }
    case 'moments': {
      const o = b as MomentsPart
      const join = (p: CorrelationPart | null, q: CorrelationPart | null) =>
        p && q ? mergeCorrelation(p, q) : (p ?? q)
      a.train = a.train.map((p, c) => join(p, o.train[c]))
      a.all = a.all.map((p, c) => join(p, o.all[c]))
      if (a.signal && o.signal) a.signal.forEach((chunks, j) => chunks.push(...o.signal![j]))
      return a
    }
    case 'cut-sums':
      addPairs(a.sums, (b as CutSumsPart).sums)
      return a
    case 'output-range':
      a.range = mergeRange(a.range, (b as OutputRangePart).range)
      return a
    case 'evaluate': {
      const o = b as EvaluatePart
      a.scores.push(...o.scores)
      if (a.binned && o.binned) mergeBinned(a.binned, o.binned)
      if (a.moments && o.moments) addPairs(a.moments, o.moments)
      a.test.push(...o.test)
      a.inputs.forEach((h, j) => {
        const g = o.inputs[j]
        for (const cls of ['signal', 'background'] as const)
          h[cls].sumw.forEach((_, k) => {
            h[cls].sumw[k] += g[cls].sumw[k]
            h[cls].sumw2[k] += g[cls].sumw2[k]
          })
      })
      if (a.sets && b.kind === 'evaluate' && o.sets)
        for (let k = 0; k < a.sets.length; k++) a.sets[k] += o.sets[k]
      return a
    }
  }
}

/** Indices of the rows of class `c` (−1: both), training rows only when `train`. */
function rowsOf(rows: { n: number; y: Uint8Array; part: Uint8Array }, c: number, train: boolean) {
  const out: number[] = []
  for (let i = 0; i < rows.n; i++)
    if ((c < 0 || rows.y[i] === c) && (!train || rows.part[i] === PART.train)) out.push(i)
  return out
}

/** Correlation sums of class c's rows (training rows only when `train`) with `w(i)`. */
function classPart(
  rows: { n: number; d: number; x: Float64Array; y: Uint8Array; part: Uint8Array },
  c: number,
  train: boolean,
  w: (i: number) => number,
): CorrelationPart | null {
  const pick = rowsOf(rows, c, train)
  if (!pick.length) return null
  const { d, x } = rows
  const columns = Array.from({ length: d }, (_, j) => Float64Array.from(pick, (i) => x[i * d + j]))
  return correlationPart(columns, Float64Array.from(pick, w))
}
