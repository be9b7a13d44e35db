/**
 * The settings a trainer offers to change while it runs (issue 14: "changing a setting
 * mid-run takes effect at the next step"), as GateSettings for the job's gate (jobs/context.ts).
 * Each reads the value in use and applies a new one between two batches.
 */
import {
  type GateSetting,
  positiveNumber,
  type SettingValue,
  type TrainingGate,
} from '../jobs/context'

/** A number setting read by `get` and changed by `set`, checked by `check` (default: > 0). */
export function numberSetting(
  get: () => number,
  set: (value: number) => void,
  check: (value: SettingValue) => string | null = positiveNumber,
): GateSetting {
  return {
    get value() {
      return get()
    },
    check,
    apply: (value) => set(value as number),
  }
}

/** A whole number ≥ 1 (batch sizes), or why not. */
export function positiveInteger(value: SettingValue): string | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1
    ? null
    : `must be a whole number of at least 1, not ${JSON.stringify(value)}`
}

/** A number ≥ 0 (regularisation rates), or why not. */
export function nonNegativeNumber(value: SettingValue): string | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? null
    : `must be a number of at least 0, not ${JSON.stringify(value)}`
}

/** Offers several settings at once; the returned function withdraws them all. */
export function offerSettings(
  gate: TrainingGate,
  settings: Readonly<Record<string, GateSetting>>,
): () => void {
  const withdraw = Object.entries(settings).map(([name, s]) => gate.offer(name, s))
  return () => withdraw.forEach((w) => w())
}

/** Offers `learningRate` of a network whose optimizer can change it (TrainableDense). */
export function offerLearningRate(gate: TrainingGate, net: { learningRate: number }): () => void {
  return gate.offer(
    'learningRate',
    numberSetting(
      () => net.learningRate,
      (v) => (net.learningRate = v),
    ),
  )
}

/**
 * `learningRate` of a tf.train optimizer: SGD and momentum cache −lr as a tensor and change it
 * through `setLearningRate`; Adam reads its `learningRate` field at each update.
 */
export function tfLearningRate(optimizer: object): { learningRate: number } {
  const o = optimizer as { learningRate: number; setLearningRate?: (lr: number) => void }
  return {
    get learningRate() {
      return o.learningRate
    },
    set learningRate(lr: number) {
      if (o.setLearningRate) o.setLearningRate(lr)
      else o.learningRate = lr
    },
  }
}
