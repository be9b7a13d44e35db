/**
 * Running an analysis spec over its files: the weighted cut-flow of every region and sample,
 * and the weighted histogram of an expression in a region. Samples are opened and checked one
 * after the other, every expression is checked against each sample before any column is
 * decoded, only the columns the expressions need are decoded, and a sample's columns are
 * released before the next sample is read.
 */
import type { CutflowResult, RegionHistogram } from '../../../shared/cutflow'
import { nameRecord } from '../../../shared/name-record'
import type { AnalysisSpec } from '../../../shared/spec'
import { silentContext, type JobContext } from '../jobs/context'
import { CutCompiler } from './cut-compiler'
import { sampleCutflow } from './cutflow'
import { assembleCutflow, type SampleOutcome } from './cutflow-result'
import { sampleHistogram, selectionMask, type Binning } from './hist'
import { resolveRegions, withAncestors, type ResolvedRegion } from './regions'
import { SpecError } from './spec-error'
import {
  checkIn,
  checkWeight,
  openSpecSample,
  prepareSample,
  type OpenedSample,
} from './spec-sample'

export interface CutflowOptions {
  /** Only these regions (with their parents, which they need); default all. */
  readonly regions?: readonly string[]
  /** Relative background uncertainty σ_b / b for Z_A with σ_b (default 0). */
  readonly sigmaB?: number
  readonly ctx?: JobContext
}

/** The weighted cut-flow of a spec whose file paths are already resolved. */
export async function cutflowOfSpec(
  spec: AnalysisSpec,
  options: CutflowOptions = {},
): Promise<CutflowResult> {
  const ctx = options.ctx ?? silentContext()
  const sigmaB = options.sigmaB ?? 0
  if (!(sigmaB >= 0 && Number.isFinite(sigmaB))) {
    throw new SpecError([], `the relative background uncertainty must be ≥ 0, got ${sigmaB}`)
  }
  const regions = pickRegions(resolveRegions(spec.regions), options.regions)
  const opened = await openAll(spec, ctx)
  // Every cut checked against every sample first: a typo fails in a second, not after reading.
  const checked = opened.map((s) => {
    checkWeight(s)
    return regions.flatMap((r) =>
      r.cuts.slice(r.inherited).map((c) => checkIn(s, c.expr, c.path, 'a cut')),
    )
  })
  const cuts = new CutCompiler()
  const outcomes: SampleOutcome[] = []
  for (const [i, s] of opened.entries()) {
    ctx.progress(i / opened.length, `sample ${s.spec.name}`)
    const prepared = await prepareSample(s, checked[i], ctx)
    const part = share(ctx, i, opened.length, `sample ${s.spec.name}`)
    const cutflow = sampleCutflow(prepared, regions, { ctx: part, cuts })
    // Only the numbers are kept: the sample's columns can go before the next one is read.
    outcomes.push({ name: prepared.name, role: prepared.role, group: prepared.group, cutflow })
    s.table.release()
  }
  ctx.progress(1)
  const result = assembleCutflow(outcomes, regions, sigmaB)
  if (options.regions) {
    // Parents were computed only because the asked regions need them.
    for (const key of ['regions', 'groups', 'significance', 'hidden'] as const) {
      for (const name of Object.keys(result[key]))
        if (!options.regions.includes(name)) delete result[key][name]
    }
  }
  return result
}

export interface HistogramOptions {
  /** Expression to histogram (a column, a derived variable, anything; lists fill every element). */
  readonly expr: string
  readonly binning: Binning
  /** Events of this region only; default all events. */
  readonly region?: string
  readonly ctx?: JobContext
}

/** The weighted histogram of an expression per sample; data hidden in a blinded region. */
export async function histogramOfSpec(
  spec: AnalysisSpec,
  options: HistogramOptions,
): Promise<RegionHistogram> {
  const ctx = options.ctx ?? silentContext()
  const { bins, lo, hi } = options.binning
  if (!(Number.isInteger(bins) && bins >= 1)) {
    throw new SpecError([], `the number of bins must be an integer ≥ 1, got ${bins}`)
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    throw new SpecError([], `the range needs finite lo < hi, got ${lo} ${hi}`)
  }
  const region =
    options.region === undefined
      ? undefined
      : pickRegions(resolveRegions(spec.regions), [options.region]).at(-1)
  const cuts = region?.cuts ?? []
  const all = await openAll(spec, ctx)
  const hidden = region?.blinded ? all.filter((s) => s.spec.role === 'data') : []
  const opened = all.filter((s) => !hidden.includes(s))
  // The expression is not part of the spec: messages show it with a caret instead of a path.
  const path: string[] = []
  const checked = opened.map((s) => {
    checkWeight(s)
    return {
      values: checkIn(s, options.expr, path),
      cuts: cuts.map((c) => checkIn(s, c.expr, c.path, 'a cut')),
    }
  })
  const compiler = new CutCompiler()
  const result: RegionHistogram = {
    expr: options.expr,
    region: region?.name ?? null,
    edges: edges(options.binning),
    samples: nameRecord(),
    hidden: hidden.map((s) => s.spec.name),
  }
  for (const [i, s] of opened.entries()) {
    ctx.progress(i / opened.length, `sample ${s.spec.name}`)
    const { values, cuts: sampleCuts } = checked[i]
    const prepared = await prepareSample(s, [values, ...sampleCuts], ctx)
    const pass = cuts.length ? selectionMask(prepared, cuts, compiler) : null
    result.samples[s.spec.name] = sampleHistogram(prepared, values, pass, options.binning, path)
    s.table.release()
  }
  ctx.progress(1)
  return result
}

/** The regions asked for with their ancestors, parents first; all when `names` is absent. */
function pickRegions(
  all: readonly ResolvedRegion[],
  names: readonly string[] | undefined,
): ResolvedRegion[] {
  if (!names) return [...all]
  const known = new Set(all.map((r) => r.name))
  const keep = new Set<string>()
  for (const n of names) {
    if (!known.has(n)) {
      const list = [...known].map((k) => `'${k}'`).join(', ') || 'none'
      throw new SpecError([], `no region '${n}' in the spec (regions: ${list})`)
    }
    for (const r of withAncestors(all, n)) keep.add(r.name)
  }
  return all.filter((r) => keep.has(r.name))
}

/** `ctx` for part i of n: its progress fractions map onto [i/n, (i+1)/n] of the whole. */
function share(ctx: JobContext, i: number, n: number, message: string): JobContext {
  return {
    signal: ctx.signal,
    progress: (f) => ctx.progress((i + f) / n, message),
    metric: (name, step, value) => ctx.metric(name, step, value),
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
  }
}

async function openAll(spec: AnalysisSpec, ctx: JobContext): Promise<OpenedSample[]> {
  const out: OpenedSample[] = []
  for (const [i, s] of spec.samples.entries())
    out.push(await openSpecSample(s, i, spec.variables, ctx))
  return out
}

/** bins + 1 edges, computed as lo + (hi − lo)·i/bins like the histogram's own edges. */
function edges(b: Binning): number[] {
  return Array.from({ length: b.bins + 1 }, (_, i) => b.lo + ((b.hi - b.lo) * i) / b.bins)
}
