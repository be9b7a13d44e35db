/**
 * Judging an anomaly score honestly: the ROC and AUC of each signal sample against the
 * validation background (physical weights; the background's training part is left out since
 * the model has seen it), always beside the ROC of the best single input variable — the input
 * with the largest |AUC − 0.5|, either direction — so the user sees whether the model adds
 * anything over one cut.
 */
import type { AnomalyEvaluation, BestVariable } from '../../../../shared/contract/anomaly'
import { PART, type TrainingData } from '../dataset'
import { weightedRoc } from '../evaluate/roc'
import { type AnomalyModel, eventLosses, type EventLosses, type StackRunner } from './model'
import { finiteOrNull } from '../../../../shared/contract/common'

/** The losses (anomaly score, components, per feature) of every event of `data`. */
export function scoreData(model: AnomalyModel, run: StackRunner, data: TrainingData): EventLosses {
  if (data.d !== model.arch.inputs.length)
    throw new Error(`the model takes ${model.arch.inputs.length} inputs, the data has ${data.d}`)
  return eventLosses(model, run, data.x, data.n)
}

/**
 * The best single input (raw values) at separating `signalRows` from `backgroundRows`: its
 * AUC folded to ≥ 0.5 and the direction that gives it. Null when no input has a defined AUC.
 */
export function bestSingleVariable(
  data: TrainingData,
  signalRows: ArrayLike<number>,
  backgroundRows: ArrayLike<number>,
  maxPoints = 200,
): BestVariable | null {
  const rows = [...Array.from(backgroundRows), ...Array.from(signalRows)]
  const labels = data.y
  let best: { j: number; auc: number } | null = null
  const column = (j: number, sign: number) => {
    const c = new Float64Array(data.n)
    for (const i of rows) c[i] = sign * data.x[i * data.d + j]
    return c
  }
  for (let j = 0; j < data.d; j++) {
    const { auc } = weightedRoc(column(j, 1), labels, data.weight, rows, 3)
    if (Number.isFinite(auc) && (!best || Math.abs(auc - 0.5) > Math.abs(best.auc - 0.5)))
      best = { j, auc }
  }
  if (!best) return null
  const direction = best.auc >= 0.5 ? 'above' : 'below'
  const roc = weightedRoc(
    column(best.j, direction === 'above' ? 1 : -1),
    labels,
    data.weight,
    rows,
    maxPoints,
  )
  return {
    name: data.inputs[best.j],
    auc: finiteOrNull(roc.auc),
    direction,
    roc: { eff_s: roc.eff_s, eff_b: roc.eff_b },
  }
}

/** Weighted mean of `v[i·d + j]` over `rows` with weights `w` (|w|), per column j. */
function columnMeans(
  v: Float64Array,
  d: number,
  rows: ArrayLike<number>,
  w: ArrayLike<number>,
): (number | null)[] {
  const sum = new Float64Array(d)
  let sw = 0
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]
    const wi = Math.abs(w[i])
    sw += wi
    for (let j = 0; j < d; j++) sum[j] += wi * v[i * d + j]
  }
  return Array.from(sum, (s) => (sw > 0 ? finiteOrNull(s / sw) : null))
}

/**
 * The evaluation of `losses` (from scoreData on `data`): val_loss (weighted mean training loss
 * of the validation background, training weights), per signal sample the ROC and AUC of the
 * score and its own best single variable, the best single variable of all signal together,
 * and each input's mean reconstruction loss for background and signal.
 */
export function evaluateAnomaly(
  data: TrainingData,
  losses: EventLosses,
  maxPoints = 200,
): AnomalyEvaluation {
  const background: number[] = []
  const signal: number[] = []
  for (let i = 0; i < data.n; i++) {
    if (data.y[i]) signal.push(i)
    else if (data.part[i] === PART.validation) background.push(i)
  }
  let s = 0
  let sw = 0
  for (const i of background) {
    const wi = Math.abs(data.w[i])
    s += wi * losses.total[i]
    sw += wi
  }
  const signals = data.samples.flatMap((sample, si) => {
    if (sample.role !== 'signal') return []
    const rows = signal.filter((i) => data.sample[i] === si)
    const roc = weightedRoc(losses.score, data.y, data.weight, [...background, ...rows], maxPoints)
    return [
      {
        name: sample.name,
        auc: finiteOrNull(roc.auc),
        roc: { eff_s: roc.eff_s, eff_b: roc.eff_b },
        best_single_variable: bestSingleVariable(data, rows, background, maxPoints),
      },
    ]
  })
  const bg = columnMeans(losses.perFeature, data.d, background, data.weight)
  const sig = columnMeans(losses.perFeature, data.d, signal, data.weight)
  return {
    val_loss: sw > 0 ? finiteOrNull(s / sw) : null,
    signals,
    best_single_variable: bestSingleVariable(data, signal, background, maxPoints),
    features: data.inputs.map((input, j) => ({ input, background: bg[j], signal: sig[j] })),
  }
}
