/**
 * evaluate.ts's evaluation of a classifier with a continuous output, over a training set
 * streamed from chunks (streamed-set.ts): each chunk scored and summed, the sums merged in chunk
 * order, never all rows at once. Two passes: the first finds the outputs' range (train and
 * test, and test alone for the efficiency cuts), the second fills what memory fills over all
 * events.
 *
 * What is equal to memory's evaluation: the output histograms, the efficiency curve (the same
 * 101 cuts, events counted against each), the input histograms and the correlation matrices
 * (correlation parts merged). What is binned here: the ROC, its AUC and the KS p-values come
 * from the output in FINE_BINS equal bins over its range (a step of the ROC per bin; KS as
 * ROOT's binned test), which moves the AUC by less than the bin width's share of the ranking
 * (≈ 1e-4 for 4096 bins). The permutation importance is computed on a seeded subsample of the
 * test events within `maxRows`.
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
import { PART } from '../dataset'
import { allChunks, type ChunkRows, type StreamedSet } from '../streamed-set'
import { eventDraw } from '../streaming'
import type { EvaluateOptions } from './evaluate'
import { permutationImportance } from './importance'
import { ksTestBinned } from './ks'
import { weightedRoc } from './roc'
import { separation } from './separation'

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
 * The evaluation of `classifier` on `set` (see the file comment); `maxRows` bounds the test
 * events held for the permutation importance.
 */
