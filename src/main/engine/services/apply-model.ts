/**
 * Applying a stored model's output as a variable (classifiers, autoencoders, INFERNO summaries
 * alike): the name must not be a column of a sample, a derived variable or another model's
 * output (store/models.ts setApplied checks the last two); null un-applies it.
 */
import { setApplied } from '../store/models'
import { ProjectError } from '../store/project'
import type { ServiceEnv } from './env'

export async function applyModelOutput(
  env: ServiceEnv,
  id: string,
  name: string | null,
): Promise<void> {
  const p = env.requireProject()
  if (name !== null) {
    const all = await env.samples().all()
    if (all.some((s) => s.sample.table.columns.some((c) => c.name === name)))
      throw new ProjectError(`'${name}' is already a column of a sample; choose another name`)
  }
  setApplied(p, id, name)
  env.modelsChanged()
}
