/**
 * The weighted cut-flow of one sample already in memory: for each region, the events passing
 * each cut in turn (raw, Σw, Σw²). Events go batch by batch; each cut's mask is evaluated once
 * per batch and region, a child region continues from its parent's stages instead of
 * re-applying the parent's cuts (stages.ts), and once few events of a batch are left the next
 * cuts run over a copy of the survivors (gather.ts). cutflow-result.ts assembles the samples.
 */
import type { Yield } from '../../../shared/cutflow'
import { silentContext, type JobContext } from '../jobs/context'
import { BATCH_EVENTS, sliceProvider } from './batch'
import { gatherProvider, positionsAt } from './gather'
import { CutCompiler } from './cut-compiler'
import type { CheckedVariables } from './derived'
import { fusedTallies } from './fused-sample'
import type { ColumnProvider } from './provider'
import type { ResolvedRegion } from './regions'
import { atPath } from './spec-error'
import {
  addToTally,
  advanceStage,
  createTally,
  passingCounts,
  type Passing,
  type StageTally,
} from './stages'

export type SampleRole = 'signal' | 'background' | 'data'

/** A sample's events ready for selection. */
export interface PreparedSample {
  readonly name: string
  readonly role: SampleRole
  /** Process group ('' is not allowed here: use the sample's name). */
  readonly group: string
  /** The file columns the cuts read (directly or through derived variables), all events. */
  readonly data: ColumnProvider
  /** Adds derived variables to a batch of `data` (see derivedLayer); absent: none. */
  readonly derive?: (batch: ColumnProvider) => ColumnProvider
  /**
   * The derived variables `derive` computes, checked for the sample: the fused pass
   * (fused-sample.ts) inlines them. Absent with `derive` present: the fused pass is not used.
   */
  readonly variables?: CheckedVariables
  /** Final per-event weights (weight expression × scale), or one weight for every event. */
  readonly weights: Float64Array | number
}

/** A sample's cut-flow. */
export interface SampleCutflow {
  /** All events of the sample. */
  readonly total: Yield
  /** Region name → events passing the first k cuts (k = 0: all events). */
  readonly regions: ReadonlyMap<string, Passing>
}

/**
 * Runs every region's cuts over one sample, batch by batch. `regions` must list parents before
 * children (as resolveRegions does). Throws SpecError for a cut that does not compile for this
 * sample, or fails at run time (lists of different lengths).
 */
export function sampleCutflow(
  sample: PreparedSample,
  regions: readonly ResolvedRegion[],
  options: {
    ctx?: JobContext
    cuts?: CutCompiler
    batch?: number
    /** false: the column-at-a-time path even where the fused pass applies (tests, benchmarks). */
    fused?: boolean
  } = {},
): SampleCutflow {
  const ctx = options.ctx ?? silentContext()
  const cuts = options.cuts ?? new CutCompiler()
  const size = options.batch ?? BATCH_EVENTS
  // One loop per event for every region when the cuts allow it (fused-pass.ts); the same sums.
  ctx.throwIfCancelled()
  const fused = options.fused === false ? null : fusedTallies(sample, regions, cuts, size)
  const tallies = fused
    ? new Map(regions.map((r, j) => [r.name, fused[j]]))
    : columnTallies(sample, regions, cuts, size, ctx)
  ctx.progress(1)
  return cutflowOfTallies(sample, regions, tallies)
}

/**
 * A sample's cut-flow from its regions' stage tallies (region name → StageTally): passing
 * counts per cut, a child region's inherited rows taken from its parent's.
 */
export function cutflowOfTallies(
  sample: PreparedSample,
  regions: readonly ResolvedRegion[],
  tallies: ReadonlyMap<string, StageTally>,
): SampleCutflow {
  const passing = new Map<string, Passing>()
  for (const region of regions) {
    const p = passingCounts(tallies.get(region.name) as StageTally)
    const parent = region.parent === undefined ? undefined : passing.get(region.parent)
    if (parent) {
      // The same events as the parent's rows, summed in another order: take the parent's
      // numbers so the two regions agree to the last digit.
      for (let k = 0; k <= region.inherited; k++) {
        p.raw[k] = parent.raw[k]
        p.sumw[k] = parent.sumw[k]
        p.sumw2[k] = parent.sumw2[k]
      }
    }
    passing.set(region.name, p)
  }
  const first = passing.values().next().value
  const total = first
    ? { raw: first.raw[0], weighted: first.sumw[0], sumw2: first.sumw2[0] }
    : sampleTotal(sample)
  return { total, regions: passing }
}

