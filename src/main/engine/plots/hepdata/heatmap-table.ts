/**
 * A HEPData table from a matrix of cells (a correlation matrix, a 2-D histogram, an RMM): one
 * row per cell, its column and row (labels, or bins of a 2-D histogram) as two independent variables, its
 * value as the dependent one — HEPData's layout for 2-D tables. Empty cells are '-'.
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import { hepValue, type Header, type IndependentValue, type Table } from './record'

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
  /** A 2-D histogram's edges (columns + 1, rows + 1): the cells become bins [low, high). */
  xEdges?: readonly number[]
  yEdges?: readonly number[]
  /** values[row][column]. */
  values: readonly (readonly (number | null)[])[]
  phrase?: string
  conditions?: Conditions
}

export function heatmapTable(input: HeatmapTableInput): Table {
  const xs: IndependentValue[] = []
  const ys: IndependentValue[] = []
  const zs: (number | string)[] = []
  const at = (labels: readonly (string | number)[], edges: readonly number[] | undefined) =>
    edges && edges.length === labels.length + 1
      ? (k: number): IndependentValue => ({ low: edges[k], high: edges[k + 1] })
      : (k: number): IndependentValue => ({ value: labels[k] })
  const xAt = at(input.xLabels, input.xEdges)
  const yAt = at(input.yLabels, input.yEdges)
  input.yLabels.forEach((_, r) =>
    input.xLabels.forEach((_, c) => {
      xs.push(xAt(c))
      ys.push(yAt(r))
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
        { header: input.x, values: xs },
        { header: input.y, values: ys },
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
