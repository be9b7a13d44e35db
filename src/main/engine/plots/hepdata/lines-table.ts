/**
 * A HEPData table from curves on common axes (ROC curves, loss curves, efficiencies, any
 * `lines` figure): when every curve has the same x values, one table with x as the
 * independent variable and one dependent variable per curve; otherwise one table per curve.
 * A curve's band or error bars (yLo, yHi) become an asymmetric error.
 */
import { keywords, qualifiers, type Conditions } from './conditions'
import { hepValue, type DependentValue, type Header, type Table } from './record'

export interface Curve {
  name: string
  x: readonly number[]
  y: readonly (number | null)[]
  yLo?: readonly (number | null)[]
  yHi?: readonly (number | null)[]
}

export interface LinesTablesInput {
  name: string
  description?: string
  location?: string
  x: Header
  y: Header
  curves: readonly Curve[]
  /** What the curves are ('roc', 'loss', …), a phrase for HEPData's search. */
  phrase?: string
  conditions?: Conditions
}

function point(c: Curve, i: number): DependentValue {
  const y = c.y[i]
  const lo = c.yLo?.[i]
  const hi = c.yHi?.[i]
  if (typeof y !== 'number' || !Number.isFinite(y)) return { value: '-' }
  if (typeof lo !== 'number' || typeof hi !== 'number' || (lo === y && hi === y))
    return { value: y }
  return { value: y, errors: [{ asymerror: { minus: lo - y, plus: hi - y } }] }
}

const sameX = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i])

export function linesTables(input: LinesTablesInput): Table[] {
  const groups: Curve[][] = input.curves.every((c) => sameX(c.x, input.curves[0].x))
    ? [[...input.curves]]
    : input.curves.map((c) => [c])
  return groups.map((curves) => {
    const single = groups.length > 1
    return {
      name: single ? `${input.name} (${curves[0].name})`.slice(0, 64) : input.name,
      description:
        input.description ??
        `${input.y.name} against ${input.x.name}${single ? `: ${curves[0].name}` : ''}.`,
      ...(input.location ? { location: input.location } : {}),
      keywords: keywords(input.conditions, [], input.phrase ? [input.phrase] : []),
      data: {
        independent_variables: [
          { header: input.x, values: curves[0].x.map((x) => ({ value: hepValue(x) })) },
        ],
        dependent_variables: curves.map((c) => ({
          header: {
            ...input.y,
            name: curves.length > 1 ? `${input.y.name} (${c.name})` : input.y.name,
          },
          qualifiers: qualifiers(input.conditions, [{ name: 'Curve', value: c.name }]),
          values: c.x.map((_, i) => point(c, i)),
        })),
      },
    }
  })
}
