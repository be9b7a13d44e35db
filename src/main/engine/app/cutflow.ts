/**
 * The weighted cut-flow use case, written once for the window and the command line: per region
 * and sample the events passing each cut (raw, Σw, Σw²), per process group, and signal against
 * background. map: one partition's cut-flow (select/cutflow.ts); merge: add the counts and
 * sums; finish: select/cutflow-result.ts. One partition is today's in-memory cut-flow.
 */
import type { CutflowResult } from '../../../shared/cutflow'
import { ExprError } from '../../../shared/expr'
import { silentContext, type JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import { sampleCutflow, type SampleCutflow } from '../select/cutflow'
import { assembleCutflow, type SampleOutcome } from '../select/cutflow-result'
import { resolveRegions, withAncestors, type ResolvedRegion } from '../select/regions'
import { SpecError } from '../select/spec-error'
import type { Passing } from '../select/stages'
import { scaledContext } from './executor'
import { definePartitionTask, mapSample } from './partition-task'
import { fileColumns, preparePartition, type EventSource, type OpenedSample } from './source'

export interface CutflowRequest {
  /** Only these regions (with their parents, which they need); default all. */
  readonly regions?: readonly string[]
  /** Relative background uncertainty σ_b / b for Z_A with σ_b (default 0). */
  readonly sigmaB?: number
  /**
   * Leave out a sample whose cuts do not compile for it (a column it lacks), saying why in
   * `skipped`, instead of failing (the window shows the others).
   */
  readonly skipUnusable?: boolean
}

/** A sample left out, and why. */
export interface SkippedSample {
  readonly sample: string
  readonly reason: string
}

export interface CutflowRun {
  readonly result: CutflowResult
  /** Samples left out (only with skipUnusable), in source order. */
  readonly skipped: readonly SkippedSample[]
  /** Samples computed, in source order. */
  readonly samples: readonly SampleOutcome[]
}

/** The weighted cut-flow of a source's regions. Throws SpecError for a bad request or cut. */
export async function runCutflow(
  source: EventSource,
  request: CutflowRequest = {},
  ctx: JobContext = silentContext(),
): Promise<CutflowRun> {
  const sigmaB = checkedSigmaB(request.sigmaB)
  const regions = pickRegions(source, resolveRegions(source.regions()), request.regions)
  const skipped: SkippedSample[] = []
  const usable = (e: unknown, name: string): boolean => {
    if (!request.skipUnusable || !(e instanceof ExprError || e instanceof SpecError)) throw e
    skipped.push({ sample: name, reason: e.message })
    return false
  }
  // Every sample opened and every cut checked first: a typo fails in a second, not after reading.
  const opened: { sample: OpenedSample; columns: string[] }[] = []
  for (const [i, s] of source.samples().entries()) {
    try {
      const sample = await source.open(i, ctx)
      const cuts = regions.flatMap((r) =>
        r.cuts.slice(r.inherited).map((c) => sample.check(c.expr, c.path, 'a cut')),
      )
      opened.push({ sample, columns: fileColumns(sample, cuts) })
    } catch (e) {
      usable(e, s.name)
    }
  }
  const compiler = new CutCompiler()
  const outcomes: SampleOutcome[] = []
  const task: CutflowTaskRequest = request.regions ? { regions: request.regions } : {}
  for (const [i, { sample, columns }] of opened.entries()) {
    const { name, role, group } = sample.sample
    const part = scaledContext(ctx, i / opened.length, 1 / opened.length, `sample ${name}`)
    try {
      const prep = { regions, columns, compiler }
      const cutflow = await mapSample(source, sample, cutflowTask, task, prep, addCutflows, part)
      if (!cutflow) throw new Error(`sample '${name}' has no partitions`)
      outcomes.push({ name, role, group, cutflow })
    } catch (e) {
      usable(e, name)
    } finally {
      // Only the numbers are kept: the sample's columns can go before the next one is read.
      sample.release()
    }
  }
  ctx.progress(1)
  return {
    result: cutflowResult(outcomes, regions, sigmaB, request.regions),
    skipped,
    samples: outcomes,
  }
}

/** The assembled result, keeping only the regions asked for (`names`; default all). */
export function cutflowResult(
  outcomes: readonly SampleOutcome[],
  regions: readonly ResolvedRegion[],
  sigmaB: number,
  names: readonly string[] | undefined,
): CutflowResult {
  const result = assembleCutflow(outcomes, regions, sigmaB)
  if (names) {
    // Parents were computed only because the asked regions need them.
    for (const key of ['regions', 'groups', 'significance', 'hidden'] as const) {
      for (const name of Object.keys(result[key]))
        if (!names.includes(name)) delete result[key][name]
    }
  }
  return result
}

/** The relative background uncertainty of a request, checked (SpecError when bad). */
export function checkedSigmaB(sigmaB = 0): number {
  if (!(sigmaB >= 0 && Number.isFinite(sigmaB))) {
    throw new SpecError([], `the relative background uncertainty must be ≥ 0, got ${sigmaB}`)
  }
  return sigmaB
}

/** What a cut-flow partition task needs besides the source: the regions asked for. */
interface CutflowTaskRequest {
  readonly regions?: readonly string[]
}

interface CutflowPrep {
  readonly regions: readonly ResolvedRegion[]
  /** File columns the cuts read. */
  readonly columns: readonly string[]
  readonly compiler: CutCompiler
}

/** One partition's cut-flow of every region (select/cutflow.ts). */
export const cutflowTask = definePartitionTask<CutflowTaskRequest, CutflowPrep, SampleCutflow>({
  kind: 'cutflow',
  prepare(sample, source, request) {
    const regions = pickRegions(source, resolveRegions(source.regions()), request.regions)
    const cuts = regions.flatMap((r) =>
      r.cuts.slice(r.inherited).map((c) => sample.check(c.expr, c.path, 'a cut')),
    )
    return { regions, columns: fileColumns(sample, cuts), compiler: new CutCompiler() }
  },
  async map(sample, prep, p, c) {
    const events = await sample.read(p, prep.columns, c)
    try {
      return sampleCutflow(preparePartition(sample, events), prep.regions, {
        ctx: c,
        cuts: prep.compiler,
      })
    } finally {
      events.release?.() // the cut-flow holds only its counts and sums
    }
  },
})

/** a + b: counts and sums added region by region (a's arrays reused). */
export function addCutflows(a: SampleCutflow, b: SampleCutflow): SampleCutflow {
  const regions = new Map<string, Passing>()
  for (const [name, p] of a.regions) {
    const q = b.regions.get(name)
    if (q) addInto(p, q)
    regions.set(name, p)
  }
  return {
    total: {
      raw: a.total.raw + b.total.raw,
      weighted: a.total.weighted + b.total.weighted,
      sumw2: a.total.sumw2 + b.total.sumw2,
    },
    regions,
  }
}

function addInto(p: Passing, q: Passing): void {
  for (let k = 0; k < p.raw.length; k++) {
    p.raw[k] += q.raw[k]
    p.sumw[k] += q.sumw[k]
    p.sumw2[k] += q.sumw2[k]
  }
}

/**
 * The region named `name` with its parents' cuts first (the last of pickRegions for that one
 * name), or undefined for no name: all events. Throws SpecError for an unknown name.
 */
export function namedRegion(
  source: EventSource,
  name: string | undefined,
  all: readonly ResolvedRegion[] = resolveRegions(source.regions()),
): ResolvedRegion | undefined {
  return name === undefined ? undefined : pickRegions(source, all, [name]).at(-1)
}

/** The regions asked for with their ancestors, parents first; all when `names` is absent. */
export function pickRegions(
  source: EventSource,
  all: readonly ResolvedRegion[],
  names: readonly string[] | undefined,
): ResolvedRegion[] {
  if (!names) return [...all]
  const known = new Set(all.map((r) => r.name))
  const keep = new Set<string>()
  for (const n of names) {
    if (!known.has(n)) {
      const list = [...known].map((k) => `'${k}'`).join(', ') || 'none'
      throw new SpecError([], `no region '${n}' in ${source.what} (regions: ${list})`)
    }
    for (const r of withAncestors(all, n)) keep.add(r.name)
  }
  return all.filter((r) => keep.has(r.name))
}
