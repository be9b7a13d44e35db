/**
 * A HEPData table from a matrix of cells (a correlation matrix, a 2-D histogram, an RMM): one
 * row per cell, its column and row (labels or bin centres) as two independent variables, its
 * value as the dependent one — HEPData's layout for 2-D tables. Empty cells are '-'.
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import { hepValue, type Header, type Table } from './record'

export interface HeatmapTableInput {
  name: string
  description?: string
  location?: string
  x: Header
  y: Header
  z: Header
  /** Column and row labels (or numbers). */
  xLabels: readonly (string | number)[]
  yLabels: readonly (string | number)[]
  /** values[row][column]. */
  values: readonly (readonly (number | null)[])[]
  phrase?: string
  conditions?: Conditions
}

export function heatmapTable(input: HeatmapTableInput): Table {
  const xs: (string | number)[] = []
  const ys: (string | number)[] = []
  const zs: (number | string)[] = []
  input.yLabels.forEach((yl, r) =>
    input.xLabels.forEach((xl, c) => {
      xs.push(xl)
      ys.push(yl)
      zs.push(hepValue(input.values[r]?.[c]))
    }),
  )
  return {
    name: input.name,
    description:
      input.description ?? `${input.z.name} for each ${input.x.name} and ${input.y.name}.`,
    ...(input.location ? { location: input.location } : {}),
    keywords: keywords(input.conditions, [], input.phrase ? [input.phrase] : []),
    data: {
      independent_variables: [
        { header: input.x, values: xs.map((value) => ({ value })) },
        { header: input.y, values: ys.map((value) => ({ value })) },
      ],
      dependent_variables: [
        {
          header: input.z,
          qualifiers: qualifiers(input.conditions),
          values: zs.map((value) => ({ value })),
        },
      ],
    },
  }
}
