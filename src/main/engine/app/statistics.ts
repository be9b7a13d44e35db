/**
 * Statistics of an expression per sample (count, NaN, sum, mean, std, min, max, and weighted
 * Σw, Σw², mean, std), over all events or a region's: map over partitions → merge. Moments
 * merge by Chan, Golub and LeVeque's formula (the means and the sums of squared deviations of
 * two parts give those of the whole without a second pass), so a partition's figures never need
 * the others'; within a partition the deviations are summed around its own mean (two passes).
 */
import { nameRecord } from '../../../shared/name-record'
import type { Column } from '../../../shared/column'
import type { CheckedExpr } from '../../../shared/expr'
import { silentContext, type JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import { selectedValues, selectionMask } from '../select/hist'
import type { ResolvedCut } from '../select/regions'
import { namedRegion } from './cutflow'
import { mapMerge, scaledContext } from './executor'
import {
  checkValue,
  fileColumns,
  openByName,
  preparePartition,
  valueText,
  type EventSource,
  type OpenedSample,
  type ValueOf,
} from './source'
import {
  openChecked,
  selectionPrep,
  valueOnly,
  type SelectionPrep,
  type SelectionRequest,
} from './checked-samples'
import { definePartitionTask, mapSample } from './partition-task'

export interface StatisticsOptions {
  /** Events of this region only (data hidden when it is blinded); default all events. */
  readonly region?: string
  /** These cuts instead of the region's (an N−1 selection); blinding still from `region`. */
  readonly cuts?: readonly ResolvedCut[]
  /** Leave out a sample the expression or a cut does not compile for, instead of failing. */
  readonly skipUnusable?: boolean
  /** Only the samples of these names (default all). */
  readonly samples?: readonly string[]
}

/** Statistics of an expression, or of a column by name. */
export type StatisticsRequest = ValueOf & StatisticsOptions

/** Moments of a set of values: n values, their mean and Σ(x − mean)². */
interface Moments {
  n: number
  mean: number
  m2: number
}

/**
 * Weighted moments (n holds Σw) with the raw sums Σw·x and Σw·x² beside them: a part whose
 * weights cancel to Σw = 0 (NLO weights ±w) has no mean, yet it moves the whole's mean and
 * spread; its raw sums carry it into the merge.
 */
interface WeightedMoments extends Moments {
  sx: number
  sx2: number
}

/** The partial (and merged) statistics of one sample. */
export interface StatisticsPart {
  /** Values seen (elements for lists), NaN included. */
  count: number
  nan: number
  sum: number
  min: number
  max: number
  plain: Moments
  /** Weighted: n holds Σw; Σw² apart. NaN weights are left out like NaN values. */
  weighted: WeightedMoments
  sumw2: number
  /** Every defined value is a whole number (a count, a flag, a charge). */
  integer: boolean
  /** Smallest and largest finite value (±Inf left out). */
  finiteMin: number
  finiteMax: number
  /** Every finite value is a whole number (±Inf left out). */
  wholeFinite: boolean
}

/** Statistics of one sample (NaN where undefined: no values, or Σw = 0). */
export interface SampleStatistics {
  count: number
  nan: number
  sum: number
  mean: number
  /** Population standard deviation (divides by n). */
  std: number
  min: number
  max: number
  sumw: number
  sumw2: number
  weightedMean: number
  weightedStd: number
  /** Every defined value is a whole number (true when there are none). */
  integer: boolean
  /** Smallest and largest finite value (NaN when none): a histogram's default range. */
  finiteMin: number
  finiteMax: number
  /** Some value is finite and every finite one is whole (integer-centred bins). */
  integral: boolean
}

export interface StatisticsResult {
  expr: string
  region: string | null
  samples: Record<string, SampleStatistics>
  hidden: string[]
}

/** Statistics of an expression per sample. Throws the source's error for a bad expression. */
export async function runStatistics(
  source: EventSource,
  request: StatisticsRequest,
  ctx: JobContext = silentContext(),
): Promise<StatisticsResult> {
  const region = namedRegion(source, request.region)
  const cuts = request.cuts ?? region?.cuts ?? []
  const all = source
    .samples()
    .map((s, index) => ({ s, index }))
    .filter(({ s }) => !request.samples || request.samples.includes(s.name))
  const hidden = region?.blinded ? all.filter(({ s }) => s.role === 'data') : []
  const shown = all.filter((x) => !hidden.includes(x))
  const compiler = new CutCompiler()
  const result: StatisticsResult = {
    expr: valueText(request),
    region: region?.name ?? null,
    samples: nameRecord(),
    hidden: hidden.map(({ s }) => s.name),
  }
  const opened = await openChecked(source, shown, request, cuts, request.skipUnusable, ctx)
  const task: SelectionRequest = { value: valueOnly(request), cuts }
  for (const [i, { sample, values, columns }] of opened.entries()) {
    const part = scaledContext(ctx, i / opened.length, 1 / opened.length)
    try {
      const prep = { values, cuts, columns, compiler }
      const merged = await mapSample(
        source,
        sample,
        statisticsTask,
        task,
        prep,
        mergeStatistics,
        part,
      )
      result.samples[sample.sample.name] = finishStatistics(merged ?? emptyPart())
    } finally {
      sample.release()
    }
  }
  ctx.progress(1)
  return result
}

/** One partition's statistics of a value over the events passing the cuts. */
export const statisticsTask = definePartitionTask<SelectionRequest, SelectionPrep, StatisticsPart>({
  kind: 'statistics',
  prepare: (sample, _source, request) => selectionPrep(sample, request),
  async map(sample, prep, p, c) {
    const prepared = preparePartition(sample, await sample.read(p, prep.columns, c))
    const pass = prep.cuts.length ? selectionMask(prepared, prep.cuts, prep.compiler) : null
    const sel = selectedValues(prepared, prep.values, pass)
    return partialStatistics(sel.values, sel.weights)
  },
})

/** Several values of one sample, each read once (the explorer's table of every variable). */
export interface SampleStatisticsRequest {
  /** The sample's name. */
  readonly sample: string
  /** Expressions or columns by name; all over every event of the sample. */
  readonly values: readonly ValueOf[]
}

/**
 * Statistics of several values over every event of one sample, in one pass over its
 * partitions (their columns read together). Returns one SampleStatistics per value, in request
 * order. Throws the source's error for an unknown sample or value, or a column that cannot
 * be read.
 */
export async function runSampleStatistics(
  source: EventSource,
  request: SampleStatisticsRequest,
  ctx: JobContext = silentContext(),
): Promise<SampleStatistics[]> {
  const sample = await openByName(source, request.sample, ctx)
  try {
    return await openedStatistics(sample, request.values, ctx, source)
  } finally {
    sample.release()
  }
}

/**
 * runSampleStatistics on a sample already opened (a caller that asks for its columns in
 * batches opens it once). `source`: the source it was opened from, whose executor runs the
 * partitions (absent: this process).
 */
export async function openedStatistics(
  sample: OpenedSample,
  request: readonly ValueOf[],
  ctx: JobContext = silentContext(),
  source?: EventSource,
): Promise<SampleStatistics[]> {
  const task = { values: request.map(valueOnly) }
  const prep = valuesPrep(sample, task)
  const merge = (a: StatisticsPart[], b: StatisticsPart[]) =>
    a.map((x, k) => mergeStatistics(x, b[k]))
  const merged = source
    ? await mapSample(source, sample, valuesStatisticsTask, task, prep, merge, ctx)
    : await mapMerge<StatisticsPart[]>(
        await sample.partitions(),
        { map: (p, c) => valuesStatisticsTask.map(sample, prep, p, c), merge },
        ctx,
      )
  return (merged ?? prep.values.map(emptyPart)).map(finishStatistics)
}

interface ValuesRequest {
  readonly values: readonly ValueOf[]
}

interface ValuesPrep {
  readonly values: readonly CheckedExpr[]
  readonly columns: readonly string[]
}

function valuesPrep(sample: OpenedSample, request: ValuesRequest): ValuesPrep {
  const values = request.values.map((v) => checkValue(sample, v))
  return { values, columns: fileColumns(sample, values) }
}

/** One partition's statistics of several values over all its events (read together). */
export const valuesStatisticsTask = definePartitionTask<
  ValuesRequest,
  ValuesPrep,
  StatisticsPart[]
>({
  kind: 'statistics-values',
  prepare: (sample, _source, request) => valuesPrep(sample, request),
  async map(sample, prep, p, c) {
    const prepared = preparePartition(sample, await sample.read(p, prep.columns, c))
    return prep.values.map((v) => {
      const sel = selectedValues(prepared, v, null)
      return partialStatistics(sel.values, sel.weights)
    })
  },
})

function emptyPart(): StatisticsPart {
  return {
    count: 0,
    nan: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    plain: { n: 0, mean: 0, m2: 0 },
    weighted: { n: 0, mean: 0, m2: 0, sx: 0, sx2: 0 },
    sumw2: 0,
    integer: true,
    finiteMin: Infinity,
    finiteMax: -Infinity,
    wholeFinite: true,
  }
}

/** The statistics of one partition's values; `weights` per event (or one for all events). */
export function partialStatistics(c: Column, weights: Float64Array | number): StatisticsPart {
  const x = c.values
  const wa = elementWeights(c, weights)
  const out = emptyPart()
  out.count = x.length
  let n = 0
  let sw = 0
  let swx = 0
  let swx2 = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]
    if (v !== v) {
      out.nan++
      continue
    }
    n++
    out.sum += v
    if (v < out.min) out.min = v
    if (v > out.max) out.max = v
    if (out.integer && !Number.isInteger(v)) out.integer = false
    if (out.wholeFinite && !Number.isInteger(v) && v !== Infinity && v !== -Infinity)
      out.wholeFinite = false
    if (v < out.finiteMin && v !== -Infinity) out.finiteMin = v
    if (v > out.finiteMax && v !== Infinity) out.finiteMax = v
    const w = wa[i]
    if (w === w) {
      sw += w
      swx += w * v
      swx2 += w * v * v
      out.sumw2 += w * w
    }
  }
  const mean = n ? out.sum / n : 0
  const wmean = sw !== 0 ? swx / sw : 0
  let m2 = 0
  let wm2 = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]
    if (v !== v) continue
    m2 += (v - mean) * (v - mean)
    const w = wa[i]
    if (w === w) wm2 += w * (v - wmean) * (v - wmean)
  }
  out.plain = { n, mean, m2 }
  out.weighted = { n: sw, mean: wmean, m2: wm2, sx: swx, sx2: swx2 }
  return out
}

