/**
 * HEPData tables from exclusion contours (the signal grid's observed and expected curves, or
 * any list of points): one table per curve, its points in order, x as the independent and y
 * as the dependent variable — as HEPData's exclusion-contour records are laid out, so each
 * curve can be drawn by joining its points. A curve of several pieces (a contour that leaves
 * the plane and comes back) gives one table per piece.
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import { hepValue, type Header, type Table } from './record'

export interface ContourCurve {
  /** "Observed", "Expected", "Expected +1σ", … */
  label: string
  /** The pieces of the curve, each a list of [x, y] points in drawing order. */
  pieces: readonly (readonly (readonly [number, number])[])[]
}

export interface ContourTablesInput {
  /** The tables' common name; each is "NAME (LABEL)" or "NAME (LABEL, piece k)". */
  name: string
  description?: string
  location?: string
  x: Header
  y: Header
  curves: readonly ContourCurve[]
  /** Confidence level of the exclusion (default 0.95). */
  cl?: number
  conditions?: Conditions
}

/** One table per curve (and piece) of the contours. */
export function contourTables(input: ContourTablesInput): Table[] {
  const cl = `${Math.round((input.cl ?? 0.95) * 1000) / 10}%`
  return input.curves.flatMap((curve) =>
    curve.pieces.map((points, k): Table => {
      const suffix = curve.pieces.length > 1 ? `${curve.label}, piece ${k + 1}` : curve.label
      return {
        name: `${input.name} (${suffix})`,
        description:
          input.description ??
          `${curve.label} ${cl} CL exclusion contour in the ${input.x.name}–${input.y.name} plane${curve.pieces.length > 1 ? ` (piece ${k + 1} of ${curve.pieces.length})` : ''}: points in drawing order.`,
        ...(input.location ? { location: input.location } : {}),
        keywords: keywords(input.conditions, [], ['Exclusion', 'Contour']),
        data: {
          independent_variables: [
            { header: input.x, values: points.map(([x]) => ({ value: hepValue(x) })) },
          ],
          dependent_variables: [
            {
              header: input.y,
              qualifiers: qualifiers(input.conditions, [
                { name: 'Contour', value: curve.label },
                { name: 'CL', value: cl },
              ]),
              values: points.map(([, y]) => ({ value: hepValue(y) })),
            },
          ],
        },
      }
    }),
  )
}
