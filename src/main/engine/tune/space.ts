/**
 * Search spaces (issue 15): named parameters — integers, floats on a linear or log scale,
 * choices — each optionally conditional on an earlier one ("the width of layer 3 only when there
 * are 3 layers"). Names are dotted paths into a training config (`options.learningRate`,
 * `options.layers.2`; `options.layers.length` resizes an array), applied by `applyParams`.
 *
 * The JSON form (the `space` of `hepwb tune`): `{"int": [lo, hi], "log"?, "step"?}`,
 * `{"float": [lo, hi], "log"?}`, `{"choice": [a, b, …]}`, each with optional
 * `"when": {"param": NAME, "in": [values]}` and `"grid": N | [values]` (the points a grid search
 * visits).
 */

/** A value a parameter takes (choices may be any JSON, e.g. a layer list). */
export type ParamValue = unknown

export interface Condition {
  /** An earlier parameter of the space. */
  readonly param: string
  /** The parameter is active when that parameter's value is one of these (deep-equal). */
  readonly in: readonly ParamValue[]
}

interface ParamBase {
  readonly name: string
  readonly when?: Condition
  /** Grid search: these values (ints and floats default to a few evenly spaced points). */
  readonly grid?: readonly ParamValue[]
}
export interface IntParam extends ParamBase {
  readonly type: 'int'
  readonly lo: number
  readonly hi: number
  readonly step: number
  readonly log: boolean
}
export interface FloatParam extends ParamBase {
  readonly type: 'float'
  readonly lo: number
  readonly hi: number
  readonly log: boolean
}
export interface ChoiceParam extends ParamBase {
  readonly type: 'choice'
  readonly choices: readonly ParamValue[]
}
export type Param = IntParam | FloatParam | ChoiceParam

/** Parameters in order: a condition names an earlier parameter. */
export type SearchSpace = readonly Param[]

/** One trial's values by parameter name (inactive parameters absent). */
export type Params = Readonly<Record<string, ParamValue>>

export class SpaceError extends Error {
  override name = 'SpaceError'
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

function bounds(name: string, r: unknown): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isFinite(x)))
    throw new SpaceError(`space "${name}": the range is [lo, hi] with two finite numbers`)
  const [lo, hi] = r as [number, number]
  if (!(lo <= hi)) throw new SpaceError(`space "${name}": lo ${lo} is above hi ${hi}`)
  return [lo, hi]
}

/** Parses the JSON form; errors name the parameter. */
export function parseSpace(json: unknown): SearchSpace {
  if (!isObject(json)) throw new SpaceError('space: an object of parameter name → definition')
  const out: Param[] = []
  for (const [name, def] of Object.entries(json)) {
    if (!isObject(def)) throw new SpaceError(`space "${name}": a definition is an object`)
    const log = def.log === true
    let when: Condition | undefined
    if (def.when !== undefined) {
      const w = def.when
      if (!isObject(w) || typeof w.param !== 'string' || !Array.isArray(w.in))
        throw new SpaceError(`space "${name}": "when" is {"param": NAME, "in": [values]}`)
      if (!out.some((p) => p.name === w.param))
        throw new SpaceError(`space "${name}": "when" names "${w.param}", not an earlier parameter`)
      when = { param: w.param, in: w.in }
    }
    let grid: ParamValue[] | undefined
    if (def.grid !== undefined && !Array.isArray(def.grid) && !Number.isInteger(def.grid))
      throw new SpaceError(`space "${name}": "grid" is a number of points or a list of values`)
    let p: Param
    if ('int' in def) {
      const [lo, hi] = bounds(name, def.int)
      const step = def.step === undefined ? 1 : Number(def.step)
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || !(Number.isInteger(step) && step >= 1))
        throw new SpaceError(`space "${name}": an int range and step are integers (step ≥ 1)`)
      if (log && lo < 1) throw new SpaceError(`space "${name}": a log range starts at 1 or more`)
      p = { type: 'int', name, lo, hi, step, log, when }
    } else if ('float' in def) {
      const [lo, hi] = bounds(name, def.float)
      if (log && lo <= 0) throw new SpaceError(`space "${name}": a log range is above 0`)
      p = { type: 'float', name, lo, hi, log, when }
    } else if ('choice' in def) {
      if (!Array.isArray(def.choice) || def.choice.length === 0)
        throw new SpaceError(`space "${name}": "choice" is a non-empty list`)
      p = { type: 'choice', name, choices: def.choice, when }
    } else throw new SpaceError(`space "${name}": give "int", "float" or "choice"`)
    if (Array.isArray(def.grid)) grid = def.grid
    else if (typeof def.grid === 'number') grid = evenPoints(p, def.grid)
    out.push(grid ? { ...p, grid } : p)
  }
  return out
}