/** The column-at-a-time cut-flow: each cut's mask per batch, stages advanced (stages.ts). */
function columnTallies(
  sample: PreparedSample,
  regions: readonly ResolvedRegion[],
  cuts: CutCompiler,
  size: number,
  ctx: JobContext,
): Map<string, StageTally> {
  const { weights } = sample
  const n = sample.data.entries
  const context = `in sample '${sample.name}'`
  const mask = new Uint8Array(Math.min(size, n))
  const stages = new Map(regions.map((r) => [r.name, new Uint8Array(Math.min(size, n))]))
  const tallies = new Map(regions.map((r) => [r.name, createTally(r.cuts.length)]))
  for (let lo = 0; lo < n; lo += size) {
    ctx.throwIfCancelled()
    const hi = Math.min(n, lo + size)
    const m = hi - lo
    const sliced = sliceProvider(sample.data, lo, hi)
    const w = typeof weights === 'number' ? weights : weights.subarray(lo, hi)
    const out = mask.subarray(0, m)
    for (const region of regions) {
      const stage = (stages.get(region.name) as Uint8Array).subarray(0, m)
      if (region.parent === undefined) stage.fill(0)
      else stage.set((stages.get(region.parent) as Uint8Array).subarray(0, m))
      const run = (k: number, events: ColumnProvider, at: Uint8Array): number => {
        const cut = region.cuts[k]
        const compiled = cuts.get(cut, events, context)
        const keep = out.subarray(0, events.entries)
        atPath(cut.path, cut.expr, context, () => compiled.evaluate(events, keep))
        return advanceStage(at, k, keep)
      }
      runCuts(region, sliced, sample.derive, stage, run)
      addToTally(tallies.get(region.name) as StageTally, stage, w)
    }
    ctx.progress(hi / n)
  }
  return tallies
}

/** Below this fraction of survivors the remaining cuts run over a copy of the survivors. */
const GATHER_BELOW = 0.35

/**
 * Applies a region's own cuts to a batch, advancing `stage`. `run(k, events, stage)` applies
 * cut k to `events` with their stages, returning how many reached k + 1. Once few events are
 * left, the next cuts run over a gathered copy of the survivors, whose stages are written back.
 */
export function runCuts(
  region: Pick<ResolvedRegion, 'cuts' | 'inherited'>,
  base: ColumnProvider,
  derive: ((batch: ColumnProvider) => ColumnProvider) | undefined,
  stage: Uint8Array,
  run: (k: number, events: ColumnProvider, stage: Uint8Array) => number,
): void {
  const withDerived = (p: ColumnProvider) => (derive ? derive(p) : p)
  let events = withDerived(base)
  let at = stage
  let index: Int32Array | null = null
  for (let k = region.inherited; k < region.cuts.length; k++) {
    const left = run(k, events, at)
    // No event left at this step in this batch: the remaining cuts cannot change anything.
    if (left === 0) break
    if (k + 1 < region.cuts.length && left < GATHER_BELOW * at.length) {
      if (index) scatter(stage, index, at)
      const survivors = positionsAt(at, k + 1, left)
      index = index ? compose(index, survivors) : survivors
      events = withDerived(gatherProvider(base, index))
      at = new Uint8Array(left).fill(k + 1)
    }
  }
  if (index) scatter(stage, index, at)
}

/** stage[index[j]] = values[j]. */
function scatter(stage: Uint8Array, index: Int32Array, values: Uint8Array): void {
  for (let j = 0; j < index.length; j++) stage[index[j]] = values[j]
}

/** outer[inner[j]]: positions in the batch of events picked from an already gathered copy. */
function compose(outer: Int32Array, inner: Int32Array): Int32Array {
  const out = new Int32Array(inner.length)
  for (let j = 0; j < inner.length; j++) out[j] = outer[inner[j]]
  return out
}

/** Raw, Σw, Σw² of all events of a sample. */
export function sampleTotal(sample: PreparedSample): Yield {
  const t = createTally(0)
  addToTally(t, new Uint8Array(sample.data.entries), sample.weights)
  return { raw: t.raw[0], weighted: t.sumw[0], sumw2: t.sumw2[0] }
}
