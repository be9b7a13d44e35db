/**
 * The background samples of an analysis spec as streaming reads them (`hepwb train` kinds ae /
 * vae with a memory budget): each sample opened (columns listed, nothing decoded), inputs and
 * the region's cuts checked against it, its weights computed (only the weight's columns are
 * decoded, then released); the inputs' columns are read range by range later (file-chunks.ts).
 */
import type { TrainConfig } from '../../../../shared/contract/train'
import type { AnalysisSpec } from '../../../../shared/spec'
import type { JobContext } from '../../jobs/context'
import { baseColumns } from '../../select/derived'
import { resolveRegions, withAncestors } from '../../select/regions'
import { SpecError } from '../../select/spec-error'
import { checkIn, openSpecSample, prepareSample } from '../../select/spec-sample'
import type { RangedSample } from './file-chunks'

/** The chosen background samples of `spec` (all marked background when none are named). */
export function specBackgroundSamples(
  spec: AnalysisSpec,
  config: Pick<TrainConfig, 'background' | 'region' | 'inputs'>,
  ctx: JobContext,
): Promise<RangedSample[]> {
  return specRangedSamples(spec, config, 'background', config.background, ctx)
}

/** The chosen samples of one role of `spec` (all of that role when `names` is empty). */
export async function specRangedSamples(
  spec: AnalysisSpec,
  config: Pick<TrainConfig, 'region' | 'inputs'>,
  role: 'signal' | 'background',
  names: readonly string[],
  ctx: JobContext,
): Promise<RangedSample[]> {
  const indices = names.length
    ? names.map((n) => {
        const i = spec.samples.findIndex((s) => s.name === n)
        if (i < 0) throw new SpecError([role], `no sample named '${n}' in the spec`)
        return i
      })
    : spec.samples.flatMap((s, i) => (s.role === role ? [i] : []))
  if (!indices.length)
    throw new SpecError([role], `no ${role} samples: give their names or mark samples as ${role}`)
  let cuts: ReturnType<typeof resolveRegions>[number]['cuts'] = []
  if (config.region !== null) {
    const regions = resolveRegions(spec.regions)
    if (!regions.some((r) => r.name === config.region))
      throw new SpecError(['region'], `no region named '${config.region}' in the spec`)
    cuts = withAncestors(regions, config.region).at(-1)?.cuts ?? []
  }
  const out: RangedSample[] = []
  for (const index of indices) {
    ctx.throwIfCancelled()
    const sample = await openSpecSample(spec.samples[index], index, spec.variables, ctx)
    const inputs = config.inputs.map((e, i) =>
      checkIn(sample, e, ['inputs', i], 'a training input'),
    )
    const cutExprs = cuts.map((c) => checkIn(sample, c.expr, c.path, 'a cut'))
    // Weights and the derived layer; only the weight expression's columns are decoded.
    const prepared = await prepareSample(sample, [], ctx)
    sample.table.release()
    const names = new Set<string>()
    for (const e of [...inputs, ...cutExprs]) for (const c of e.columns) names.add(c)
    out.push({
      name: sample.spec.name,
      files: sample.spec.files.map((path, f) => ({
        path,
        entries: sample.table.fileEntries[f],
      })),
      table: sample.table.table,
      missing: sample.table.missing,
      columns: baseColumns(names, sample.variables.checked),
      derive: prepared.derive,
      weights: prepared.weights,
      inputs,
      cuts,
    })
  }
  return out
}
