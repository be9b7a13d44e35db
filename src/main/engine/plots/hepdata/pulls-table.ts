/**
 * A HEPData table from the pulls of a fit's nuisance parameters: the parameter names as the
 * independent variable (text values), the pull (θ̂ − θ₀)/Δθ as the dependent one with its
 * post-fit uncertainty as a symmetric error ('-' where a parameter has no pull); for a ranking,
 * also each parameter's ±1σ impact on the POI, pre- and post-fit.
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import { hepValue, type Header, type Table } from './record'

export interface PullsTableInput {
  name: string
  description?: string
  pull: Header
  rows: readonly {
    name: string
    pull: number | null
    error: number | null
    impact?: {
      pre: readonly [number | null, number | null]
      post: readonly [number | null, number | null]
    } | null
  }[]
  /** The impacts' quantity (LaTeX, e.g. '$\\Delta\\mu$') when the rows carry a ranking. */
  impact?: string
  conditions?: Conditions
}

export function pullsTable(input: PullsTableInput): Table {
  return {
    name: input.name,
    description:
      input.description ??
      'Pulls of the nuisance parameters, (θ̂ − θ₀)/Δθ, with their post-fit uncertainties.',
    keywords: keywords(input.conditions, [], ['Pulls', 'Nuisance parameters']),
    data: {
      independent_variables: [
        { header: { name: 'Parameter' }, values: input.rows.map((r) => ({ value: r.name })) },
      ],
      dependent_variables: [
        {
          header: input.pull,
          qualifiers: qualifiers(input.conditions),
          values: input.rows.map((r) =>
            r.pull === null
              ? { value: '-' }
              : r.error === null
                ? { value: r.pull }
                : { value: r.pull, errors: [{ symerror: r.error }] },
          ),
        },
        // A ranking: the ±1σ impacts on the POI, pre- and post-fit, one variable each.
        ...(input.rows.some((r) => r.impact)
          ? (
              [
                ['post', 0, 'post-fit, $+1\\sigma$'],
                ['post', 1, 'post-fit, $-1\\sigma$'],
                ['pre', 0, 'pre-fit, $+1\\sigma$'],
                ['pre', 1, 'pre-fit, $-1\\sigma$'],
              ] as const
            ).map(([stage, k, text]) => ({
              header: { name: `${input.impact ?? 'Impact'} (${text})` },
              qualifiers: qualifiers(input.conditions),
              values: input.rows.map((r) => ({ value: hepValue(r.impact?.[stage][k]) })),
            }))
          : []),
      ],
    },
  }
}