/** `n` evenly spaced values of a numeric parameter (in log where it is log); a choice's choices. */
export function evenPoints(p: Param, n: number): ParamValue[] {
  if (p.type === 'choice') return [...p.choices]
  const k = Math.max(1, Math.floor(n))
  const [a, b] = p.log ? [Math.log(p.lo), Math.log(p.hi)] : [p.lo, p.hi]
  const values: number[] = []
  for (let i = 0; i < k; i++) {
    const t = k === 1 ? 0.5 : i / (k - 1)
    const x = p.log ? Math.exp(a + t * (b - a)) : a + t * (b - a)
    values.push(p.type === 'int' ? roundInt(p, x) : x)
  }
  return [...new Set(values)]
}

/** The grid values of a parameter: its own, else every int (≤ 10 of them) or 5 even points. */
export function gridValues(p: Param): readonly ParamValue[] {
  if (p.grid) return p.grid
  if (p.type === 'choice') return p.choices
  if (p.type === 'int' && (p.hi - p.lo) / p.step + 1 <= 10) {
    const v: number[] = []
    for (let x = p.lo; x <= p.hi; x += p.step) v.push(x)
    return v
  }
  return evenPoints(p, 5)
}

/** The nearest allowed integer (on the step lattice from lo, inside [lo, hi]). */
export function roundInt(p: IntParam, x: number): number {
  const k = Math.round((x - p.lo) / p.step)
  const v = p.lo + k * p.step
  return Math.min(Math.max(v, p.lo), p.lo + Math.floor((p.hi - p.lo) / p.step) * p.step)
}

/** Deep equality of JSON values (for conditions and choices). */
export function sameValue(a: ParamValue, b: ParamValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Whether `p` is active given the values chosen so far. */
export function isActive(p: Param, chosen: Params): boolean {
  if (!p.when) return true
  const { param, in: values } = p.when
  return param in chosen && values.some((v) => sameValue(v, chosen[param]))
}

/** Whether `p` uses a log scale (choices never do). */
export const isLog = (p: Param): boolean => p.type !== 'choice' && p.log

/**
 * A copy of `config` with `params` set at their dotted paths. A numeric segment indexes an
 * array; `….length` resizes the array first (new entries repeat the last one), so
 * `options.layers.length` = 3 with `options.layers.2` = 32 gives three layers.
 */
export function applyParams<T>(config: T, params: Params): T {
  const copy = structuredClone(config) as unknown
  const entries = Object.entries(params).sort(
    ([a], [b]) => Number(!a.endsWith('.length')) - Number(!b.endsWith('.length')),
  )
  for (const [path, value] of entries) setPath(copy, path, value)
  return copy as T
}

function setPath(root: unknown, path: string, value: ParamValue): void {
  const keys = path.split('.')
  let node = root as Record<string, unknown> | unknown[]
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]
    const container = node as Record<string, unknown>
    if (!isObject(container[k]) && !Array.isArray(container[k]))
      container[k] = /^\d+$/.test(keys[i + 1]) || keys[i + 1] === 'length' ? [] : {}
    node = container[k] as Record<string, unknown>
  }
  const last = keys[keys.length - 1]
  if (Array.isArray(node) && last === 'length') {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0) throw new SpaceError(`${path}: a length is an integer ≥ 0`)
    const fill = node[node.length - 1]
    while (node.length < n) node.push(structuredClone(fill))
    node.length = n
    return
  }
  ;(node as Record<string, unknown>)[last] = structuredClone(value)
}
