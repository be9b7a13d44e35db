/**
 * The training events of an analysis spec (for `hepwb train`): each chosen signal and
 * background sample opened from its files, inputs and the region's cuts checked against it
 * before anything is decoded, the selected events kept and the sample's columns released.
 */
import type { TrainConfig } from '../../../shared/contract/train'
import type { AnalysisSpec } from '../../../shared/spec'
import type { JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import { resolveRegions, withAncestors } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { checkIn, checkWeight, openSpecSample, prepareSample } from '../select/spec-sample'
import { selectEvents, type SelectedEvents } from './build-dataset'

export async function specTrainingEvents(
  spec: AnalysisSpec,
  config: Pick<TrainConfig, 'signal' | 'background' | 'region' | 'inputs'>,
  ctx: JobContext,
): Promise<SelectedEvents[]> {
  const pick = (role: 'signal' | 'background', names: readonly string[]) =>
    names.length
      ? names.map((n) => {
          const i = spec.samples.findIndex((s) => s.name === n)
          if (i < 0) throw new SpecError([role], `no sample named '${n}' in the spec`)
          return { index: i, role }
        })
      : spec.samples.flatMap((s, index) => (s.role === role ? [{ index, role }] : []))
  const chosen = [...pick('signal', config.signal), ...pick('background', config.background)]
  for (const role of ['signal', 'background'] as const)
    if (!chosen.some((c) => c.role === role))
      throw new SpecError([role], `no ${role} samples: give their names or mark samples as ${role}`)
  let cuts: ReturnType<typeof resolveRegions>[number]['cuts'] = []
  if (config.region !== null) {
    const regions = resolveRegions(spec.regions)
    if (!regions.some((r) => r.name === config.region))
      throw new SpecError(['region'], `no region named '${config.region}' in the spec`)
    cuts = withAncestors(regions, config.region).at(-1)?.cuts ?? []
  }
  const compiler = new CutCompiler()
  const out: SelectedEvents[] = []
  for (const [k, { index, role }] of chosen.entries()) {
    ctx.throwIfCancelled()
    const sample = await openSpecSample(spec.samples[index], index, spec.variables, ctx)
    ctx.progress(k / chosen.length, `reading ${sample.spec.name}`)
    checkWeight(sample)
    const inputs = config.inputs.map((e, i) =>
      checkIn(sample, e, ['inputs', i], 'a training input'),
    )
    const cutExprs = cuts.map((c) => checkIn(sample, c.expr, c.path, 'a cut'))
    const prepared = await prepareSample(sample, [...inputs, ...cutExprs], ctx)
    out.push(selectEvents(prepared, role, inputs, cuts, compiler))
    sample.table.release()
  }
  return out
}
