/**
 * Summary statistics of a column. For a jagged column the figures are over all elements (every
 * jet of every event), and an event weight applies to each of its elements. Sums are float64
 * whatever the column's type; the variance is computed in a second pass around the mean, which
 * keeps its precision when the mean is large compared with the spread.
 */
import type { Column, NumericArray } from '../../../shared/column'

export interface WeightedStats {
  /** Σw and Σw² over the non-NaN elements (NaN weights are skipped like NaN values). */
  readonly sumw: number
  readonly sumw2: number
  /** Σw·x / Σw. */
  readonly mean: number
  /** sqrt(Σw·(x − mean)² / Σw). */
  readonly std: number
  /** Kish effective number of entries (Σw)² / Σw². */
  readonly effectiveEntries: number
}

export interface ColumnStats {
  /** Number of values (elements for jagged columns), NaN included. */
  readonly count: number
  /** How many of them are NaN; the figures below ignore those. */
  readonly nan: number
  readonly sum: number
  readonly mean: number
  /** Population standard deviation (divides by n, like numpy's default). */
  readonly std: number
  readonly min: number
  readonly max: number
  /** Present when weights were given. */
  readonly weighted?: WeightedStats
}

/** Per-element weights of a column: event weights repeated for each element of a jagged column. */
function elementWeights(c: Column, eventWeights: ArrayLike<number>): ArrayLike<number> {
  if (c.kind === 'flat') return eventWeights
  const w = new Float64Array(c.values.length)
  for (let e = 0; e + 1 < c.offsets.length; e++) {
    const we = eventWeights[e]
    for (let i = c.offsets[e]; i < c.offsets[e + 1]; i++) w[i] = we
  }
  return w
}

/**
 * Statistics of a column, optionally weighted by one weight per event (`weights.length` must be
 * the column's number of events).
 */
export function columnStats(c: Column, weights?: ArrayLike<number>): ColumnStats {
  const x: NumericArray = c.values
  const n = x.length
  let nan = 0
  let sum = 0
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < n; i++) {
    const v = x[i]
    if (v !== v) {
      nan++
      continue
    }
    sum += v
    if (v < min) min = v
    if (v > max) max = v
  }
  const good = n - nan
  const mean = good ? sum / good : NaN
  let ss = 0
  for (let i = 0; i < n; i++) {
    const v = x[i]
    if (v === v) ss += (v - mean) * (v - mean)
  }
  const base = {
    count: n,
    nan,
    sum,
    mean,
    std: good ? Math.sqrt(ss / good) : NaN,
    min: good ? min : NaN,
    max: good ? max : NaN,
  }
  if (!weights) return base
  const events = c.kind === 'flat' ? n : c.offsets.length - 1
  if (weights.length !== events) {
    throw new RangeError(`weights have ${weights.length} entries, the column has ${events} events`)
  }
  return { ...base, weighted: weightedStats(x, elementWeights(c, weights)) }
}

function weightedStats(x: NumericArray, w: ArrayLike<number>): WeightedStats {
  let sumw = 0
  let sumw2 = 0
  let sumwx = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]
    const wi = w[i]
    if (v !== v || wi !== wi) continue
    sumw += wi
    sumw2 += wi * wi
    sumwx += wi * v
  }
  const mean = sumwx / sumw
  let ss = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]
    const wi = w[i]
    if (v !== v || wi !== wi) continue
    ss += wi * (v - mean) * (v - mean)
  }
  return {
    sumw,
    sumw2,
    mean,
    std: Math.sqrt(ss / sumw),
    effectiveEntries: sumw2 > 0 ? (sumw * sumw) / sumw2 : 0,
  }
}
