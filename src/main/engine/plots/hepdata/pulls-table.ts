/**
 * A HEPData table from the pulls of a fit's nuisance parameters: the parameter names as the
 * independent variable (text values), the pull (θ̂ − θ₀)/Δθ as the dependent one with its
 * post-fit uncertainty as a symmetric error ('-' where a parameter has no pull).
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import type { Header, Table } from './record'

export interface PullsTableInput {
  name: string
  description?: string
  pull: Header
  rows: readonly { name: string; pull: number | null; error: number | null }[]
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
      ],
    },
  }
}
