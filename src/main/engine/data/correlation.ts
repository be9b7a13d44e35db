/**
 * Weighted Pearson correlation of k variables over the same events:
 *   ρ_ab = Σw (a − ā)(b − b̄) / sqrt(Σw (a − ā)² · Σw (b − b̄)²),  means weighted by w.
 * Only events where every variable and the weight are numbers count (complete cases), so the
 * matrix is positive semi-definite, as a correlation matrix must be.
 *
 * Written as part → merge → finish so that events read in pieces give the matrix of the whole:
 * a part holds, over its complete cases, Σw, the weighted means, the co-moments
 * Σw (a − ā)(b − b̄) around its own means (two passes within the part) and each variable's
 * extremes; two parts merge by Chan's formula for co-moments. One part is the whole matrix.
 */
import type { NumericArray } from '../../../shared/column'

/** The correlation sums of one set of events (see the file comment). */
export interface CorrelationPart {
  /** Variables. */
  readonly k: number
  /** Complete cases. */
  events: number
  sumw: number
  /** Weighted means (NaN when Σw = 0 with events). */
  readonly mean: Float64Array
  /** Upper triangle (row-major k×k) of Σw (a − ā)(b − b̄). */
  readonly comoment: Float64Array
  readonly lo: Float64Array
  readonly hi: Float64Array
  /**
   * Only for events whose weights cancel (Σw = 0, NLO weights ±w), which have no mean: then
   * `mean` is 0, `comoment` holds the raw Σw·a·b and this the raw Σw·a, which carry the part
   * into a merge. Null otherwise.
   */
  sx?: Float64Array | null
}

/** The weighted correlation matrix and its facts (see weightedCorrelation). */
export interface Correlation {
  matrix: (number | null)[][]
  constant: boolean[]
  events: number
}

/**
 * `columns`: k arrays of n values each (one per event); `weights`: n event weights.
 * Returns the k×k matrix (null where a variable is constant or no event counts, its diagonal
 * element included; 1 on the diagonal otherwise), which variables
 * are constant over the events used (one value in all of them: no correlation is defined, and
 * the matrix must say so rather than show an empty row), and the number of events used.
 */
export function weightedCorrelation(
  columns: readonly NumericArray[],
  weights: ArrayLike<number>,
): Correlation {
  return finishCorrelation(correlationPart(columns, weights))
}

/** The correlation sums of n events (`columns`: k arrays of n values; `weights`: n). */
export function correlationPart(
  columns: readonly NumericArray[],
  weights: ArrayLike<number>,
): CorrelationPart {
  const k = columns.length
  const n = weights.length
  for (const c of columns)
    if (c.length !== n) throw new RangeError(`a column has ${c.length} values, weights ${n}`)
  const keep = new Uint8Array(n)
  let events = 0
  let sumw = 0
  const mean = new Float64Array(k)
  const lo = new Float64Array(k).fill(Infinity)
  const hi = new Float64Array(k).fill(-Infinity)
  for (let i = 0; i < n; i++) {
    const w = weights[i]
    if (w !== w) continue
    let ok = true
    for (let a = 0; a < k && ok; a++) {
      const v = columns[a][i]
      ok = v === v && v !== Infinity && v !== -Infinity
    }
    if (!ok) continue
    keep[i] = 1
    events++
    sumw += w
    for (let a = 0; a < k; a++) {
      const v = columns[a][i]
      mean[a] += w * v
      if (v < lo[a]) lo[a] = v
      if (v > hi[a]) hi[a] = v
    }
  }
  // Weights that cancel: no mean; co-moments around 0 and the raw Σw·a (mergeCorrelation).
  const zero = events > 0 && sumw === 0
  const sx = zero ? Float64Array.from(mean) : null
  if (zero) mean.fill(0)
  else if (events) for (let a = 0; a < k; a++) mean[a] /= sumw
  // Upper triangle of the covariance (times Σw), accumulated in one pass over the events.
  const cov = new Float64Array(k * k)
  const d = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue
    const w = weights[i]
    for (let a = 0; a < k; a++) d[a] = columns[a][i] - mean[a]
    for (let a = 0; a < k; a++) {
      const wd = w * d[a]
      for (let b = a; b < k; b++) cov[a * k + b] += wd * d[b]
    }
  }
  return { k, events, sumw, mean, comoment: cov, lo, hi, sx }
}

