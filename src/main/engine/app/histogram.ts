/**
 * The weighted histogram use case, written once for the window and the command line: an
 * expression (a column, a derived variable, any formula; lists fill every element) per sample,
 * over the events passing a region's cuts (or given cuts), with under- and overflow. map: one
 * partition's histogram (select/hist.ts); merge: add bins, flows and counts; finish: the plain
 * RegionHistogram. Data are hidden in a blinded region.
 */
import type { RegionHistogram, SampleHistogram } from '../../../shared/cutflow'
import { nameRecord } from '../../../shared/name-record'
import { silentContext, type JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import { sampleHistogram, selectionMask, type Binning } from '../select/hist'
import { resolveRegions, type ResolvedCut } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { pickRegions } from './cutflow'
import { mapMerge, scaledContext } from './executor'
import { preparePartition, type EventSource } from './source'
import { openChecked } from './checked-samples'

export interface HistogramRequest {
  /** Expression to histogram. */
  readonly expr: string
  readonly binning: Binning
  /** Events of this region only (data hidden when it is blinded); default all events. */
  readonly region?: string
  /** These cuts instead of the region's (an N−1 selection); blinding still from `region`. */
  readonly cuts?: readonly ResolvedCut[]
  /** Leave out a sample the expression or a cut does not compile for, instead of failing. */
  readonly skipUnusable?: boolean
}

/** The weighted histogram of an expression per sample. Throws SpecError for a bad request. */
export async function runHistogram(
  source: EventSource,
  request: HistogramRequest,
  ctx: JobContext = silentContext(),
): Promise<RegionHistogram> {
  const { bins, lo, hi } = request.binning
  if (!(Number.isInteger(bins) && bins >= 1)) {
    throw new SpecError([], `the number of bins must be an integer ≥ 1, got ${bins}`)
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    throw new SpecError([], `the range needs finite lo < hi, got ${lo} ${hi}`)
  }
  const region =
    request.region === undefined
      ? undefined
      : pickRegions(source, resolveRegions(source.regions()), [request.region]).at(-1)
  const cuts: readonly ResolvedCut[] = request.cuts ?? region?.cuts ?? []
  const all = source.samples().map((s, index) => ({ s, index }))
  const hidden = region?.blinded ? all.filter(({ s }) => s.role === 'data') : []
  const shown = all.filter((x) => !hidden.includes(x))
  // The expression is not part of the source: messages show it with a caret instead of a path.
  const path: string[] = []
  const opened = await openChecked(source, shown, request.expr, cuts, request.skipUnusable, ctx)
  const compiler = new CutCompiler()
  const result: RegionHistogram = {
    expr: request.expr,
    region: region?.name ?? null,
    edges: edges(request.binning),
    samples: nameRecord(),
    hidden: hidden.map(({ s }) => s.name),
  }
  for (const [i, { sample, values, columns }] of opened.entries()) {
    const name = sample.sample.name
    const part = scaledContext(ctx, i / opened.length, 1 / opened.length, `sample ${name}`)
    try {
      const h = await mapMerge(
        await sample.partitions(),
        {
          map: async (p, c) => {
            const prepared = preparePartition(sample, await sample.read(p, columns, c))
            const pass = cuts.length ? selectionMask(prepared, cuts, compiler) : null
            return sampleHistogram(prepared, values, pass, request.binning, path)
          },
          merge: addHistograms,
        },
        part,
      )
      result.samples[name] = h ?? emptyHistogram(bins)
    } finally {
      sample.release()
    }
  }
  ctx.progress(1)
  return result
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

function emptyHistogram(bins: number): SampleHistogram {
  const zeros = () => new Array<number>(bins).fill(0)
  return { counts: zeros(), sumw2: zeros(), underflow: 0, overflow: 0, entries: 0, nan: 0 }
}

/** bins + 1 edges, computed as lo + (hi − lo)·i/bins like the histogram's own edges. */
function edges(b: Binning): number[] {
  return Array.from({ length: b.bins + 1 }, (_, i) => b.lo + ((b.hi - b.lo) * i) / b.bins)
}
