/**
 * The weighted histogram use case, written once for the window and the command line: an
 * expression (a column, a derived variable, any formula; lists fill every element) or a column
 * by name, per sample, over the events passing a region's cuts (or given cuts), with under- and
 * overflow. map: one partition's histogram (select/hist.ts); merge: add Σw and Σw² of bins and
 * flows, and counts; finish: the plain RegionHistogram (or, for the explorer, the sums as they
 * are). Data are hidden in a blinded region.
 */
import type { RegionHistogram, SampleHistogram } from '../../../shared/cutflow'
import type { CheckedExpr } from '../../../shared/expr'
import { nameRecord } from '../../../shared/name-record'
import { silentContext, type JobContext } from '../jobs/context'
import { compile } from '../select/compile'
import { CutCompiler } from '../select/cut-compiler'
import type { PreparedSample } from '../select/cutflow'
import { createHist, type Hist1D } from '../data/histogram'
import { sampleHistogram, selectedHist, selectionMask, type Binning } from '../select/hist'
import { fusedHist } from '../select/fused-sample'
import type { ResolvedCut } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { namedRegion } from './cutflow'
import { mapMerge, scaledContext } from './executor'
import { definePartitionTask, mapSample } from './partition-task'
import {
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

/** How to histogram (the values come from a ValueOf: an expression or a column by name). */
export interface HistogramOptions {
  readonly binning: Binning
  /** Events of this region only (data hidden when it is blinded); default all events. */
  readonly region?: string
  /** These cuts instead of the region's (an N−1 selection); blinding still from `region`. */
  readonly cuts?: readonly ResolvedCut[]
  /** Leave out a sample the expression or a cut does not compile for, instead of failing. */
  readonly skipUnusable?: boolean
  /** Only the samples of these names (default all). */
  readonly samples?: readonly string[]
}

export type HistogramRequest = ValueOf & HistogramOptions

/** Per-sample histograms with Σw and Σw² of every bin and of the flows. */
export interface HistogramRun {
  /** The expression or column name. */
  readonly value: string
  readonly region: string | null
  /** Sample name → its histogram, in source order (samples left out are absent). */
  readonly samples: Map<string, Hist1D>
  /** Data samples hidden by the region's blinding. */
  readonly hidden: string[]
}

/** The weighted histogram of an expression per sample. Throws SpecError for a bad request. */
export async function runHistogram(
  source: EventSource,
  request: HistogramRequest,
  ctx: JobContext = silentContext(),
): Promise<RegionHistogram> {
  const run = await runHistograms(source, request, ctx)
  const result: RegionHistogram = {
    expr: run.value,
    region: run.region,
    edges: edges(request.binning),
    samples: nameRecord(),
    hidden: run.hidden,
  }
  for (const [name, h] of run.samples) result.samples[name] = regionSample(h)
  return result
}

/**
 * The histograms behind runHistogram, with what its plain result leaves out (Σw² of the
 * flows): map — one partition's histogram (select/hist.ts); merge — bins, flows and counts add.
 */
export async function runHistograms(
  source: EventSource,
  request: HistogramRequest,
  ctx: JobContext = silentContext(),
): Promise<HistogramRun> {
  const { bins, lo, hi } = checkBinning(request.binning)
  const region = namedRegion(source, request.region)
  const cuts: readonly ResolvedCut[] = request.cuts ?? region?.cuts ?? []
  const all = source
    .samples()
    .map((s, index) => ({ s, index }))
    .filter(({ s }) => !request.samples || request.samples.includes(s.name))
  const hidden = region?.blinded ? all.filter(({ s }) => s.role === 'data') : []
  const shown = all.filter((x) => !hidden.includes(x))
  const opened = await openChecked(source, shown, request, cuts, request.skipUnusable, ctx)
  const task: HistogramTaskRequest = { value: valueOnly(request), cuts, binning: request.binning }
  const compiler = new CutCompiler()
  const samples = new Map<string, Hist1D>()
  for (const [i, { sample, values, columns }] of opened.entries()) {
    const name = sample.sample.name
    const part = scaledContext(ctx, i / opened.length, 1 / opened.length, `sample ${name}`)
    try {
      const prep = { values, cuts, columns, compiler, binning: request.binning }
      const h = await mapSample(source, sample, histogramTask, task, prep, addHist, part)
      samples.set(name, h ?? createHist(bins, lo, hi))
    } finally {
      sample.release()
    }
  }
  ctx.progress(1)
  return {
    value: valueText(request),
    region: region?.name ?? null,
    samples,
    hidden: hidden.map(({ s }) => s.name),
  }
}

/** `b` when it is a valid binning; SpecError otherwise. */
export function checkBinning(b: Binning): Binning {
  const { bins, lo, hi } = b
  if (!(Number.isInteger(bins) && bins >= 1)) {
    throw new SpecError([], `the number of bins must be an integer ≥ 1, got ${bins}`)
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    throw new SpecError([], `the range needs finite lo < hi, got ${lo} ${hi}`)
  }
  return b
}

interface HistogramTaskRequest extends SelectionRequest {
  readonly binning: Binning
}

interface HistogramPrep extends SelectionPrep {
  readonly binning: Binning
}

/** One partition's histogram of a value over the events passing the cuts (select/hist.ts). */
export const histogramTask = definePartitionTask<HistogramTaskRequest, HistogramPrep, Hist1D>({
  kind: 'histogram',
  prepare: (sample, _source, request) => ({
    ...selectionPrep(sample, request),
    binning: request.binning,
  }),
  async map(sample, prep, p, c) {
    const events = await sample.read(p, prep.columns, c)
    try {
      const prepared = preparePartition(sample, events)
      // Selection and filling in one loop per event where the expressions allow (fused-pass.ts).
      const fused = fusedHist(prepared, prep.values, prep.cuts, prep.binning, prep.compiler)
      if (fused) return fused
      const pass = prep.cuts.length ? selectionMask(prepared, prep.cuts, prep.compiler) : null
      // The expression is not part of the source: messages show it with a caret, not a path.
      return selectedHist(prepared, prep.values, pass, prep.binning, [])
    } finally {
      events.release?.() // the histogram holds only its sums
    }
  },
})

/** a + b: Σw and Σw² of every bin and flow, entries and NaN (a's arrays reused). */
export function addHist(a: Hist1D, b: Hist1D): Hist1D {
  for (let i = 0; i < a.sumw.length; i++) {
    a.sumw[i] += b.sumw[i]
    a.sumw2[i] += b.sumw2[i]
  }
  a.entries += b.entries
  a.nan += b.nan
  return a
}

/** A histogram as RegionHistogram gives it: bins, flows' Σw apart. */
export function regionSample(h: Hist1D): SampleHistogram {
  const inner = (a: Float64Array) => Array.from(a.subarray(1, h.bins + 1))
  return {
    counts: inner(h.sumw),
    sumw2: inner(h.sumw2),
    underflow: h.sumw[0],
    overflow: h.sumw[h.bins + 1],
    entries: h.entries,
    nan: h.nan,
  }
}

/** An empty histogram of `bins` bins (a sample with no partitions). */
function emptyHistogram(bins: number): SampleHistogram {
  const zeros = () => new Array<number>(bins).fill(0)
  return { counts: zeros(), sumw2: zeros(), underflow: 0, overflow: 0, entries: 0, nan: 0 }
}

/** a + b bin by bin (a's arrays reused). */
export function addHistograms(a: SampleHistogram, b: SampleHistogram): SampleHistogram {
  for (let i = 0; i < a.counts.length; i++) {
    a.counts[i] += b.counts[i]
    a.sumw2[i] += b.sumw2[i]
  }
  a.underflow += b.underflow
  a.overflow += b.overflow
  a.entries += b.entries
  a.nan += b.nan
  return a
}

/** bins + 1 edges, computed as lo + (hi − lo)·i/bins like the histogram's own edges. */
export function edges(b: Binning): number[] {
  return Array.from({ length: b.bins + 1 }, (_, i) => b.lo + ((b.hi - b.lo) * i) / b.bins)
}

/** One histogram of a multi-histogram pass (sampleHistograms). */
export interface HistogramFill {
  /** Expression to histogram, checked for the sample (lists fill every element). */
  readonly values: CheckedExpr
  /** Events passing these cuts; fills given the same array share one mask per partition. */
  readonly cuts: readonly ResolvedCut[]
  readonly binning: Binning
  /**
   * A per-event factor (checked for the sample, one value per event) multiplying the weights:
   * a weight variation; absent: the sample's weights. Fills given the same checked expression
   * share the reweighted events.
   */
  readonly reweight?: CheckedExpr
}

/**
 * Several histograms of one opened sample in one pass over its partitions: each partition is
 * read once (file columns `columns`, which must cover what the fills read — see fileColumns),
 * each distinct cut list is evaluated once, and every fill is merged in partition order like
 * runHistogram's. Returns the histograms in the order of `fills`. Throws SpecError for a cut or
 * an expression that fails for this sample. `source`: the source the sample was opened from,
 * whose executor runs the partitions (absent: this process).
 */
export async function sampleHistograms(
  sample: OpenedSample,
  fills: readonly HistogramFill[],
  columns: readonly string[],
  ctx: JobContext = silentContext(),
  source?: EventSource,
): Promise<SampleHistogram[]> {
  const prep: FillsPrep = { fills, columns, compiler: new CutCompiler() }
  const merge = (a: SampleHistogram[], b: SampleHistogram[]) =>
    a.map((h, i) => addHistograms(h, b[i]))
  const merged = source
    ? await mapSample(source, sample, fillsTask, fillsRequest(fills, columns), prep, merge, ctx)
    : await mapMerge<SampleHistogram[]>(
        await sample.partitions(),
        { map: (p, c) => fillsTask.map(sample, prep, p, c), merge },
        ctx,
      )
  return merged ?? fills.map((f) => emptyHistogram(f.binning.bins))
}

/** Fills as plain data: expressions as text, each distinct cut list once. */
interface FillsRequest {
  readonly cutLists: readonly (readonly ResolvedCut[])[]
  readonly fills: readonly { expr: string; cuts: number; binning: Binning; reweight?: string }[]
  readonly columns: readonly string[]
}

interface FillsPrep {
  readonly fills: readonly HistogramFill[]
  readonly columns: readonly string[]
  readonly compiler: CutCompiler
}

function fillsRequest(fills: readonly HistogramFill[], columns: readonly string[]): FillsRequest {
  const lists: (readonly ResolvedCut[])[] = []
  return {
    fills: fills.map((f) => {
      let k = lists.indexOf(f.cuts)
      if (k < 0) k = lists.push(f.cuts) - 1
      return {
        expr: f.values.source,
        cuts: k,
        binning: f.binning,
        ...(f.reweight ? { reweight: f.reweight.source } : {}),
      }
    }),
    cutLists: lists,
    columns,
  }
}

/** One partition's histograms of several fills (a workspace's channels and weight variations). */
export const fillsTask = definePartitionTask<FillsRequest, FillsPrep, SampleHistogram[]>({
  kind: 'histogram-fills',
  prepare(sample, _source, request) {
    // Checked once per distinct text, so fills that shared a cut list or a reweight still do.
    const reweights = new Map<string, CheckedExpr>()
    const fills = request.fills.map((f): HistogramFill => {
      let reweight: CheckedExpr | undefined
      if (f.reweight !== undefined) {
        reweight = reweights.get(f.reweight)
        if (!reweight)
          reweights.set(f.reweight, (reweight = sample.check(f.reweight, [], 'a weight ratio')))
      }
      return {
        values: sample.check(f.expr, []),
        cuts: request.cutLists[f.cuts],
        binning: f.binning,
        ...(reweight ? { reweight } : {}),
      }
    })
    return { fills, columns: request.columns, compiler: new CutCompiler() }
  },
  async map(sample, prep, p, c) {
    const read = await sample.read(p, prep.columns, c)
    const prepared = preparePartition(sample, read)
    const masks = new Map<readonly ResolvedCut[], Uint8Array | null>()
    const weighted = new Map<CheckedExpr, PreparedSample>()
    try {
      return prep.fills.map((f) => {
        let mask = masks.get(f.cuts)
        if (mask === undefined)
          masks.set(
            f.cuts,
            (mask = f.cuts.length ? selectionMask(prepared, f.cuts, prep.compiler) : null),
          )
        let events = prepared
        if (f.reweight) {
          let w = weighted.get(f.reweight)
          if (!w) weighted.set(f.reweight, (w = reweighted(prepared, f.reweight)))
          events = w
        }
        return sampleHistogram(events, f.values, mask, f.binning)
      })
    } finally {
      read.release?.() // the histograms hold only their sums
    }
  },
})

/** `prepared` with each event's weight times `factor`'s value for it (NaN where undefined). */
function reweighted(prepared: PreparedSample, factor: CheckedExpr): PreparedSample {
  const data = prepared.derive ? prepared.derive(prepared.data) : prepared.data
  const col = compile(factor, data).evaluate(data)
  if (col.kind !== 'flat') throw new Error('a weight factor must be one value per event')
  const w = prepared.weights
  const out = new Float64Array(data.entries)
  for (let i = 0; i < out.length; i++)
    out[i] = (typeof w === 'number' ? w : w[i]) * Number(col.values[i])
  return { ...prepared, weights: out }
}
