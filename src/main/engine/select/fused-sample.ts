/**
 * The fused pass (fused-pass.ts) for one prepared sample: its names resolved (file columns,
 * derived variables inlined), its cuts checked, the kernel built once per cut compiler and
 * shape, and run over the sample's events. Every function here returns null where the fused
 * pass does not apply, and the caller runs the column-at-a-time path, which also gives the
 * errors (a cut that does not check, lists of different lengths).
 */
import { checkScalar, type CheckedExpr } from '../../../shared/expr'
import type { Hist1D } from '../data/histogram'
import { CutCompiler } from './cut-compiler'
import type { PreparedSample } from './cutflow'
import { fusedKernel, type FusedKernel, type FusedPlan, type FusedResult } from './fused-pass'
import type { Binning } from './hist'
import type { ResolvedCut, ResolvedRegion } from './regions'
import type { NameResolver } from './scalar-codegen'
import type { StageTally } from './stages'

/**
 * How the sample's names resolve for code generation; null when the sample derives
 * variables it does not describe (a hand-built PreparedSample with only `derive`).
 */
export function sampleNames(sample: PreparedSample): NameResolver | null {
  const v = sample.variables
  if (sample.derive && !v) return null
  const symbols = sample.data.symbols
  return {
    isColumn: (n) => !v?.checked.has(n) && !v?.computed.has(n) && symbols.get(n)?.jagged === false,
    derived: (n) => v?.checked.get(n),
  }
}

/** A cut checked for the sample as a per-event value, or null (the old path reports why). */
function checkCut(sample: PreparedSample, expr: string): CheckedExpr | null {
  const symbols = sample.variables?.symbols ?? sample.data.symbols
  const r = checkScalar(expr, symbols, 'a cut')
  return r.ok ? r.value : null
}

/** What a fused run is asked for, before the cuts are checked for the sample. */
export interface FusedRequest {
  readonly regions: readonly Pick<ResolvedRegion, 'name' | 'parent' | 'cuts' | 'inherited'>[]
  /** Whether each region's cut-flow is tallied (default all). */
  readonly tally?: readonly boolean[]
  readonly fills: readonly {
    readonly value: CheckedExpr
    /** Position in `regions`, or null for every event. */
    readonly region: number | null
    readonly binning: Binning
  }[]
}

/**
 * One fused run of `request` over every event of `sample`, or null when it does not apply.
 * The kernel is kept in `compiler` (one per pass), keyed by the request and the sample's
 * symbols, so partitions after the first skip checking and code generation.
 */
export function runFused(
  sample: PreparedSample,
  request: FusedRequest,
  compiler: CutCompiler,
  batch?: number,
): FusedResult | null {
  const weights = typeof sample.weights === 'number' ? 'const' : 'array'
  const symbols = sample.variables?.symbols ?? sample.data.symbols
  const key =
    weights +
    '\0' +
    JSON.stringify([
      request.regions.map((r) => [
        r.name,
        r.parent ?? null,
        r.inherited,
        r.cuts.map((c) => c.expr),
      ]),
      request.tally ?? null,
      request.fills.map((f) => [f.value.source, f.region, f.binning]),
    ])
  const kernel = compiler.fused(symbols, key, () => buildKernel(sample, request, weights))
  return kernel ? kernel.run(sample.data, sample.weights, batch) : null
}

function buildKernel(
  sample: PreparedSample,
  request: FusedRequest,
  weights: 'array' | 'const',
): FusedKernel | null {
  const names = sampleNames(sample)
  if (!names) return null
  const index = new Map(request.regions.map((r, i) => [r.name, i]))
  const plan: FusedPlan = { selections: [], fills: [] }
  for (const [j, r] of request.regions.entries()) {
    const cuts: CheckedExpr[] = []
    for (const c of r.cuts) {
      const checked = checkCut(sample, c.expr)
      if (!checked) return null
      cuts.push(checked)
    }
    const parent = r.parent === undefined ? undefined : index.get(r.parent)
    if (r.parent !== undefined && parent === undefined) return null
    ;(plan.selections as FusedPlan['selections'][number][]).push({
      cuts,
      parent,
      inherited: r.inherited,
      tally: request.tally?.[j] ?? true,
    })
  }
  for (const f of request.fills)
    (plan.fills as FusedPlan['fills'][number][]).push({
      value: f.value,
      selection: f.region,
      binning: f.binning,
    })
  return fusedKernel(plan, names, weights)
}

/** Stage tallies of every region (sampleCutflow's), or null when the fused pass does not apply. */
export function fusedTallies(
  sample: PreparedSample,
  regions: readonly ResolvedRegion[],
  compiler: CutCompiler,
  batch?: number,
): StageTally[] | null {
  if (!regions.length) return null
  const r = runFused(sample, { regions, fills: [] }, compiler, batch)
  return r && (r.tallies as StageTally[])
}

/** selectedHist of the events passing `cuts` (all when none), or null when it does not apply. */
export function fusedHist(
  sample: PreparedSample,
  value: CheckedExpr,
  cuts: readonly ResolvedCut[],
  binning: Binning,
  compiler: CutCompiler,
): Hist1D | null {
  const regions = cuts.length ? [{ name: '', cuts, inherited: 0 }] : []
  const r = runFused(
    sample,
    { regions, tally: [false], fills: [{ value, region: cuts.length ? 0 : null, binning }] },
    compiler,
  )
  return r && r.hists[0]
}
