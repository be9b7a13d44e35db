/**
 * A HEPData table from a profile-likelihood scan (`hepwb fit --scan`, the Fit view's Scan
 * tab): the scanned parameter as the independent variable, Δ(−2 ln L) relative to the free
 * minimum as the dependent one ('-' where a point's fit gave no number).
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import { hepValue, type Header, type Table } from './record'

export interface ScanTableInput {
  name: string
  description?: string
  location?: string
  scan: {
    parameter: string
    values: readonly number[]
    deltaTwiceNll: readonly (number | null)[]
  }
  /** The parameter's header (default its name). */
  parameter?: Header
  conditions?: Conditions
}

export function scanTable(input: ScanTableInput): Table {
  const { scan } = input
  if (scan.values.length !== scan.deltaTwiceNll.length)
    throw new Error(
      `the scan of ${scan.parameter} has ${scan.values.length} values but ${scan.deltaTwiceNll.length} likelihood values`,
    )
  return {
    name: input.name,
    description:
      input.description ??
      `Profile likelihood scan of ${scan.parameter}: −2Δln L relative to the best fit, all other parameters profiled.`,
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(input.conditions, ['$-2\\Delta\\ln L$'], ['Likelihood scan']),
    data: {
      independent_variables: [
        {
          header: input.parameter ?? { name: scan.parameter },
          values: scan.values.map((value) => ({ value })),
        },
      ],
      dependent_variables: [
        {
          header: { name: '$-2\\Delta\\ln L$' },
          qualifiers: qualifiers(input.conditions, [{ name: 'Parameter', value: scan.parameter }]),
          values: scan.deltaTwiceNll.map((v) => ({ value: hepValue(v) })),
        },
      ],
    },
  }
}
