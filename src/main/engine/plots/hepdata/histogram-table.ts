/**
 * A HEPData table from a weighted histogram (`hepwb hist`, the Explore and stack plots): the
 * bins [low, high) as the independent variable, one dependent variable per sample — data
 * first, then backgrounds, then signals, each in source order — and the total background when
 * there are several. Values are Σw per bin exactly as the histogram holds them; errors are
 * Garwood's Poisson interval for unweighted data, √Σw² for everything else (simulation,
 * weighted data), then the systematics given (asymmetric where they are). Under- and overflow
 * are not bins of the table; the description gives them.
 */
import type { RegionHistogram, SampleHistogram } from '../../../../shared/cutflow'
import { keywords, qualifiers, type Conditions } from './conditions'
import { isUnweightedCount, poissonError, statError, systError } from './errors'
import { hepValue, type DependentVariable, type Figure, type Header, type Table } from './record'

export type SampleRole = 'signal' | 'background' | 'data'

/** A systematic variation of one sample: the shifted yields per bin, up and down. */
export interface SampleSystematic {
  label: string
  /** Σw per bin with the variation up, and down (the same binning as the histogram). */
  up: readonly number[]
  down: readonly number[]
}

export interface HistogramTableInput {
  /** The table's name (≤ 64 characters). */
  name: string
  description?: string
  location?: string
  histogram: RegionHistogram
  /** Each sample's role, in source order (samples of the histogram not listed: background). */
  samples: readonly { name: string; role: SampleRole }[]
  /** The x axis: the variable's name (or label) and unit. */
  observable: Header
  /** The y axis (default "Events"). */
  yield?: Header
  conditions?: Conditions
  /** Systematic variations per sample name. */
  systematics?: Readonly<Record<string, readonly SampleSystematic[]>>
  figure?: Figure
}

const roleOrder: SampleRole[] = ['data', 'background', 'signal']

/** The table of a histogram (see the module comment). */
export function histogramTable(input: HistogramTableInput): Table {
  const h = input.histogram
  const roles = new Map(input.samples.map((s) => [s.name, s.role]))
  const listed = input.samples.map((s) => s.name).filter((n) => n in h.samples)
  const names = [...listed, ...Object.keys(h.samples).filter((n) => !roles.has(n))]
  const roleOf = (n: string): SampleRole => roles.get(n) ?? 'background'
  const ordered = roleOrder.flatMap((r) => names.filter((n) => roleOf(n) === r))
  const yieldHeader = input.yield ?? { name: 'Events' }
  const region = input.conditions?.region ?? h.region ?? undefined
  const conditions: Conditions = { ...input.conditions, region }
  const observable = input.observable.units
    ? `${input.observable.name} [${input.observable.units}]`
    : input.observable.name
  const column = (
    name: string,
    s: SampleHistogram,
    role: SampleRole | 'total background',
  ): DependentVariable => {
    const unweighted = role === 'data' && s.counts.every((w, i) => isUnweightedCount(w, s.sumw2[i]))
    const systs = input.systematics?.[name] ?? []
    return {
      header: { ...yieldHeader, name: `${yieldHeader.name} (${name})` },
      qualifiers: qualifiers(conditions, [
        { name: 'Sample', value: name },
        { name: 'Process type', value: role },
        { name: 'Observable', value: observable },
      ]),
      values: s.counts.map((w, i) => ({
        value: hepValue(w),
        errors: [
          ...(unweighted ? poissonError(w) : statError(s.sumw2[i])),
          ...systs.flatMap((v) => systError(v.label, v.up[i] - w, v.down[i] - w)),
        ],
      })),
    }
  }
  const dependent = ordered.map((n) => column(n, h.samples[n], roleOf(n)))
  const backgrounds = ordered.filter((n) => roleOf(n) === 'background')
  if (backgrounds.length > 1) {
    const bins = h.edges.length - 1
    const sum = (k: 'counts' | 'sumw2') =>
      Array.from({ length: bins }, (_, i) =>
        backgrounds.reduce((a, n) => a + h.samples[n][k][i], 0),
      )
    dependent.push(
      column(
        'total background',
        {
          counts: sum('counts'),
          sumw2: sum('sumw2'),
          underflow: 0,
          overflow: 0,
          entries: 0,
          nan: 0,
        },
        'total background',
      ),
    )
  }
  for (const d of dependent) for (const v of d.values) if (!v.errors?.length) delete v.errors
  const flows = ordered
    .filter((n) => h.samples[n].underflow !== 0 || h.samples[n].overflow !== 0)
    .map((n) => `${n}: ${h.samples[n].underflow} below, ${h.samples[n].overflow} above`)
  const hidden = h.hidden.length ? ` Blinded: ${h.hidden.join(', ')} not shown.` : ''
  const description =
    (input.description ??
      `Distribution of ${observable}${region ? ` in region ${region}` : ''}: Σw per bin for each sample.`) +
    ` Statistical errors: ${ordered.some((n) => roleOf(n) === 'data') ? 'Poisson (Garwood) 68.3% intervals for data, ' : ''}√Σw² for simulation.` +
    (flows.length ? ` Outside the range (Σw): ${flows.join('; ')}.` : '') +
    hidden
  return {
    name: input.name,
    description,
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(conditions, [observable], ['Histogram']),
    data: {
      independent_variables: [
        {
          header: input.observable,
          values: h.edges.slice(0, -1).map((lo, i) => ({ low: lo, high: h.edges[i + 1] })),
        },
      ],
      dependent_variables: dependent,
    },
    ...(input.figure ? { figure: input.figure } : {}),
  }
}