/**
 * `a` then `b` (disjoint events, the same variables): Chan et al.'s pairwise update,
 *   C = C_a + C_b + δ_a δ_b · W_a W_b / W,  mean = mean_a + δ · W_b / W,  δ = mean_b − mean_a.
 * `a`'s arrays are reused.
 */
export function mergeCorrelation(a: CorrelationPart, b: CorrelationPart): CorrelationPart {
  if (b.k !== a.k) throw new RangeError(`parts of ${a.k} and ${b.k} variables`)
  if (b.events === 0) return a
  if (a.events === 0) return b
  if (a.sx || b.sx || a.sumw + b.sumw === 0) return mergeAroundReference(a, b)
  const { k } = a
  const w = a.sumw + b.sumw
  const f = (a.sumw * b.sumw) / w
  const delta = Float64Array.from(a.mean, (m, i) => b.mean[i] - m)
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++)
      a.comoment[i * k + j] += b.comoment[i * k + j] + delta[i] * delta[j] * f
    a.mean[i] += (delta[i] * b.sumw) / w
    if (b.lo[i] < a.lo[i]) a.lo[i] = b.lo[i]
    if (b.hi[i] > a.hi[i]) a.hi[i] = b.hi[i]
  }
  a.events += b.events
  a.sumw = w
  return a
}

/**
 * The merge where a part's (or the whole's) weights cancel: each part as Σw, a reference c
 * (its mean, or 0), S1 = Σw(x − c) (0 around a mean, sx around 0) and S2 = Σw(x − c)(y − c),
 * moved to the whole's mean (0 when the whole's weights cancel too):
 *   S1' = S1 + W(c − c'),  S2' = S2 + (c − c')⊗S1 + S1⊗(c − c') + W(c − c')⊗(c − c').
 */
function mergeAroundReference(a: CorrelationPart, b: CorrelationPart): CorrelationPart {
  const { k } = a
  const w = a.sumw + b.sumw
  const s1 = (p: CorrelationPart, i: number) => p.sx?.[i] ?? 0
  const ref = new Float64Array(k)
  if (w !== 0)
    for (let i = 0; i < k; i++)
      ref[i] = (a.sumw * a.mean[i] + s1(a, i) + b.sumw * b.mean[i] + s1(b, i)) / w
  const comoment = new Float64Array(k * k)
  const sx = new Float64Array(k)
  for (const p of [a, b]) {
    const d = Float64Array.from(p.mean, (c, i) => c - ref[i])
    for (let i = 0; i < k; i++) {
      sx[i] += s1(p, i) + p.sumw * d[i]
      for (let j = i; j < k; j++)
        comoment[i * k + j] +=
          p.comoment[i * k + j] + d[i] * s1(p, j) + s1(p, i) * d[j] + p.sumw * d[i] * d[j]
    }
  }
  return {
    k,
    events: a.events + b.events,
    sumw: w,
    mean: ref,
    comoment,
    lo: Float64Array.from(a.lo, (l, i) => Math.min(l, b.lo[i])),
    hi: Float64Array.from(a.hi, (h, i) => Math.max(h, b.hi[i])),
    sx: w === 0 ? sx : null,
  }
}

/** The matrix of merged sums (the rules of weightedCorrelation). */
export function finishCorrelation(p: CorrelationPart): Correlation {
  const { k, events, lo, hi, comoment: cov } = p
  // Exactly one value: its deviations from the float mean are rounding noise, not a spread.
  const constant = Array.from(lo, (l, a) => events > 0 && l === hi[a])
  const matrix: (number | null)[][] = []
  for (let a = 0; a < k; a++) {
    const row: (number | null)[] = []
    for (let b = 0; b < k; b++) {
      const [i, j] = a <= b ? [a, b] : [b, a]
      const denom = Math.sqrt(cov[i * k + i] * cov[j * k + j])
      // Exactly 1 on the diagonal of a varying variable, not 1 ± rounding.
      const r = a === b ? 1 : cov[i * k + j] / denom
      const defined = events > 1 && !constant[a] && !constant[b] && denom > 0 && Number.isFinite(r)
      row.push(defined ? Math.max(-1, Math.min(1, r)) : null)
    }
    matrix.push(row)
  }
  return { matrix, constant, events }
}
