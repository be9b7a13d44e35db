/**
 * The cut-flow result (shared/cutflow.ts) from each sample's passing counts: rows with
 * efficiencies per region and sample, sums per process group, signal against background per
 * cut, and data samples hidden in blinded regions.
 */
import type { CutflowResult, CutflowRow, SignificanceRow } from '../../../shared/cutflow'
import { nameRecord, own } from '../../../shared/name-record'
import type { SampleCutflow, SampleRole } from './cutflow'
import type { ResolvedRegion } from './regions'
import {
  asimovZ,
  asimovZWithUncertainty,
  signalOverBackground,
  signalOverSqrtBackground,
} from './significance'
import type { Passing } from './stages'

/** What assembleCutflow needs of each sample. */
export interface SampleOutcome {
  readonly name: string
  readonly role: SampleRole
  readonly group: string
  readonly cutflow: SampleCutflow
}

/**
 * The cut-flow result: rows per region and sample, per group, significance per cut, data
 * hidden in blinded regions. `sigmaB`: relative background uncertainty for Z_A with σ_b.
 * Every record is keyed by user names, so none has a prototype (name-record.ts).
 */
export function assembleCutflow(
  samples: readonly SampleOutcome[],
  regions: readonly ResolvedRegion[],
  sigmaB: number,
): CutflowResult {
  const result: CutflowResult = {
    regions: nameRecord(),
    groups: nameRecord(),
    significance: nameRecord(),
    totals: nameRecord(),
    group_totals: nameRecord(),
    hidden: nameRecord(),
    sigma_b: sigmaB,
  }
  for (const s of samples) {
    const t = s.cutflow.total
    result.totals[s.name] = t
    const g = own(result.group_totals, s.group) ?? { raw: 0, weighted: 0, sumw2: 0 }
    result.group_totals[s.group] = {
      raw: g.raw + t.raw,
      weighted: g.weighted + t.weighted,
      sumw2: g.sumw2 + t.sumw2,
    }
  }
  for (const region of regions) {
    const shown = samples.filter((s) => !(region.blinded && s.role === 'data'))
    result.hidden[region.name] = samples.filter((s) => !shown.includes(s)).map((s) => s.name)
    const perSample = nameRecord<CutflowRow[]>()
    const groups = new Map<string, Passing[]>()
    for (const s of shown) {
      const p = s.cutflow.regions.get(region.name)
      if (!p) continue
      perSample[s.name] = rowsOf(p, region)
      groups.set(s.group, [...(groups.get(s.group) ?? []), p])
    }
    result.regions[region.name] = perSample
    const perGroup = nameRecord<CutflowRow[]>()
    for (const [g, ps] of groups) perGroup[g] = rowsOf(sumPassing(ps), region)
    result.groups[region.name] = perGroup
    result.significance[region.name] = significanceRows(shown, region, sigmaB)
  }
  return result
}

/** One row per cut from passing counts (index k + 1 is after cut k). */
function rowsOf(p: Passing, region: ResolvedRegion): CutflowRow[] {
  return region.cuts.map((cut, k) => ({
    cut: cut.label,
    expr: cut.expr,
    raw: p.raw[k + 1],
    weighted: p.sumw[k + 1],
    sumw2: p.sumw2[k + 1],
    eff_prev: p.sumw[k + 1] / p.sumw[k],
    eff_first: p.sumw[k + 1] / p.sumw[1],
    eff_total: p.sumw[k + 1] / p.sumw[0],
  }))
}

function sumPassing(ps: readonly Passing[]): Passing {
  const m = ps[0].raw.length
  const raw = new Float64Array(m)
  const sumw = new Float64Array(m)
  const sumw2 = new Float64Array(m)
  for (const p of ps) {
    for (let k = 0; k < m; k++) {
      raw[k] += p.raw[k]
      sumw[k] += p.sumw[k]
      sumw2[k] += p.sumw2[k]
    }
  }
  return { raw, sumw, sumw2 }
}

function significanceRows(
  shown: readonly SampleOutcome[],
  region: ResolvedRegion,
  sigmaB: number,
): SignificanceRow[] {
  const yieldOf = (role: SampleRole, k: number): number => {
    let y = 0
    for (const s of shown)
      if (s.role === role) y += s.cutflow.regions.get(region.name)?.sumw[k] ?? 0
    return y
  }
  return region.cuts.map((cut, k) => {
    const s = yieldOf('signal', k + 1)
    const b = yieldOf('background', k + 1)
    return {
      cut: cut.label,
      s,
      b,
      s_over_b: signalOverBackground(s, b),
      s_over_sqrt_b: signalOverSqrtBackground(s, b),
      z_asimov: asimovZ(s, b),
      z_asimov_sigma_b: asimovZWithUncertainty(s, b, sigmaB),
    }
  })
}
