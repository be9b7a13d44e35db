/**
 * The function table: every callable name, its parameters, how it treats jagged arguments, and
 * a one-line doc (shown in the editor's completion and in docs/expressions.md).
 *
 * - `elementwise`: numbers in, one number out; with jagged arguments it is applied per element,
 *   scalars broadcast to every element of their event (like arithmetic).
 * - `reduction`: one jagged argument in, one number per event out.
 *
 * Names are case-sensitive: lower-case `max(a, b)` is the larger of two numbers, capitalised
 * `Max(Jet_pt)` the largest element of a list.
 */
import { deltaPhi, deltaR, invMass, mT } from './physics'

export interface ElementwiseFunction {
  readonly kind: 'elementwise'
  readonly name: string
  readonly params: readonly string[]
  readonly doc: string
  /** Scalar implementation; called with exactly `params.length` numbers. */
  readonly fn: (...args: number[]) => number
}

export type ReductionName = 'Sum' | 'Count' | 'Max' | 'Min' | 'Mean' | 'Any' | 'All' | 'Length'

export interface ReductionFunction {
  readonly kind: 'reduction'
  readonly name: ReductionName
  readonly params: readonly [string]
  readonly doc: string
  /** Value for an event with no elements. */
  readonly empty: number
}

export type FunctionSpec = ElementwiseFunction | ReductionFunction

function el(
  name: string,
  params: string[],
  doc: string,
  fn: (...args: number[]) => number,
): ElementwiseFunction {
  return { kind: 'elementwise', name, params, doc, fn }
}

function red(name: ReductionName, doc: string, empty: number): ReductionFunction {
  return { kind: 'reduction', name, params: ['list'], doc, empty }
}

const TABLE: readonly FunctionSpec[] = [
  el('abs', ['x'], '|x|', Math.abs),
  el('sqrt', ['x'], '√x (NaN for x < 0)', Math.sqrt),
  el('exp', ['x'], 'eˣ', Math.exp),
  el('log', ['x'], 'natural logarithm (NaN for x < 0, −∞ for 0)', Math.log),
  el('log10', ['x'], 'base-10 logarithm (NaN for x < 0, −∞ for 0)', Math.log10),
  el('pow', ['x', 'y'], 'xʸ, same as x ** y', Math.pow),
  el('min', ['a', 'b'], 'smaller of a and b (NaN if either is NaN)', Math.min),
  el('max', ['a', 'b'], 'larger of a and b (NaN if either is NaN)', Math.max),
  el('hypot', ['x', 'y'], '√(x² + y²)', (x, y) => Math.hypot(x, y)),
  el('atan2', ['y', 'x'], 'angle of (x, y) in [−π, π]', Math.atan2),
  el('sin', ['x'], 'sine (radians)', Math.sin),
  el('cos', ['x'], 'cosine (radians)', Math.cos),
  el('tan', ['x'], 'tangent (radians)', Math.tan),
  el('sinh', ['x'], 'hyperbolic sine', Math.sinh),
  el('cosh', ['x'], 'hyperbolic cosine', Math.cosh),
  el('tanh', ['x'], 'hyperbolic tangent', Math.tanh),
  el('floor', ['x'], 'largest integer ≤ x', Math.floor),
  el('ceil', ['x'], 'smallest integer ≥ x', Math.ceil),
  el('deltaPhi', ['phi1', 'phi2'], 'φ1 − φ2 wrapped to [−π, π]', deltaPhi),
  el('deltaR', ['eta1', 'phi1', 'eta2', 'phi2'], '√(Δη² + Δφ²), Δφ wrapped', deltaR),
  el('mT', ['pt1', 'phi1', 'pt2', 'phi2'], 'transverse mass √(2 pt1 pt2 (1 − cos Δφ))', mT),
  el(
    'invMass',
    ['pt1', 'eta1', 'phi1', 'm1', 'pt2', 'eta2', 'phi2', 'm2'],
    'invariant mass of two objects given as (pt, eta, phi, m)',
    invMass,
  ),
  red('Sum', 'sum of the elements (0 for an empty list)', 0),
  red('Count', 'number of elements that are non-zero and not NaN', 0),
  red('Length', 'number of elements', 0),
  red('Max', 'largest element (NaN for an empty list)', NaN),
  red('Min', 'smallest element (NaN for an empty list)', NaN),
  red('Mean', 'mean of the elements (NaN for an empty list)', NaN),
  red('Any', '1 if some element is non-zero and not NaN, else 0', 0),
  red('All', '1 if every element is non-zero and not NaN (1 for an empty list), else 0', 1),
]

/** Every function, keyed by its exact (case-sensitive) name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(TABLE.map((f) => [f.name, f]))

/** `name(p1, p2)` — the signature as shown in messages and docs. */
export function signature(f: FunctionSpec): string {
  return `${f.name}(${f.params.join(', ')})`
}
