/**
 * The events a training run reads from the project (classifiers, issue 5; autoencoders,
 * issue 8): the chosen signal and background samples (all of each role when none are named),
 * only events passing a region's cuts, and each input evaluated per event.
 */
import { checkExpr, requireScalar, requiredColumns, type CheckedExpr } from '../../../shared/expr'
import type { JobContext } from '../jobs/context'
import { selectEvents, type SelectedEvents } from '../ml/build-dataset'
import type { ProjectScope } from './scope'
import { CutCompiler } from '../select/cut-compiler'
import type { CheckedVariables } from '../select/derived'
import { resolveRegions, withAncestors, type ResolvedCut } from '../select/regions'
import { ProjectError } from '../store/project'
import { listRegions, listVariables } from '../store/regions'
import type { LoadedSample } from '../samples/loaded-sample'
import { prepareLoaded, sampleVariables } from '../samples/prepare'

export interface TrainingSelection {
  /** Sample names; empty: every sample with that role. */
  readonly signal: readonly string[]
  readonly background: readonly string[]
  /** Region whose cuts (its parents' first) events must pass; null: all events. */
  readonly region: string | null
  /** Input expressions, one value per event. */
  readonly inputs: readonly string[]
  /**
   * Samples read after the chosen ones, in this order, with the same region and inputs, but
   * never taken as signal or background (INFERNO's up / down variation samples).
   */
  readonly extra?: readonly string[]
}

/** One chosen sample with its variables, inputs and the region's cuts checked against it. */
export interface CheckedTrainingSample {
  readonly sample: LoadedSample
  readonly role: 'signal' | 'background'
  readonly variables: CheckedVariables
  readonly inputs: readonly CheckedExpr[]
  readonly cuts: readonly CheckedExpr[]
}

/**
 * The chosen samples (signal first) with everything checked before anything is decoded, and the
 * region's cuts. Throws a ProjectError naming the sample, input or cut that is wrong. Shared by
 * in-memory reading (trainingEvents) and range-by-range reading (services/anomaly-sources.ts).
 */
export async function checkedTrainingSamples(
  env: ProjectScope,
  config: TrainingSelection,
  ctx: JobContext,
): Promise<{ samples: CheckedTrainingSample[]; cuts: readonly ResolvedCut[] }> {
  const p = env.requireProject()
  const all = await env.samples().all(ctx)
  const extra = config.extra ?? []
  const named = (names: readonly string[]) =>
    names.map((n) => {
      const s = all.find((x) => x.stored.spec.name === n)
      if (!s)
        throw new ProjectError(`no sample named '${n}' in this project (or it cannot be opened)`)
      return s
    })
  const pick = (role: 'signal' | 'background', names: readonly string[]) =>
    (names.length ? named(names) : all.filter((s) => s.stored.spec.role === role)).filter(
      (s) => !extra.includes(s.stored.spec.name),
    )
  const signal = pick('signal', config.signal)
  const background = pick('background', config.background)
  if (!signal.length)
    throw new ProjectError('no signal samples: mark a sample as signal or choose one')
  if (!background.length)
    throw new ProjectError('no background samples: mark a sample as background or choose one')
  const both = new Set(signal.map((s) => s.stored.id))
  const clash = background.find((s) => both.has(s.stored.id))
  if (clash)
    throw new ProjectError(
      `sample '${clash.stored.spec.name}' is chosen as signal and as background`,
    )
  let cuts: readonly ResolvedCut[] = []
  if (config.region !== null) {
    const regions = listRegions(p)
    if (!regions.some((r) => r.name === config.region))
      throw new ProjectError(`no region named '${config.region}' in this project`)
    cuts = withAncestors(resolveRegions(regions), config.region).at(-1)?.cuts ?? []
  }
  const vars = listVariables(p)
  const computed = await env.computedVariables()
  const chosen = [
    ...signal.map((s) => ({ ...s, role: 'signal' as const })),
    ...background.map((s) => ({ ...s, role: 'background' as const })),
    ...named(extra).map((s) => ({ ...s, role: 'background' as const })),
  ]
  const samples = chosen.map(({ sample, role }) => {
    const where = `sample '${sample.spec.name}'`
    const variables = sampleVariables(sample, vars, computed)
    const inputs = config.inputs.map((input, i) => {
      const r = checkExpr(input, variables.symbols)
      const s = r.ok ? requireScalar(r.value, 'a training input') : r
      if (!s.ok) {
        // A column the file holds but not as numbers: say so rather than "unknown variable".
        const bad = r.ok ? undefined : unreadableIn(sample, input)
        throw new ProjectError(
          `input ${i + 1} '${input}' in ${where}: ${bad ? `'${bad.name}' is not numeric: ${bad.reason}; an input must be a number per event` : s.error.message}`,
        )
      }
      return s.value
    })
    const cutExprs = cuts.map((c) => {
      const r = checkExpr(c.expr, variables.symbols)
      const s = r.ok ? requireScalar(r.value, 'a cut') : r
      if (!s.ok) throw new ProjectError(`cut '${c.label}' in ${where}: ${s.error.message}`)
      return s.value
    })
    return { sample, role, variables, inputs, cuts: cutExprs }
  })
  return { samples, cuts }
}

/** The first column `expr` reads that the sample's files hold but cannot read as numbers. */
function unreadableIn(sample: LoadedSample, expr: string): { name: string; reason: string } | null {
  const names = requiredColumns(expr)
  if (!names.ok) return null
  return sample.table.skipped.find((s) => names.value.includes(s.name)) ?? null
}

/**
 * The selected events of every chosen sample, signal samples first, then the `extra` ones.
 * Throws a ProjectError naming the sample, input or cut that is wrong.
 */
export async function trainingEvents(
  env: ProjectScope,
  config: TrainingSelection,
  ctx: JobContext,
): Promise<SelectedEvents[]> {
  const { samples, cuts } = await checkedTrainingSamples(env, config, ctx)
  const compiler = new CutCompiler()
  const out: SelectedEvents[] = []
  for (const [k, c] of samples.entries()) {
    ctx.throwIfCancelled()
    ctx.progress(0, `reading ${c.sample.spec.name} (${k + 1}/${samples.length})`)
    const prepared = await prepareLoaded(c.sample, c.variables, [...c.inputs, ...c.cuts])
    out.push(selectEvents(prepared, c.role, c.inputs, cuts, compiler))
  }
  return out
}
