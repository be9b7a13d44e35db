/**
 * The project's samples as megaset training reads them (issue 8, data larger than memory): the
 * same choice of signal and background samples, region cuts and inputs as trainingEvents
 * (samples/training-events.ts), checked before anything is decoded, but nothing read yet — the
 * inputs' file columns are read range by range (ml/autoencoder/file-chunks.ts).
 */
import { checkExpr, requireScalar } from '../../../shared/expr'
import type { JobContext } from '../jobs/context'
import type { RangedSample } from '../ml/autoencoder/file-chunks'
import { sampleVariables } from '../samples/prepare'
import type { TrainingSelection } from '../samples/training-events'
import { baseColumns, derivedLayer } from '../select/derived'
import { resolveRegions, withAncestors } from '../select/regions'
import { ProjectError } from '../store/project'
import { listRegions, listVariables } from '../store/regions'
import type { ServiceEnv } from './env'

export interface RangedSelection {
  readonly signal: RangedSample[]
  readonly background: RangedSample[]
}

/** Throws a ProjectError naming the sample, input or cut that is wrong (as trainingEvents). */
export async function rangedSamples(
  env: ServiceEnv,
  config: TrainingSelection,
  ctx: JobContext,
): Promise<RangedSelection> {
  const p = env.requireProject()
  const all = await env.samples().all(ctx)
  const pick = (role: 'signal' | 'background', names: readonly string[]) => {
    if (!names.length) return all.filter((s) => s.stored.spec.role === role)
    return names.map((n) => {
      const s = all.find((x) => x.stored.spec.name === n)
      if (!s)
        throw new ProjectError(`no sample named '${n}' in this project (or it cannot be opened)`)
      return s
    })
  }
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
  let cuts: ReturnType<typeof resolveRegions>[number]['cuts'] = []
  if (config.region !== null) {
    const regions = listRegions(p)
    if (!regions.some((r) => r.name === config.region))
      throw new ProjectError(`no region named '${config.region}' in this project`)
    cuts = withAncestors(resolveRegions(regions), config.region).at(-1)?.cuts ?? []
  }
  const vars = listVariables(p)
  const computed = await env.computedVariables()
  const ranged = (chosen: typeof signal): RangedSample[] =>
    chosen.map(({ sample }) => {
      const where = `sample '${sample.spec.name}'`
      const checked = sampleVariables(sample, vars, computed)
      const inputs = config.inputs.map((input, i) => {
        const r = checkExpr(input, checked.symbols)
        const s = r.ok ? requireScalar(r.value, 'a training input') : r
        if (!s.ok)
          throw new ProjectError(`input ${i + 1} '${input}' in ${where}: ${s.error.message}`)
        return s.value
      })
      const cutExprs = cuts.map((c) => {
        const r = checkExpr(c.expr, checked.symbols)
        const s = r.ok ? requireScalar(r.value, 'a cut') : r
        if (!s.ok) throw new ProjectError(`cut '${c.label}' in ${where}: ${s.error.message}`)
        return s.value
      })
      const names = new Set<string>()
      for (const e of [...inputs, ...cutExprs]) for (const c of e.columns) names.add(c)
      return {
        name: sample.spec.name,
        files: sample.spec.files.map((path, f) => ({
          path,
          entries: sample.table.fileEntries[f],
        })),
        table: sample.table.table,
        columns: baseColumns(names, checked.checked, checked.computed),
        derive: checked.checked.size || checked.computed.size ? derivedLayer(checked) : undefined,
        weights: sample.weights(),
        inputs,
        cuts,
      }
    })
  return { signal: ranged(signal), background: ranged(background) }
}
