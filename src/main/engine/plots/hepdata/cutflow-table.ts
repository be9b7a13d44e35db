/**
 * HEPData tables from a weighted cut-flow (`hepwb cutflow`, the Cuts & Regions view):
 *  - cutflowTable: one region, the cuts in order as the independent variable (labels, "all
 *    events" first), one dependent variable per sample or process group: Σw after each cut
 *    with √Σw² — the cut-flow's `weighted` and `sumw2` exactly;
 *  - yieldsTable: several regions, the regions as the independent variable, each sample's
 *    (or group's) yield after the region's last cut.
 * Data are Poisson (Garwood) intervals where unweighted, as in histogram tables.
 */
import type { CutflowResult, Yield } from '../../../../shared/cutflow'
import { keywords, qualifiers, type Conditions } from './conditions'
import { isUnweightedCount, poissonError, statError } from './errors'
import type { SampleRole } from './histogram-table'
import { hepValue, type DependentValue, type DependentVariable, type Table } from './record'

export interface CutflowTableInput {
  name: string
  description?: string
  location?: string
  cutflow: CutflowResult
  region: string
  /** Per sample (default) or per process group. */
  by?: 'sample' | 'group'
  /** Roles of the samples (data get Poisson errors); groups take their first sample's role. */
  samples?: readonly { name: string; role: SampleRole; group?: string }[]
  conditions?: Conditions
}

function cell(y: Yield, role: SampleRole | undefined): DependentValue {
  const errors =
    role === 'data' && isUnweightedCount(y.weighted, y.sumw2)
      ? poissonError(y.weighted)
      : statError(y.sumw2)
  return { value: hepValue(y.weighted), ...(errors.length ? { errors } : {}) }
}

function roleMap(input: CutflowTableInput): Map<string, SampleRole> {
  const m = new Map<string, SampleRole>()
  for (const s of input.samples ?? []) {
    m.set(input.by === 'group' ? (s.group ?? s.name) : s.name, s.role)
  }
  return m
}

/** The cut-flow of one region (see the module comment). Throws for an unknown region. */
export function cutflowTable(input: CutflowTableInput): Table {
  const by = input.by ?? 'sample'
  const rows = (by === 'group' ? input.cutflow.groups : input.cutflow.regions)[input.region]
  if (!rows) throw new Error(`the cut-flow has no region '${input.region}'`)
  const totals = by === 'group' ? input.cutflow.group_totals : input.cutflow.totals
  const roles = roleMap(input)
  const names = Object.keys(rows)
  const cuts = rows[names[0]]?.map((r) => r.cut) ?? []
  const conditions = { ...input.conditions, region: input.region }
  const dependent: DependentVariable[] = names.map((n) => ({
    header: { name: `Events (${n})` },
    qualifiers: qualifiers(conditions, [{ name: by === 'group' ? 'Process' : 'Sample', value: n }]),
    values: [cell(totals[n], roles.get(n)), ...rows[n].map((r) => cell(r, roles.get(n)))],
  }))
  const hidden = input.cutflow.hidden[input.region] ?? []
  return {
    name: input.name,
    description:
      (input.description ??
        `Cut-flow in region ${input.region}: Σw of the events passing each cut and every cut before it, per ${by}.`) +
      ' Statistical errors: √Σw² (Poisson intervals for unweighted data).' +
      (hidden.length ? ` Blinded: ${hidden.join(', ')} not shown.` : ''),
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(conditions, [], ['Cut-flow']),
    data: {
      independent_variables: [
        { header: { name: 'Cut' }, values: ['all events', ...cuts].map((value) => ({ value })) },
      ],
      dependent_variables: dependent,
    },
  }
}

export interface YieldsTableInput {
  name: string
  description?: string
  location?: string
  cutflow: CutflowResult
  /** Regions in this order (default: the cut-flow's). */
  regions?: readonly string[]
  by?: 'sample' | 'group'
  samples?: readonly { name: string; role: SampleRole; group?: string }[]
  conditions?: Conditions
}

/** Yields after each region's last cut (see the module comment); a sample hidden in a region is '-'. */
export function yieldsTable(input: YieldsTableInput): Table {
  const by = input.by ?? 'sample'
  const all = by === 'group' ? input.cutflow.groups : input.cutflow.regions
  const regions = input.regions ?? Object.keys(all)
  for (const r of regions) if (!all[r]) throw new Error(`the cut-flow has no region '${r}'`)
  const names = [...new Set(regions.flatMap((r) => Object.keys(all[r])))]
  const roles = roleMap({ ...input, region: '' })
  const totals = by === 'group' ? input.cutflow.group_totals : input.cutflow.totals
  const conditions: Conditions = { ...input.conditions, region: undefined }
  const dependent: DependentVariable[] = names.map((n) => ({
    header: { name: `Events (${n})` },
    qualifiers: qualifiers(conditions, [{ name: by === 'group' ? 'Process' : 'Sample', value: n }]),
    values: regions.map((r) => {
      // A region without cuts keeps all events.
      const rows = all[r][n]
      const last = rows ? (rows.at(-1) ?? totals[n]) : undefined
      return last ? cell(last, roles.get(n)) : { value: '-' }
    }),
  }))
  return {
    name: input.name,
    description:
      input.description ??
      `Yields per ${by} after all cuts of each region (Σw, statistical errors √Σw²; Poisson intervals for unweighted data).`,
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(conditions, [], ['Yields']),
    data: {
      independent_variables: [
        { header: { name: 'Region' }, values: regions.map((value) => ({ value })) },
      ],
      dependent_variables: dependent,
    },
  }
}
