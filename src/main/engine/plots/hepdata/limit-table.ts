/**
 * HEPData tables from CLs results (`hepwb limit`, `hepwb hypotest`, the Fit view's CLs tab):
 *  - clsTable: CLs against the POI (the Brazil plot): observed CLs, and the expected median
 *    with the ±1σ and ±2σ bands as asymmetric errors labelled '1 sigma' and '2 sigma';
 *  - upperLimitTable: the upper limit on the POI at the confidence level, observed and
 *    expected (median with its bands);
 *  - limitGridTable: upper limits over a plane of signal points (a patchset grid: one row per
 *    point, its two parameters as independent variables).
 * Expected values come as the five quantiles −2σ, −1σ, median, +1σ, +2σ, as the engine gives
 * them; a band's error is the distance from the median to each side, signed.
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import { hepValue, type DependentValue, type Header, type Table, type ValueError } from './record'

/** Five expected quantiles (−2σ … +2σ) as the median with '1 sigma' and '2 sigma' bands. */
export function bandValue(exp: readonly (number | null)[]): DependentValue {
  const [m2, m1, med, p1, p2] = exp
  if (typeof med !== 'number' || !Number.isFinite(med)) return { value: '-' }
  const band = (label: string, a: number | null, b: number | null): ValueError[] => {
    if (
      typeof a !== 'number' ||
      typeof b !== 'number' ||
      !Number.isFinite(a) ||
      !Number.isFinite(b)
    )
      return []
    const lo = Math.min(a, b) - med
    const hi = Math.max(a, b) - med
    return lo === 0 && hi === 0 ? [] : [{ label, asymerror: { minus: lo, plus: hi } }]
  }
  const errors = [...band('1 sigma', m1, p1), ...band('2 sigma', m2, p2)]
  return { value: med, ...(errors.length ? { errors } : {}) }
}

function cl(x: number): string {
  return `${Math.round(x * 1000) / 10}%`
}

export interface ClsTableInput {
  name: string
  description?: string
  location?: string
  limit: {
    cl: number
    points: readonly { mu: number; cls: number | null; clsExp: readonly (number | null)[] }[]
  }
  /** The POI's header (default "$\mu$"). */
  poi?: Header
  conditions?: Conditions
}

/** CLs against the POI, points in increasing POI (one per POI value). */
export function clsTable(input: ClsTableInput): Table {
  const byMu = new Map(input.limit.points.map((p) => [p.mu, p]))
  const points = [...byMu.values()].sort((a, b) => a.mu - b.mu)
  const poi = input.poi ?? { name: '$\\mu$' }
  const q = qualifiers(input.conditions, [{ name: 'CL', value: cl(input.limit.cl) }])
  return {
    name: input.name,
    description:
      input.description ??
      `CLs against ${poi.name} (asymptotic, q̃μ): observed, and expected with its ±1σ and ±2σ bands; the ${cl(input.limit.cl)} CL upper limit is where CLs = ${Math.round((1 - input.limit.cl) * 1000) / 1000}.`,
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(input.conditions, ['CLs'], ['CLs', 'Upper limit']),
    data: {
      independent_variables: [{ header: poi, values: points.map((p) => ({ value: p.mu })) }],
      dependent_variables: [
        {
          header: { name: 'CLs observed' },
          qualifiers: q,
          values: points.map((p) => ({ value: hepValue(p.cls) })),
        },
        {
          header: { name: 'CLs expected' },
          qualifiers: q,
          values: points.map((p) => bandValue(p.clsExp)),
        },
      ],
    },
  }
}

export interface UpperLimitTableInput {
  name: string
  description?: string
  location?: string
  limit: { cl: number; obs: number | null; exp: readonly (number | null)[] }
  /** What is limited (default "$\mu$") and its units. */
  poi?: Header
  conditions?: Conditions
}

/** The upper limit, observed and expected, as a two-row table. */
export function upperLimitTable(input: UpperLimitTableInput): Table {
  const poi = input.poi ?? { name: '$\\mu$' }
  return {
    name: input.name,
    description:
      input.description ??
      `${cl(input.limit.cl)} CL upper limit on ${poi.name} (asymptotic CLs, q̃μ): observed, and expected with its ±1σ and ±2σ bands.`,
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(input.conditions, [], ['Upper limit', 'CLs']),
    data: {
      independent_variables: [
        { header: { name: 'Limit' }, values: [{ value: 'Observed' }, { value: 'Expected' }] },
      ],
      dependent_variables: [
        {
          header: {
            name: `Upper limit on ${poi.name}`,
            ...(poi.units ? { units: poi.units } : {}),
          },
          qualifiers: qualifiers(input.conditions, [{ name: 'CL', value: cl(input.limit.cl) }]),
          values: [{ value: hepValue(input.limit.obs) }, bandValue(input.limit.exp)],
        },
      ],
    },
  }
}

export interface LimitGridTableInput {
  name: string
  description?: string
  location?: string
  /** The plane's axes (e.g. m(stop) [GeV], m(neutralino) [GeV]). */
  x: Header
  y: Header
  points: readonly { x: number; y: number; obs: number | null; exp: readonly (number | null)[] }[]
  cl: number
  /** What is limited (default "$\mu$"; a cross-section with its units). */
  poi?: Header
  conditions?: Conditions
}

/** Upper limits over a plane of signal points, one row per point. */
export function limitGridTable(input: LimitGridTableInput): Table {
  const poi = input.poi ?? { name: '$\\mu$' }
  const q = qualifiers(input.conditions, [{ name: 'CL', value: cl(input.cl) }])
  const units = poi.units ? { units: poi.units } : {}
  return {
    name: input.name,
    description:
      input.description ??
      `${cl(input.cl)} CL upper limits on ${poi.name} for each signal point of the ${input.x.name}–${input.y.name} plane (asymptotic CLs): observed, and expected with its ±1σ and ±2σ bands.`,
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(input.conditions, [], ['Upper limit', 'CLs', 'Exclusion']),
    data: {
      independent_variables: [
        { header: input.x, values: input.points.map((p) => ({ value: p.x })) },
        { header: input.y, values: input.points.map((p) => ({ value: p.y })) },
      ],
      dependent_variables: [
        {
          header: { name: `Observed upper limit on ${poi.name}`, ...units },
          qualifiers: q,
          values: input.points.map((p) => ({ value: hepValue(p.obs) })),
        },
        {
          header: { name: `Expected upper limit on ${poi.name}`, ...units },
          qualifiers: q,
          values: input.points.map((p) => bandValue(p.exp)),
        },
      ],
    },
  }
}