export async function evaluateStreamed(
  set: StreamedSet,
  classifier: Classifier,
  options: EvaluateOptions,
  maxRows: number,
  ctx: JobContext,
): Promise<ClassifierEvaluation> {
  const d = set.d
  const ks = allChunks(set).filter((k) => set.rows(k) > 0)
  const scored = (rows: ChunkRows) => classifier.score(rows.x, rows.n)

  // Pass 1: the outputs' extremes (finite ones), train and test, and test alone.
  let lo = Infinity
  let hi = -Infinity
  let testLo = Infinity
  let testHi = -Infinity
  ctx.progress(0, 'evaluating (streamed): output range')
  await set.each(
    ks,
    (_, rows) => {
      const s = scored(rows)
      for (let i = 0; i < rows.n; i++) {
        const v = s[i]
        const p = rows.part[i]
        if (p === PART.validation) continue
        if (p === PART.test && v === v) {
          if (v < testLo) testLo = v
          if (v > testHi) testHi = v
        }
        if (!Number.isFinite(v)) continue
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
    },
    ctx,
  )
  const range = rangeOf(lo, hi)
  const out = {
    train: split(range.lo, range.hi, options.bins),
    test: split(range.lo, range.hi, options.bins),
  }
  const fine = {
    train: split(range.lo, range.hi, FINE_BINS),
    test: split(range.lo, range.hi, FINE_BINS),
  }
  const m = testLo === testHi ? 1 : CUTS
  const cutAt = (k: number) => (m === 1 ? testLo : testLo + ((testHi - testLo) * k) / (m - 1))
  const passing = { s: new Float64Array(m), b: new Float64Array(m) }
  const classW = { s: 0, b: 0, any: false }
  const inputs = set.ranges.map((r) => split(r.lo, r.hi, options.bins))
  const corr: (CorrelationPart | null)[] = [null, null]
  const testCount = set.counts.signal[PART.test] + set.counts.background[PART.test]
  const keep = Math.min(1, maxRows / Math.max(1, testCount))
  const held = { x: [] as number[], y: [] as number[], w: [] as number[] }
  let testIndex = 0

  // Pass 2: histograms, efficiency counts, correlations, the importance subsample.
  ctx.progress(0.1, 'evaluating (streamed)')
  await set.each(
    ks,
    (_, rows) => {
      const s = scored(rows)
      for (let i = 0; i < rows.n; i++) {
        const v = s[i]
        const p = rows.part[i]
        const y = rows.y[i]
        const w = rows.weight[i]
        for (let j = 0; j < d; j++) fill(inputs[j], y, rows.x[i * d + j], w, options.bins)
        if (p === PART.validation) continue
        const which = p === PART.train ? 'train' : 'test'
        if (v === v) {
          fill(out[which], y, v, w, options.bins)
          fill(fine[which], y, v, w, FINE_BINS)
        }
        if (p !== PART.test) continue
        if (v === v) {
          classW.any = true
          if (y) classW.s += w
          else classW.b += w
          // Cuts k = 0 … top pass (cut ≤ v): add w at top, summed from the top down below.
          let top = m === 1 ? 0 : Math.floor(((v - testLo) / (testHi - testLo)) * (m - 1))
          top = Math.min(m - 1, Math.max(0, top))
          while (top + 1 < m && cutAt(top + 1) <= v) top++
          while (top >= 0 && cutAt(top) > v) top--
          if (top >= 0) (y ? passing.s : passing.b)[top] += w
        }
        if (eventDraw(options.seed, testIndex++) < keep) {
          for (let j = 0; j < d; j++) held.x.push(rows.x[i * d + j])
          held.y.push(y)
          held.w.push(w)
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
    },
    ctx,
  )
  ctx.throwIfCancelled()

  const rocTrain = binnedRoc(fine.train)
  const rocTest = binnedRoc(fine.test)
  const ksP = (c: 'signal' | 'background') => ksTestBinned(fine.train[c], fine.test[c]).p
  const efficiency = efficiencyFrom(passing, classW, cutAt, m, options)

  ctx.progress(0.8, 'permutation importance (test subsample)')
  const n = held.y.length
  const importance = n
    ? permutationImportance(
        Float64Array.from(held.x),
        d,
        Uint32Array.from({ length: n }, (_, i) => i),
        Uint8Array.from(held.y),
        Float64Array.from(held.w),
        (x, rows) => {
          ctx.throwIfCancelled()
          return classifier.score(x, rows)
        },
        options.seed,
      )
    : new Array<number>(d).fill(NaN)
  ctx.progress(1)
  const ranking = set.inputs
    .map((input, j) => ({
      input,
      separation: zeroIfNaN(separation(inputs[j].signal.sumw, inputs[j].background.sumw)),
      importance: finiteOrNull(importance[j]),
    }))
    .sort((a, b) => b.separation - a.separation)
  const matrix = (p: CorrelationPart | null) =>
    p ? finishCorrelation(p).matrix : set.inputs.map(() => set.inputs.map(() => null))
  return {
    auc_train: finiteOrNull(rocTrain.auc),
    auc_test: finiteOrNull(rocTest.auc),
    roc: { eff_s: rocTest.eff_s, eff_b: rocTest.eff_b },
    output: {
      bins: options.bins,
      train: out.train,
      test: out.test,
      ks_p_signal: finiteOrNull(ksP('signal')),
      ks_p_background: finiteOrNull(ksP('background')),
    },
    efficiency,
    ranking,
    inputs: set.inputs.map((input, j) => ({ input, ...inputs[j] })),
    correlation: { signal: matrix(corr[1]), background: matrix(corr[0]) },
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

/** efficiencyCurve's result from the Σw passing each cut (added at the highest cut passed). */
function efficiencyFrom(
  passing: { s: Float64Array; b: Float64Array },
  total: { s: number; b: number; any: boolean },
  cutAt: (k: number) => number,
  m: number,
  options: EvaluateOptions,
): ClassifierEvaluation['efficiency'] {
  const { expectedS, expectedB } = options
  const out: NonNullable<ClassifierEvaluation['efficiency']> = {
    cut: [],
    eff_s: [],
    eff_b: [],
    significance: [],
    expected_s: expectedS,
    expected_b: expectedB,
    best: null,
  }
  if (!total.any) return out
  let cs = 0
  let cb = 0
  const rows: { cut: number; es: number; eb: number; z: number }[] = []
  for (let k = m - 1; k >= 0; k--) {
    cs += passing.s[k]
    cb += passing.b[k]
    const es = total.s > 0 ? cs / total.s : NaN
    const eb = total.b > 0 ? cb / total.b : NaN
    const s = es * expectedS
    const b = eb * expectedB
    const z = s + b > 0 ? s / Math.sqrt(s + b) : NaN
    rows.push({ cut: cutAt(k), es, eb, z })
    if (Number.isFinite(z) && (out.best === null || z > out.best.significance))
      out.best = { cut: cutAt(k), s, b, significance: z }
  }
  rows.reverse()
  out.cut = rows.map((r) => r.cut)
  out.eff_s = rows.map((r) => zeroIfNaN(r.es))
  out.eff_b = rows.map((r) => zeroIfNaN(r.eb))
  out.significance = rows.map((r) => finiteOrNull(r.z))
  return out
}

function zeroIfNaN(v: number): number {
  return Number.isFinite(v) ? v : 0
}
