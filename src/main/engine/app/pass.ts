/**
 * One pass for a cut-flow and histograms together (as coffea's processor fills all of an
 * analysis's outputs from one read of each chunk): each partition of each sample is read once,
 * and the cut-flow of the regions asked for and every histogram are filled from the same loop
 * per event (select/fused-pass.ts) — where runCutflow and one runHistogram per histogram read
 * every partition 1 + H times and loop over it as often. map: one partition's cut-flow and
 * histograms; merge: counts and sums added in partition order; finish: the very results of
 * runCutflow and runHistogram (same regions, same hidden data, same numbers to the last bit
 * when the partitions are the same; a memory budget may cut this pass's partitions otherwise,
 * since it reads more columns at once, and sums then differ by rounding only).
 * Where an expression cannot be fused (lists), the partition falls back to the column-at-a-time
 * kernels, still from the one read.
 */
import type { CutflowResult, RegionHistogram } from '../../../shared/cutflow'
import type { CheckedExpr } from '../../../shared/expr'
import { nameRecord } from '../../../shared/name-record'
import { createHist, type Hist1D } from '../data/histogram'
import { silentContext, type JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import {
  cutflowOfTallies,
  sampleCutflow,
  type PreparedSample,
  type SampleCutflow,
} from '../select/cutflow'
import type { SampleOutcome } from '../select/cutflow-result'
import { fusedHist, runFused } from '../select/fused-sample'
import { selectedHist, selectionMask, type Binning } from '../select/hist'
import {
  resolveRegions,
  withAncestors,
  type ResolvedCut,
  type ResolvedRegion,
} from '../select/regions'
import type { StageTally } from '../select/stages'
import {
  addCutflows,
  checkedSigmaB,
  cutflowResult,
  namedRegion,
  pickRegions,
  type CutflowRun,
} from './cutflow'
import { scaledContext } from './executor'
import { addHist, checkBinning, edges, regionSample } from './histogram'
import { definePartitionTask, mapSample } from './partition-task'
import {
  checkValue,
  fileColumns,
  preparePartition,
  valueText,
  type EventSource,
  type OpenedSample,
  type ValueOf,
} from './source'

/** One histogram of the pass (as runHistogram's request, for every sample). */
export type PassHistogram = ValueOf & {
  readonly binning: Binning
  /** Events of this region (data hidden when it is blinded); default all events. */
  readonly region?: string
  /** These cuts instead of the region's (an N−1 selection); blinding still from `region`. */
  readonly cuts?: readonly ResolvedCut[]
}

export interface PassRequest {
  /** The cut-flow of these regions (with their parents; default all); absent: no cut-flow. */
  readonly cutflow?: { readonly regions?: readonly string[]; readonly sigmaB?: number }
  readonly histograms?: readonly PassHistogram[]
}

export interface PassRun {
  /** runCutflow's result, or null when no cut-flow was asked for. */
  readonly cutflow: CutflowRun | null
  /** runHistogram's result for each histogram, in request order. */
  readonly histograms: readonly RegionHistogram[]
}

/**
 * The cut-flow and the histograms of `request` in one read of each partition. Throws
 * SpecError for a bad request, cut or expression (no sample is left out).
 */
export async function runPass(
  source: EventSource,
  request: PassRequest,
  ctx: JobContext = silentContext(),
): Promise<PassRun> {
  const sigmaB = checkedSigmaB(request.cutflow?.sigmaB)
  const plan = planPass(source, request)
  const task = plainRequest(request)
  const outcomes: SampleOutcome[] = []
  const hists: Map<string, Hist1D>[] = plan.hists.map(() => new Map())
  const all = source.samples()
  for (const [i, s] of all.entries()) {
    const part = scaledContext(ctx, i / all.length, 1 / all.length, `sample ${s.name}`)
    const sample = await source.open(i, ctx)
    try {
      const prep = preparePass(sample, plan)
      if (!prep.fills.length && !plan.cutflow) continue
      const r = await mapSample(source, sample, passTask, task, prep, addPasses, part)
      const { name, role, group } = sample.sample
      if (plan.cutflow) {
        if (!r?.cutflow) throw new Error(`sample '${name}' has no partitions`)
        outcomes.push({ name, role, group, cutflow: r.cutflow })
      }
      prep.fills.forEach((f, k) => {
        const { bins, lo, hi } = plan.hists[f.hist].binning
        hists[f.hist].set(name, r?.hists[k] ?? createHist(bins, lo, hi))
      })
    } finally {
      sample.release()
    }
  }
  ctx.progress(1)
  let cutflow: CutflowRun | null = null
  if (request.cutflow) {
    const names = request.cutflow.regions
    const result: CutflowResult = cutflowResult(outcomes, plan.cutflowRegions, sigmaB, names)
    cutflow = { result, skipped: [], samples: outcomes }
  }
  const histograms = plan.hists.map((h, k): RegionHistogram => {
    const samples = nameRecord<RegionHistogram['samples'][string]>()
    for (const [name, hist] of hists[k]) samples[name] = regionSample(hist)
    return {
      expr: valueText(h.value),
      region: h.region,
      edges: edges(h.binning),
      samples,
      hidden: h.blinded ? all.filter((s) => s.role === 'data').map((s) => s.name) : [],
    }
  })
  return { cutflow, histograms }
}

/** What the pass selects and fills, the same for every sample and on both sides of a task. */
interface PassPlan {
  /** Every selection the loop runs: regions (parents first), then histograms' own cut lists. */
  readonly selections: readonly ResolvedRegion[]
  /** Whether each selection's cut-flow is tallied (the cut-flow's regions). */
  readonly tally: readonly boolean[]
  /** Whether a cut-flow is asked for (its totals even without regions). */
  readonly cutflow: boolean
  readonly cutflowRegions: readonly ResolvedRegion[]
  readonly hists: readonly {
    readonly value: ValueOf
    readonly binning: Binning
    /** Position in `selections`, or null for every event. */
    readonly selection: number | null
    readonly region: string | null
    readonly blinded: boolean
  }[]
}

function planPass(source: EventSource, request: PassRequest): PassPlan {
  const all = resolveRegions(source.regions())
  const cutflowRegions = request.cutflow ? pickRegions(source, all, request.cutflow.regions) : []
  const wanted = new Set(cutflowRegions.map((r) => r.name))
  const histRegions = (request.histograms ?? []).map((h) => namedRegion(source, h.region, all))
  for (const r of histRegions) if (r) for (const a of withAncestors(all, r.name)) wanted.add(a.name)
  const selections: ResolvedRegion[] = all.filter((r) => wanted.has(r.name))
  const tally = selections.map((r) => cutflowRegions.some((c) => c.name === r.name))
  const hists = (request.histograms ?? []).map((h, k) => {
    checkBinning(h.binning)
    const region = histRegions[k]
    let selection: number | null = null
    if (h.cuts) {
      // A cut list of its own: a selection nobody tallies (its name never leaves this module).
      selection = selections.length
      selections.push({ name: `\0cuts ${k}`, cuts: h.cuts, inherited: 0, blinded: false })
      tally.push(false)
    } else if (region) selection = selections.findIndex((r) => r.name === region.name)
    if (selection !== null && !selections[selection].cuts.length) selection = null
    const value: ValueOf = 'column' in h ? { column: h.column } : { expr: h.expr }
    return {
      value,
      binning: h.binning,
      selection,
      region: region?.name ?? null,
      blinded: region?.blinded ?? false,
    }
  })
  return { selections, tally, cutflow: !!request.cutflow, cutflowRegions, hists }
}

/** The request as a task carries it (plain data). */
function plainRequest(request: PassRequest): PassRequest {
  return {
    ...(request.cutflow ? { cutflow: { regions: request.cutflow.regions } } : {}),
    histograms: (request.histograms ?? []).map((h) => ({
      ...('column' in h ? { column: h.column } : { expr: h.expr }),
      binning: { bins: h.binning.bins, lo: h.binning.lo, hi: h.binning.hi },
      ...(h.region !== undefined ? { region: h.region } : {}),
      ...(h.cuts ? { cuts: h.cuts } : {}),
    })),
  }
}

interface PassPrep {
  readonly plan: PassPlan
  /** The histograms this sample fills (data are not filled where a region hides them). */
  readonly fills: readonly { readonly hist: number; readonly value: CheckedExpr }[]
  readonly columns: readonly string[]
  readonly compiler: CutCompiler
}

function preparePass(sample: OpenedSample, plan: PassPlan): PassPrep {
  const cuts = plan.selections.flatMap((r) =>
    r.cuts.slice(r.inherited).map((c) => sample.check(c.expr, c.path, 'a cut')),
  )
  const fills = plan.hists
    .map((h, hist) => ({ h, hist }))
    .filter(({ h }) => !(h.blinded && sample.sample.role === 'data'))
    .map(({ h, hist }) => ({ hist, value: checkValue(sample, h.value) }))
  return {
    plan,
    fills,
    columns: fileColumns(sample, [...cuts, ...fills.map((f) => f.value)]),
    compiler: new CutCompiler(),
  }
}

/** One partition's share: the cut-flow (null when none is asked) and the sample's fills. */
interface PassPart {
  readonly cutflow: SampleCutflow | null
  readonly hists: Hist1D[]
}

function addPasses(a: PassPart, b: PassPart): PassPart {
  return {
    cutflow: a.cutflow && b.cutflow ? addCutflows(a.cutflow, b.cutflow) : a.cutflow,
    hists: a.hists.map((h, k) => addHist(h, b.hists[k])),
  }
}

/** One partition's cut-flow and histograms from one read and, where possible, one loop. */
export const passTask = definePartitionTask<PassRequest, PassPrep, PassPart>({
  kind: 'pass',
  prepare: (sample, source, request) => preparePass(sample, planPass(source, request)),
  async map(sample, prep, p, c) {
    // Nothing of the partition is kept past this map: its arrays may be read into again.
    const events = await sample.read(p, prep.columns, c)
    try {
      return partitionPass(preparePartition(sample, events), prep, c)
    } finally {
      events.release?.()
    }
  },
})

function partitionPass(prepared: PreparedSample, prep: PassPrep, c: JobContext): PassPart {
  const { plan, fills, compiler } = prep
  const sel = (f: { hist: number }) => plan.hists[f.hist].selection
  const fused = runFused(
    prepared,
    {
      regions: plan.selections,
      tally: plan.tally,
      fills: fills.map((f) => ({
        value: f.value,
        region: sel(f),
        binning: plan.hists[f.hist].binning,
      })),
    },
    compiler,
  )
  if (fused) {
    const tallies = new Map<string, StageTally>()
    plan.selections.forEach((r, j) => {
      const t = fused.tallies[j]
      if (t) tallies.set(r.name, t)
    })
    const cutflow = plan.cutflow ? cutflowOfTallies(prepared, plan.cutflowRegions, tallies) : null
    return { cutflow, hists: [...fused.hists] }
  }
  // Something is not fusable together: each output on its own, from the same read.
  const cutflow = plan.cutflow
    ? sampleCutflow(prepared, plan.cutflowRegions, { ctx: c, cuts: compiler })
    : null
  const hists = fills.map((f) => {
    const s = sel(f)
    const cuts = s === null ? [] : plan.selections[s].cuts
    const { binning } = plan.hists[f.hist]
    return (
      fusedHist(prepared, f.value, cuts, binning, compiler) ??
      selectedHist(
        prepared,
        f.value,
        cuts.length ? selectionMask(prepared, cuts, compiler) : null,
        binning,
        [],
      )
    )
  })
  return { cutflow, hists }
}
