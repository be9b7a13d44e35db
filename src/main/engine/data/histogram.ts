/**
 * Weighted 1-D histograms with uniform bins: the sum of weights and the sum of squared weights
 * per bin (DESIGN.md §4), plus underflow and overflow. Filling is a single tight loop over a
 * typed array, so 10^7 weighted values take a few tens of milliseconds.
 */
import type { Column, NumericArray } from '../../../shared/column'

export interface Hist1D {
  readonly bins: number
  /** Lower edge of the first bin and upper edge of the last (GeV for energies). */
  readonly lo: number
  readonly hi: number
  /**
   * Length bins + 2: index 0 is the underflow (x < lo), 1..bins the bins, bins + 1 the
   * overflow (x ≥ hi, and +Inf).
   */
  readonly sumw: Float64Array
  readonly sumw2: Float64Array
  /** Values filled (NaN values and NaN weights are not filled, counted in `nan`). */
  entries: number
  nan: number
}

/** An empty histogram of `bins` uniform bins on [lo, hi). */
export function createHist(bins: number, lo: number, hi: number): Hist1D {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be ≥ 1, got ${bins}`)
  if (!(hi > lo) || !isFinite(lo) || !isFinite(hi)) {
    throw new RangeError(`range must be finite with hi > lo, got [${lo}, ${hi})`)
  }
  return {
    bins,
    lo,
    hi,
    sumw: new Float64Array(bins + 2),
    sumw2: new Float64Array(bins + 2),
    entries: 0,
    nan: 0,
  }
}

/**
 * Adds `values` to `h`, each with weight `weights[i]` (default 1). `weights` has the same length
 * as `values` (use `fillColumn` for per-event weights of a jagged column).
 */
export function fillHist(h: Hist1D, values: NumericArray, weights?: ArrayLike<number>): void {
  const { bins, lo, hi, sumw, sumw2 } = h
  const scale = bins / (hi - lo)
  const n = values.length
  if (weights && weights.length !== n) {
    throw new RangeError(`weights have ${weights.length} entries, values ${n}`)
  }
  // Two loops rather than a per-value `weights ?` test: this is the hottest loop of the app.
  const nan = weights
    ? fillWeighted(values, weights, lo, hi, bins, scale, sumw, sumw2)
    : fillUnweighted(values, lo, hi, bins, scale, sumw, sumw2)
  h.entries += n - nan
  h.nan += nan
}

/** Bin index 0..bins+1 of a non-NaN x; x within rounding of hi still goes to the last bin. */
function binOf(x: number, lo: number, hi: number, bins: number, scale: number): number {
  if (x < lo) return 0
  if (x >= hi) return bins + 1
  const b = ((x - lo) * scale) | 0
  return b < bins ? b + 1 : bins
}

/**
 * Weighted fill of values[from..to): the plain loop, also used for the tail and for groups of
 * four that hold a NaN. Returns how many values or weights were NaN.
 */
function fillWeightedRange(
  values: NumericArray,
  weights: ArrayLike<number>,
  from: number,
  to: number,
  lo: number,
  hi: number,
  bins: number,
  scale: number,
  sumw: Float64Array,
  sumw2: Float64Array,
): number {
  let nan = 0
  for (let i = from; i < to; i++) {
    const x = values[i]
    const w = weights[i]
    if (x !== x || w !== w) {
      nan++
      continue
    }
    const b = binOf(x, lo, hi, bins, scale)
    sumw[b] += w
    sumw2[b] += w * w
  }
  return nan
}

/**
 * Four values per iteration: their bin computations are independent and overlap in the CPU,
 * which V8 does not arrange by itself (it does not unroll loops); about 1.3–1.5× faster. Each
 * bin still receives its values in index order, so sums are identical to the plain loop.
 */
function fillWeighted(
  values: NumericArray,
  weights: ArrayLike<number>,
  lo: number,
  hi: number,
  bins: number,
  scale: number,
  sumw: Float64Array,
  sumw2: Float64Array,
): number {
  const n4 = values.length - (values.length % 4)
  let nan = 0
  for (let i = 0; i < n4; i += 4) {
    const x0 = values[i]
    const x1 = values[i + 1]
    const x2 = values[i + 2]
    const x3 = values[i + 3]
    const w0 = weights[i]
    const w1 = weights[i + 1]
    const w2 = weights[i + 2]
    const w3 = weights[i + 3]
    if (
      x0 !== x0 ||
      x1 !== x1 ||
      x2 !== x2 ||
      x3 !== x3 ||
      w0 !== w0 ||
      w1 !== w1 ||
      w2 !== w2 ||
      w3 !== w3
    ) {
      nan += fillWeightedRange(values, weights, i, i + 4, lo, hi, bins, scale, sumw, sumw2)
      continue
    }
    const b0 = binOf(x0, lo, hi, bins, scale)
    const b1 = binOf(x1, lo, hi, bins, scale)
    const b2 = binOf(x2, lo, hi, bins, scale)
    const b3 = binOf(x3, lo, hi, bins, scale)
    sumw[b0] += w0
    sumw2[b0] += w0 * w0
    sumw[b1] += w1
    sumw2[b1] += w1 * w1
    sumw[b2] += w2
    sumw2[b2] += w2 * w2
    sumw[b3] += w3
    sumw2[b3] += w3 * w3
  }
  return (
    nan + fillWeightedRange(values, weights, n4, values.length, lo, hi, bins, scale, sumw, sumw2)
  )
}

/** Unit weights: counts per bin, added to both Σw and Σw² (1² = 1) at the end. */
function fillUnweighted(
  values: NumericArray,
  lo: number,
  hi: number,
  bins: number,
  scale: number,
  sumw: Float64Array,
  sumw2: Float64Array,
): number {
  const counts = new Float64Array(bins + 2)
  const n4 = values.length - (values.length % 4)
  let nan = 0
  for (let i = 0; i < n4; i += 4) {
    const x0 = values[i]
    const x1 = values[i + 1]
    const x2 = values[i + 2]
    const x3 = values[i + 3]
    if (x0 !== x0 || x1 !== x1 || x2 !== x2 || x3 !== x3) {
      nan += countRange(values, i, i + 4, lo, hi, bins, scale, counts)
      continue
    }
    counts[binOf(x0, lo, hi, bins, scale)] += 1
    counts[binOf(x1, lo, hi, bins, scale)] += 1
    counts[binOf(x2, lo, hi, bins, scale)] += 1
    counts[binOf(x3, lo, hi, bins, scale)] += 1
  }
  nan += countRange(values, n4, values.length, lo, hi, bins, scale, counts)
  for (let b = 0; b < counts.length; b++) {
    sumw[b] += counts[b]
    sumw2[b] += counts[b]
  }
  return nan
}

function countRange(
  values: NumericArray,
  from: number,
  to: number,
  lo: number,
  hi: number,
  bins: number,
  scale: number,
  counts: Float64Array,
): number {
  let nan = 0
  for (let i = from; i < to; i++) {
    const x = values[i]
    if (x !== x) nan++
    else counts[binOf(x, lo, hi, bins, scale)] += 1
  }
  return nan
}

/**
 * Fills a column: flat columns one value per event, jagged columns every element, each with its
 * event's weight (`eventWeights.length` = number of events).
 */
export function fillColumn(h: Hist1D, c: Column, eventWeights?: ArrayLike<number>): void {
  if (c.kind === 'flat' || !eventWeights) {
    fillHist(h, c.values, eventWeights)
    return
  }
  const w = new Float64Array(c.values.length)
  for (let e = 0; e + 1 < c.offsets.length; e++)
    w.fill(eventWeights[e], c.offsets[e], c.offsets[e + 1])
  fillHist(h, c.values, w)
}

/** Bin edges (bins + 1 values). */
export function histEdges(h: Hist1D): Float64Array {
  const e = new Float64Array(h.bins + 1)
  for (let i = 0; i <= h.bins; i++) e[i] = h.lo + ((h.hi - h.lo) * i) / h.bins
  return e
}