/**
 * The weight of every element: its event's (lists repeat the event weight for every element),
 * as one array the loops read without a call per element.
 */
function elementWeights(c: Column, weights: Float64Array | number): Float64Array {
  if (typeof weights === 'number') return new Float64Array(c.values.length).fill(weights)
  if (c.kind === 'flat') return weights
  const out = new Float64Array(c.values.length)
  for (let e = 0; e + 1 < c.offsets.length; e++)
    out.fill(weights[e], c.offsets[e], c.offsets[e + 1])
  return out
}

/** Chan et al.: moments of two disjoint parts combined. */
function mergeMoments(a: Moments, b: Moments): Moments {
  if (b.n === 0) return a
  if (a.n === 0) return b
  const n = a.n + b.n
  const delta = b.mean - a.mean
  return {
    n,
    mean: a.mean + (delta * b.n) / n,
    m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n,
  }
}

/**
 * Weighted moments of two disjoint parts: Chan's formula when both have Σw ≠ 0 and so has the
 * whole; a part of Σw = 0 enters through its raw sums (Σw(x − M)² = Σwx² − 2MΣwx for it).
 */
function mergeWeighted(a: WeightedMoments, b: WeightedMoments): WeightedMoments {
  const sx = a.sx + b.sx
  const sx2 = a.sx2 + b.sx2
  const n = a.n + b.n
  if (n === 0) return { n: 0, mean: 0, m2: 0, sx, sx2 }
  if (a.n !== 0 && b.n !== 0) return { ...mergeMoments(a, b), sx, sx2 }
  const [p, z] = a.n !== 0 ? [a, b] : [b, a]
  if (z.sx === 0 && z.sx2 === 0) return { n: p.n, mean: p.mean, m2: p.m2, sx, sx2 }
  const mean = (p.n * p.mean + z.sx) / p.n
  const m2 = p.m2 + p.n * (p.mean - mean) * (p.mean - mean) + z.sx2 - 2 * mean * z.sx
  return { n, mean, m2, sx, sx2 }
}

