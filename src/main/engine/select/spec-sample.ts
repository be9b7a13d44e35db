/**
 * A spec's sample opened for selection: its files as one lazy event table, the derived
 * variables checked against its columns, expressions checked against both, and — once the
 * expressions to run are known — only the file columns they need decoded, with the final
 * per-event weights (weight expression × scale, or × σ·L/Σw for a cross-section).
 */
import {
  ExprError,
  checkExpr,
  requireScalar,
  requiredColumns,
  type CheckedExpr,
} from '../../../shared/expr'
import type { SpecSample, SpecVariable } from '../../../shared/spec'
import { formatSpecPath, sampleGroup } from '../../../shared/spec'
import { EventTable } from '../data/event-table'
import { InputError } from '../io/errors'
import { openSource } from '../io/source'
import { silentContext, type JobContext } from '../jobs/context'
import { compile } from './compile'
import type { PreparedSample } from './cutflow'
import { baseColumns, checkVariables, derivedLayer, type CheckedVariables } from './derived'
import { columnProvider, type ColumnProvider } from './provider'
import { SpecError, atPath } from './spec-error'

export interface OpenedSample {
  readonly spec: SpecSample
  /** Position in the spec's `samples`. */
  readonly index: number
  readonly table: EventTable
  readonly variables: CheckedVariables
  /** "in sample 'Zmumu' (a.root, tree 'events')", for messages. */
  readonly context: string
}

/**
 * Opens sample `index` of a spec: lists its files' columns (nothing decoded) and checks the
 * derived variables against them. Throws SpecError naming the sample's JSON path.
 */
export async function openSpecSample(
  sample: SpecSample,
  index: number,
  variables: readonly SpecVariable[],
  ctx: JobContext = silentContext(),
): Promise<OpenedSample> {
  const path = ['samples', index]
  const tree = sample.tree ?? (await onlyTable(sample.files[0], [...path, 'files', 0], ctx))
  let table: EventTable
  try {
    table = await EventTable.open(
      { files: sample.files, table: tree, missing: sample.missing },
      { ctx },
    )
  } catch (e) {
    if (!(e instanceof InputError)) throw e
    const i = sample.files.indexOf(e.file)
    throw new SpecError(i >= 0 ? [...path, 'files', i] : [...path, 'files'], e.message, {
      cause: e,
    })
  }
  const where = sample.files.length > 1 ? `${sample.files.length} files` : sample.files[0]
  const context = `in sample '${sample.name}' (${where}, tree '${tree}')`
  const symbols = new Map(table.columns.map((c) => [c.name, { jagged: c.jagged }]))
  return {
    spec: sample,
    index,
    table,
    context,
    variables: checkVariables(variables, symbols, context),
  }
}

/** The name of a file's only table; an error listing them when there are several. */
async function onlyTable(
  file: string,
  path: readonly (string | number)[],
  ctx: JobContext,
): Promise<string> {
  let names: string[]
  try {
    names = (await openSource(file, ctx)).tables.map((t) => t.name)
  } catch (e) {
    if (e instanceof InputError) throw new SpecError(path, e.message, { cause: e })
    throw e
  }
  if (names.length === 1) return names[0]
  throw new SpecError(
    path.slice(0, 2),
    names.length
      ? `${file} has ${names.length} tables (${names.join(', ')}): choose one with "tree"`
      : `${file} holds no tables (no TTree, dataset or rows)`,
  )
}

/**
 * Checks an expression against a sample's columns and derived variables. `role` ('a cut',
 * 'a weight') requires one value per event; without it lists are allowed (histograms).
 * Throws SpecError at `path`, saying why a column missing from some file of a chain is missing.
 */
export function checkIn(
  sample: OpenedSample,
  expr: string,
  path: readonly (string | number)[],
  role?: string,
): CheckedExpr {
  const { failed } = sample.variables
  if (failed.size) {
    // A variable this sample cannot compute: its own error says why, and where it is used.
    const names = requiredColumns(expr)
    const bad = names.ok ? names.value.find((n) => failed.has(n)) : undefined
    const error = bad === undefined ? undefined : failed.get(bad)
    if (error) {
      const by = path.length ? formatSpecPath(path) : `'${expr}'`
      throw new SpecError(error.path, `needed by ${by}: ${error.reason}`, { cause: error })
    }
  }
  return atPath(path, expr, sample.context, () => {
    const r = checkExpr(expr, sample.variables.symbols)
    const s = r.ok && role ? requireScalar(r.value, role) : r
    if (s.ok) return s.value
    const skipped = sample.table.skipped.find((x) => s.error.reason.includes(`'${x.name}'`))
    if (skipped) {
      const { reason, position, end } = s.error
      throw new ExprError(reason, position, end, `'${skipped.name}' is ${skipped.reason}`)
    }
    throw s.error
  })
}

/** The weight expression checked, or null for unit weights ('' or '1'). */
export function checkWeight(sample: OpenedSample): CheckedExpr | null {
  const w = sample.spec.weight
  if (w === '' || w === '1') return null
  return checkIn(sample, w, ['samples', sample.index, 'weight'], 'a weight')
}

/**
 * Decodes the file columns that `exprs` and the weight need (through derived variables) and
 * computes the weights. `exprs` must have been checked with checkIn for this sample.
 */
export async function prepareSample(
  sample: OpenedSample,
  exprs: readonly CheckedExpr[],
  ctx: JobContext = silentContext(),
): Promise<PreparedSample> {
  const weight = checkWeight(sample)
  const names = new Set<string>()
  for (const e of [...exprs, ...(weight ? [weight] : [])]) for (const c of e.columns) names.add(c)
  const { table, variables, spec } = sample
  const columns = baseColumns(names, variables.checked)
  const data = columnProvider(await table.load(columns, ctx), table.entries)
  const derive = variables.checked.size ? derivedLayer(variables) : undefined
  const raw = weight ? rawWeights(weight, derive ? derive(data) : data) : null
  const scale = spec.scale * crossSectionFactor(sample, raw, table.entries)
  return {
    name: spec.name,
    role: spec.role,
    group: sampleGroup(spec),
    data,
    derive,
    variables,
    weights: raw ? scaleInPlace(raw, scale) : scale,
  }
}

/** The weight expression per event, float64 (a copy: it is scaled in place). */
function rawWeights(weight: CheckedExpr, data: ColumnProvider): Float64Array {
  return Float64Array.from(compile(weight, data).evaluate(data).values)
}

/**
 * σ [pb] × L [pb⁻¹] / Σ generator weights, or 1 without a cross-section. Σ generator weights
 * is `sumw` if given, else the sum of the (non-NaN) weights over all events.
 */
function crossSectionFactor(
  sample: OpenedSample,
  raw: Float64Array | null,
  entries: number,
): number {
  const { xsec, lumi, sumw } = sample.spec
  if (xsec === undefined || lumi === undefined) return 1
  let total = sumw
  if (total === undefined) {
    total = raw ? 0 : entries
    if (raw) for (let i = 0; i < raw.length; i++) if (raw[i] === raw[i]) total += raw[i]
  }
  if (!(total !== 0 && Number.isFinite(total))) {
    throw new SpecError(
      ['samples', sample.index, 'xsec'],
      `cannot normalise to a cross-section: the sum of weights is ${total}; give "sumw"`,
    )
  }
  return (xsec * lumi) / total
}

function scaleInPlace(w: Float64Array, scale: number): Float64Array {
  if (scale !== 1) for (let i = 0; i < w.length; i++) w[i] *= scale
  return w
}
