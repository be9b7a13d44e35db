/**
 * Loss curves as points [epoch, value], epochs from 1: from a stored history or from live metric
 * events. The stores collect them while a network trains; components/train/loss-option.ts and
 * components/inferno/loss-compare-option.ts draw them.
 */

/** Points [epoch, loss] with epochs counted from 1; undefined values (null/NaN) are left out. */
export type LossPoints = [number, number][]

/** The stored history (index 0 = epoch 1) as points. */
export function historyPoints(values: (number | null)[]): LossPoints {
  const out: LossPoints = []
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) out.push([i + 1, v])
  })
  return out
}

/**
 * Live metric events as points: the step of an epoch metric is the 0-based epoch index (as the
 * engine's training loop sends it, like `ModelSummary.bestEpoch`), shown as epoch step + 1.
 * Later values of a step replace earlier ones; undefined values are left out.
 */
export function livePoints(steps: ReadonlyMap<number, number>): LossPoints {
  return [...steps.entries()]
    .filter(([, v]) => Number.isFinite(v))
    .sort((a, b) => a[0] - b[0])
    .map(([k, v]) => [k + 1, v])
}

/** The best epoch (0-based index, −1: the initial weights) as the plots count it, from 1; or null. */
export function bestEpochNumber(bestEpoch: number): number | null {
  return bestEpoch >= 0 ? bestEpoch + 1 : null
}

/** Live metric events of one training (`step → value`, step 0-based) as points from 1. */
export const metricPoints = livePoints

/** A training and a validation curve. */
export interface LossPair {
  loss: LossPoints
  valLoss: LossPoints
}