/** a then b: counts and sums added, extremes compared, moments by Chan's formula. */
export function mergeStatistics(a: StatisticsPart, b: StatisticsPart): StatisticsPart {
  return {
    count: a.count + b.count,
    nan: a.nan + b.nan,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    plain: mergeMoments(a.plain, b.plain),
    weighted: mergeWeighted(a.weighted, b.weighted),
    sumw2: a.sumw2 + b.sumw2,
    integer: a.integer && b.integer,
    finiteMin: Math.min(a.finiteMin, b.finiteMin),
    finiteMax: Math.max(a.finiteMax, b.finiteMax),
    wholeFinite: a.wholeFinite && b.wholeFinite,
  }
}

/** The plain figures of a merged part. */
export function finishStatistics(p: StatisticsPart): SampleStatistics {
  const n = p.plain.n
  const sw = p.weighted.n
  return {
    count: p.count,
    nan: p.nan,
    sum: p.sum,
    mean: n ? p.plain.mean : NaN,
    std: n ? Math.sqrt(p.plain.m2 / n) : NaN,
    min: n ? p.min : NaN,
    max: n ? p.max : NaN,
    sumw: sw,
    sumw2: p.sumw2,
    weightedMean: sw !== 0 ? p.weighted.mean : NaN,
    weightedStd: sw !== 0 ? Math.sqrt(p.weighted.m2 / sw) : NaN,
    integer: p.integer,
    finiteMin: p.finiteMin <= p.finiteMax ? p.finiteMin : NaN,
    finiteMax: p.finiteMin <= p.finiteMax ? p.finiteMax : NaN,
    integral: p.wholeFinite && p.finiteMin <= p.finiteMax,
  }
}
