/**
 * One partition's share of a training set, row by row as assembleTrainingData builds the whole
 * one: its selected events with the missing-value policy applied (rows with a missing input
 * dropped, or the value marked and, once the training means are known, replaced by them), the
 * class, the physical weight and the part of the split drawn from the split stream resumed at
 * the partition's first row (split-stream.ts). Out-of-core classifier training runs its passes
 * over these, so every pass sees exactly the rows, values and parts of the in-memory set.
 */
import type { TrainSetup } from '../../../shared/contract/train'
import { Random } from '../data/random'
import type { SelectedEvents } from './build-dataset'
import { drawParts } from './split-stream'

/** The parts of a set-up a partition's rows follow. */
export type RowRules = Pick<TrainSetup, 'missing' | 'split' | 'weights'>

/** A partition's rows (see the file comment). */
export interface PartitionRows {
  readonly n: number
  readonly d: number
  /** Row-major n × d; a missing value is the training mean when `means` were given, else 0. */
  readonly x: Float64Array
  /** 1 where x is missing (before the replacement), row-major n × d. */
  readonly isMissing: Uint8Array
  readonly y: Uint8Array
  /** Physical weights. */
  readonly weight: Float64Array
  /** PART per row. */
  readonly part: Uint8Array
  /** Selected events left out by the `drop` policy. */
  readonly dropped: number
}

/** `rules`' missing-value test: a declared sentinel, NaN or ±∞. */
export function missingTest(rules: Pick<RowRules, 'missing'>): (v: number) => boolean {
  const sentinels = new Set(rules.missing.values)
  return (v) => !Number.isFinite(v) || sentinels.has(v)
}

/** How many of `events`' rows the missing-value policy keeps (what the split counts). */
export function keptRows(events: SelectedEvents, rules: Pick<RowRules, 'missing'>): number {
  const n = events.weight.length
  if (rules.missing.policy !== 'drop') return n
  const missing = missingTest(rules)
  let k = 0
  for (let i = 0; i < n; i++) if (!events.columns.some((c) => missing(c[i]))) k++
  return k
}

/**
 * The rows of `events` under `rules`, their parts drawn from the split stream at `state`
 * (Random.state of the stream at this partition's first row); missing values replaced by
 * `means` (per input) when given.
 */
export function partitionRows(
  events: SelectedEvents,
  rules: RowRules,
  state: readonly number[],
  means: readonly number[] | null,
): PartitionRows {
  const d = events.columns.length
  const m = events.weight.length
  const missing = missingTest(rules)
  const drop = rules.missing.policy === 'drop'
  const n = keptRows(events, rules)
  const x = new Float64Array(n * d)
  const isMissing = new Uint8Array(n * d)
  const weight = new Float64Array(n)
  const y = new Uint8Array(n).fill(events.role === 'signal' ? 1 : 0)
  let r = 0
  for (let i = 0; i < m; i++) {
    if (drop && events.columns.some((c) => missing(c[i]))) continue
    for (let j = 0; j < d; j++) {
      const v = events.columns[j][i]
      if (missing(v)) {
        isMissing[r * d + j] = 1
        if (means) x[r * d + j] = means[j]
      } else x[r * d + j] = v
    }
    weight[r] = events.weight[i]
    r++
  }
  const part = drawParts(Random.at(state), n, rules.split)
  return { n, d, x, isMissing, y, weight, part, dropped: m - n }
}

/**
 * Training weight of a row of class y and physical weight v (trainingWeights): negative weights
 * zeroed when asked, times the class's normalisation factor `factors[y]`.
 */
export function trainingWeight(
  v: number,
  y: number,
  rules: Pick<RowRules, 'weights'>,
  factors: readonly number[],
): number {
  return (rules.weights.negative === 'ignore' && v < 0 ? 0 : v) * factors[y]
}
