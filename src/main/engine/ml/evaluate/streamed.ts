/**
 * The evaluation of a classifier trained out of core (ml/classifier-passes.ts), from what its
 * evaluate pass merged instead of the rows: the output, class, weight and part of each train
 * and test row (the ROC, the KS test and the efficiencies need every output; 8 bytes of output
 * plus 10 of weight, class and part per row, far less than the rows), the input histograms, the
 * correlation sums of each class and the test rows kept for the permutation importance. Every
 * number is computed as evaluateClassifier computes it over the same rows in the same order,
 * so the results equal the in-memory ones (sums up to their order of addition).
 */
import type { ClassifierEvaluation } from '../../../../shared/contract/train'
import { correlationPart, finishCorrelation, type CorrelationPart } from '../../data/correlation'
import type { JobContext } from '../../jobs/context'
import type { Classifier } from '../classifier'
import type { EvaluatePart } from '../classifier-passes'
import { PART } from '../dataset'
import { RectCutsClassifier } from '../rect-cuts'
import { efficiencyCurve } from './efficiency'
import { classValues, setSumsRoc, zeroIfNaN, type EvaluateOptions } from './evaluate'
import { splitHistogram, valueRange } from './histograms'
import { permutationImportance } from './importance'
import { ksTest } from './ks'
import { type Roc, weightedRoc } from './roc'
import { separation } from './separation'
import { finiteOrNull } from '../../../../shared/contract/common'

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
  } else {
    rocTrain = weightedRoc(scores, y, weight, train)
    rocTest = weightedRoc(scores, y, weight, test)
    const range = valueRange(scores, Uint32Array.from([...train, ...test]))
    const ks = (label: number) => {
      const a = classValues(scores, y, weight, Uint32Array.from(train), label)
      const b = classValues(scores, y, weight, Uint32Array.from(test), label)
      return ksTest(a.v, a.w, b.v, b.w).p
    }
    output = {
      bins: options.bins,
      train: splitHistogram(scores, y, weight, train, range, options.bins),
      test: splitHistogram(scores, y, weight, test, range, options.bins),
      ks_p_signal: finiteOrNull(ks(1)),
      ks_p_background: finiteOrNull(ks(0)),
    }
    efficiency = efficiencyCurve(scores, y, weight, test, options.expectedS, options.expectedB)
    efficiency.eff_s = efficiency.eff_s.map(zeroIfNaN)
    efficiency.eff_b = efficiency.eff_b.map(zeroIfNaN)
  }

  const inputs = inputNames.map((input, j) => ({ input, ...part.inputs[j] }))
  ctx?.throwIfCancelled()
  const held = concatTest(part, d)
  const score = (m: Float64Array, n: number, j: number) => {
    ctx?.throwIfCancelled()
    ctx?.progress(0.2 + (0.8 * (j + 1)) / (d + 1), `permutation importance ${j + 1}/${d}`)
    return classifier.score(m, n)
  }
  const importance = held.n
    ? permutationImportance(
        held.x,
        d,
        Uint32Array.from({ length: held.n }, (_, i) => i),
        held.y,
        held.weight,
        score,
        options.seed,
      )
    : new Array<number>(d).fill(NaN)
  ctx?.progress(1)
  const ranking = inputs
    .map((h, j) => ({
      input: h.input,
      separation: zeroIfNaN(separation(h.signal.sumw, h.background.sumw)),
      importance: finiteOrNull(importance[j]),
    }))
    .sort((a, b) => b.separation - a.separation)
  const matrix = (p: CorrelationPart | null) =>
    finishCorrelation(
      p ??
        correlationPart(
          Array.from({ length: d }, () => new Float64Array(0)),
          new Float64Array(0),
        ),
    ).matrix
  return {
    auc_train: finiteOrNull(rocTrain.auc),
    auc_test: finiteOrNull(rocTest.auc),
    roc: { eff_s: rocTest.eff_s, eff_b: rocTest.eff_b },
    output,
    efficiency,
    ranking,
    inputs,
    correlation: { signal: matrix(correlation.signal), background: matrix(correlation.background) },
  }
}

/** The scored rows of every partition, one after the other. */
function concatScored(part: EvaluatePart) {
  const n = part.scores.reduce((s, c) => s + c.f.length, 0)
  const out = {
    f: new Float64Array(n),
    y: new Uint8Array(n),
    weight: new Float64Array(n),
    part: new Uint8Array(n),
  }
  let o = 0
  for (const c of part.scores) {
    out.f.set(c.f, o)
    out.y.set(c.y, o)
    out.weight.set(c.weight, o)
    out.part.set(c.part, o)
    o += c.f.length
  }
  return out
}

/** The kept test rows of every partition, one after the other. */
function concatTest(part: EvaluatePart, d: number) {
  const n = part.test.reduce((s, c) => s + c.y.length, 0)
  const out = { n, x: new Float64Array(n * d), y: new Uint8Array(n), weight: new Float64Array(n) }
  let o = 0
  for (const c of part.test) {
    out.x.set(c.x, o * d)
    out.y.set(c.y, o)
    out.weight.set(c.weight, o)
    o += c.y.length
  }
  return out
}
