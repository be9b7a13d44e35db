/**
 * The full TMVA-style evaluation of a trained classifier (`ClassifierEvaluation`), weighted with
 * the physical weights: output distributions train vs test with KS p-values, ROC and AUC on train
 * and test, efficiency and significance vs cut, input ranking, input distributions and
 * correlation matrices. "Train" is the training part (not the validation slice); the input
 * distributions, correlations and separations use every event; the rest uses the test part.
 *
 * For rectangular cuts the ROC is made of the kept cut sets (ε_S, ε_B of each on the test or
 * training events, joined to (0, 0) and (1, 1)) and there is no continuous output to histogram
 * or cut on (`output` and `efficiency` are null). Undefined numbers (NaN) become null.
 */
import type { ClassifierEvaluation, SplitHistogram } from '../../../../shared/contract/train'
import { weightedCorrelation } from '../../data/correlation'
import type { JobContext } from '../../jobs/context'
import type { Classifier } from '../classifier'
import { PART, type TrainingData, gatherRows, indicesOf } from '../dataset'
import { RectCutsClassifier } from '../rect-cuts'
import { efficiencyCurve } from './efficiency'
import { splitHistogram, valueRange } from './histograms'
import { permutationImportance } from './importance'
import { ksTest } from './ks'
import { type Roc, weightedRoc } from './roc'
import { separation } from './separation'
import { finiteOrNull } from '../../../../shared/contract/common'

export interface EvaluateOptions {
  /** Bins of the output and input histograms. */
  bins: number
  /** Expected signal and background yields (of the region) for the efficiency plot. */
  expectedS: number
  expectedB: number
  /** Seed of the permutation-importance shuffles. */
  seed: number
}

/**
 * Evaluates `classifier` on `data` (see the module comment). `ctx`, when given, is checked for
 * cancellation between the steps (the permutation importance scores the test events once per
 * input) and told the progress.
 */
export function evaluateClassifier(
  data: TrainingData,
  classifier: Classifier,
  options: EvaluateOptions,
  ctx?: JobContext,
): ClassifierEvaluation {
  const { d, x, y, weight } = data
  if (classifier.inputs.length !== d)
    throw new RangeError(`the classifier has ${classifier.inputs.length} inputs, the data ${d}`)
  const train = indicesOf(data, PART.train)
  const test = indicesOf(data, PART.test)
  const all = Uint32Array.from({ length: data.n }, (_, i) => i)
  ctx?.progress(0, 'evaluating')
  const scores = classifier.score(x, data.n)
  ctx?.throwIfCancelled()

  let rocTrain: Roc
  let rocTest: Roc
  let output: ClassifierEvaluation['output'] = null
  let efficiency: ClassifierEvaluation['efficiency'] = null
  if (classifier.kind === 'cuts') {
    if (!(classifier instanceof RectCutsClassifier))
      throw new TypeError('a cuts classifier must be a RectCutsClassifier')
    rocTrain = cutSetRoc(classifier, data, train)
    rocTest = cutSetRoc(classifier, data, test)
  } else
    ({ rocTrain, rocTest, output, efficiency } = outputEvaluation(
      scores,
      y,
      weight,
      train,
      test,
      options,
    ))

  const inputs = data.inputs.map((input, j) => {
    const column = new Float64Array(data.n)
    for (let i = 0; i < data.n; i++) column[i] = x[i * d + j]
    return {
      input,
      ...splitHistogram(column, y, weight, all, valueRange(column, all), options.bins),
    }
  })
  ctx?.throwIfCancelled()
  const ranking = rankedInputs(classifier, inputs, { x, y, weight, rows: test }, options.seed, ctx)

  return {
    ...rocFields(rocTrain, rocTest),
    output,
    efficiency,
    ranking,
    inputs,
    correlation: {
      signal: classCorrelation(data, 1),
      background: classCorrelation(data, 0),
    },
  }
}

/**
 * ROC of the kept cut sets on the events `rows`: each set's (ε_B, ε_S), sorted by ε_S and joined
 * to (0, 0) and (1, 1); AUC by the trapezoid rule. NaN AUC unless both classes have Σw > 0.
 */
export function cutSetRoc(c: RectCutsClassifier, data: TrainingData, rows: ArrayLike<number>): Roc {
  const sub = gatherRows(data.x, data.d, rows)
  let ws = 0
  let wb = 0
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    if (data.y[i]) ws += data.weight[i]
    else wb += data.weight[i]
  }
  const sums: [number, number][] = []
  for (let k = 0; k < c.sets.length; k++) {
    const pass = c.passMask(sub, rows.length, k)
    let s = 0
    let b = 0
    for (let r = 0; r < rows.length; r++) {
      if (!pass[r]) continue
      const i = rows[r]
      if (data.y[i]) s += data.weight[i]
      else b += data.weight[i]
    }
    sums.push([s, b])
  }
  return setSumsRoc(ws, wb, sums)
}

/**
 * The ROC of cut sets from Σw of the signal (ws) and background (wb) events and each set's
 * passing sums [s, b]: the points (b/wb, s/ws) sorted by ε_S, joined to (0, 0) and (1, 1); AUC by
 * the trapezoid rule. NaN AUC unless ws, wb > 0.
 */
