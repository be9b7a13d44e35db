/**
 * The project's samples as megaset training reads them (issue 8, data larger than memory): the
 * same choice of signal and background samples, region cuts and inputs as trainingEvents
 * (samples/training-events.ts), checked before anything is decoded, but nothing read yet — the
 * inputs' file columns are read range by range (ml/autoencoder/file-chunks.ts).
 */
import type { JobContext } from '../jobs/context'
import type { RangedSample } from '../ml/autoencoder/file-chunks'
import { checkedTrainingSamples, type TrainingSelection } from './training-events'
import { baseColumns, derivedLayer } from '../select/derived'
import type { ProjectScope } from './scope'

export interface RangedSelection {
  readonly signal: RangedSample[]
  readonly background: RangedSample[]
}

/** Throws a ProjectError naming the sample, input or cut that is wrong (as trainingEvents). */
export async function rangedSamples(
  env: ProjectScope,
  config: TrainingSelection,
  ctx: JobContext,
): Promise<RangedSelection> {
  const { samples, cuts } = await checkedTrainingSamples(env, config, ctx)
  const ranged = (role: 'signal' | 'background'): RangedSample[] =>
    samples
      .filter((c) => c.role === role)
      .map(({ sample, variables: checked, inputs, cuts: cutExprs }) => {
        const names = new Set<string>()
        for (const e of [...inputs, ...cutExprs]) for (const c of e.columns) names.add(c)
        return {
          name: sample.spec.name,
          files: sample.spec.files.map((path, f) => ({
            path,
            entries: sample.table.fileEntries[f],
          })),
          table: sample.table.table,
          missing: sample.table.missing,
          columns: baseColumns(names, checked.checked, checked.computed),
          derive: checked.checked.size || checked.computed.size ? derivedLayer(checked) : undefined,
          weights: sample.weights(),
          inputs,
          cuts,
        }
      })
  return { signal: ranged('signal'), background: ranged('background') }
}
