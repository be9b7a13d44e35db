/**
 * A project made from a spec of the Kaggle H→ττ background CSV (weight `Weight`, −999 missing)
 * with region SR (two cuts), in `dir`: what the out-of-core service tests read.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { readSpecFile } from '../../../src/main/engine/select/spec-file'
import { projectFromSpec } from '../../../src/main/engine/services/spec'
import type { Project } from '../../../src/main/engine/store/project'
import { KAGGLE_BACKGROUND_SPEC } from '../ml/kaggle-higgs'

export async function kaggleBackgroundProject(dir: string): Promise<Project> {
  const file = join(dir, 'spec.json')
  writeFileSync(file, JSON.stringify(KAGGLE_BACKGROUND_SPEC))
  const spec = await readSpecFile(file)
  return projectFromSpec(spec, file, join(dir, 'p.hepwb'), silentContext())
}