export function setSumsRoc(ws: number, wb: number, sums: readonly [number, number][]): Roc {
  if (!(ws > 0 && wb > 0)) return { eff_s: [], eff_b: [], auc: NaN }
  const points: [number, number][] = [[0, 0]]
  for (const [s, b] of sums) points.push([b / wb, s / ws])
  points.push([1, 1])
  points.sort((p, q) => p[1] - q[1] || p[0] - q[0])
  let auc = 0
  for (let k = 1; k < points.length; k++)
    auc += ((points[k][0] - points[k - 1][0]) * (points[k][1] + points[k - 1][1])) / 2
  return { eff_s: points.map((p) => p[1]), eff_b: points.map((p) => p[0]), auc }
}

/**
 * What a continuous output gives over the `train` and `test` rows of `scores` (their class `y`
 * and physical `weight`): the weighted ROCs, the output histograms with the KS p-values, and
 * the efficiency curve on the test rows.
 */
export function outputEvaluation(
  scores: Float64Array,
  y: Uint8Array,
  weight: Float64Array,
  train: Uint32Array,
  test: Uint32Array,
  options: EvaluateOptions,
): {
  rocTrain: Roc
  rocTest: Roc
  output: NonNullable<ClassifierEvaluation['output']>
  efficiency: NonNullable<ClassifierEvaluation['efficiency']>
} {
  const range = valueRange(scores, Uint32Array.from([...train, ...test]))
  const ks = (label: number) => {
    const a = classValues(scores, y, weight, train, label)
    const b = classValues(scores, y, weight, test, label)
    return ksTest(a.v, a.w, b.v, b.w).p
  }
  const efficiency = efficiencyCurve(scores, y, weight, test, options.expectedS, options.expectedB)
  efficiency.eff_s = efficiency.eff_s.map(zeroIfNaN)
  efficiency.eff_b = efficiency.eff_b.map(zeroIfNaN)
  return {
    rocTrain: weightedRoc(scores, y, weight, train),
    rocTest: weightedRoc(scores, y, weight, test),
    output: {
      bins: options.bins,
      train: splitHistogram(scores, y, weight, train, range, options.bins),
      test: splitHistogram(scores, y, weight, test, range, options.bins),
      ks_p_signal: finiteOrNull(ks(1)),
      ks_p_background: finiteOrNull(ks(0)),
    },
    efficiency,
  }
}

/**
 * The inputs ranked by separation (from their histograms), each with its permutation importance
 * on the `rows` of `test` (x row-major, d = inputs.length); `ctx` told the progress and checked
 * for cancellation between inputs.
 */
export function rankedInputs(
  classifier: Classifier,
  inputs: readonly ({ input: string } & Pick<SplitHistogram, 'signal' | 'background'>)[],
  test: { x: Float64Array; y: Uint8Array; weight: Float64Array; rows: Uint32Array },
  seed: number,
  ctx?: JobContext,
): ClassifierEvaluation['ranking'] {
  const d = inputs.length
  const score = (m: Float64Array, n: number, j: number) => {
    ctx?.throwIfCancelled()
    ctx?.progress(0.2 + (0.8 * (j + 1)) / (d + 1), `permutation importance ${j + 1}/${d}`)
    return classifier.score(m, n)
  }
  const importance = test.rows.length
    ? permutationImportance(test.x, d, test.rows, test.y, test.weight, score, seed)
    : new Array<number>(d).fill(NaN)
  ctx?.progress(1)
  return inputs
    .map((h, j) => ({
      input: h.input,
      separation: zeroIfNaN(separation(h.signal.sumw, h.background.sumw)),
      importance: finiteOrNull(importance[j]),
    }))
    .sort((a, b) => b.separation - a.separation)
}

export function classValues(
  scores: Float64Array,
  y: Uint8Array,
  weight: Float64Array,
  rows: Uint32Array,
  label: number,
): { v: Float64Array; w: Float64Array } {
  const v: number[] = []
  const w: number[] = []
  for (const i of rows)
    if (y[i] === label) {
      v.push(scores[i])
      w.push(weight[i])
    }
  return { v: Float64Array.from(v), w: Float64Array.from(w) }
}

/** Weighted correlation matrix of the inputs over every event of one class. */
function classCorrelation(data: TrainingData, label: number): (number | null)[][] {
  const rows: number[] = []
  for (let i = 0; i < data.n; i++) if (data.y[i] === label) rows.push(i)
  const columns = data.inputs.map((_, j) => {
    const c = new Float64Array(rows.length)
    for (let r = 0; r < rows.length; r++) c[r] = data.x[rows[r] * data.d + j]
    return c
  })
  const w = Float64Array.from(rows, (i) => data.weight[i])
  return weightedCorrelation(columns, w).matrix
}

/** What an evaluation reports of its ROCs: both AUCs (null where undefined) and the test ROC. */
export function rocFields(rocTrain: Roc, rocTest: Roc) {
  return {
    auc_train: finiteOrNull(rocTrain.auc),
    auc_test: finiteOrNull(rocTest.auc),
    roc: { eff_s: rocTest.eff_s, eff_b: rocTest.eff_b },
  }
}

export function zeroIfNaN(v: number): number {
  return Number.isFinite(v) ? v : 0
}
