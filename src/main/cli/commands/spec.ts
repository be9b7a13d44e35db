import type { Command } from 'commander'
import { resolve } from 'node:path'
import { silentContext } from '../../engine/jobs/context'
import { projectFromSpec } from '../../engine/services/spec'
import { readSpecFile } from '../../engine/select/spec-file'
import { Project } from '../../engine/store/project'
import { exportSpecFile } from '../../engine/store/spec-io'
import { action } from '../action'

/**
 * `hepwb spec export PROJECT.hepwb SPEC.json`: the project's samples, variables and regions.
 * An existing SPEC.json is replaced (the shell user named it; the window asks first).
 */
function exportSpec(projectPath: string, specPath: string): { path: string } {
  const project = Project.open(projectPath)
  try {
    return { path: exportSpecFile(project, specPath, { overwrite: true }) }
  } finally {
    project.close()
  }
}

/**
 * `hepwb spec open SPEC.json PROJECT.hepwb`: a new project file built from the spec, under a
 * temporary name and renamed into place when complete; an existing PROJECT.hepwb is refused.
 */
async function openSpec(specPath: string, projectPath: string): Promise<{ path: string }> {
  const file = resolve(specPath)
  const target = resolve(projectPath)
  const project = await projectFromSpec(await readSpecFile(file), file, target, silentContext())
  project.close()
  return { path: target }
}

export function register(program: Command): void {
  const spec = program
    .command('spec')
    .description('a project as an analysis spec (SPEC.json) and a spec as a project')
  spec
    .command('export')
    .description("write a project's samples, derived variables and regions as an analysis spec")
    .argument('<project>', 'project file (.hepwb)')
    .argument('<spec>', 'spec file to write (JSON; sample paths are written relative to it)')
    .action(
      action(
        ([p, s]) => exportSpec(p, s),
        (r) => `spec written to ${r.path}`,
      ),
    )
  spec
    .command('open')
    .description('create a new project file from an analysis spec (samples hashed and summed)')
    .argument('<spec>', 'analysis spec (JSON); sample files are relative to it')
    .argument('<project>', 'project file to create (.hepwb; must not exist)')
    .action(
      action(
        ([s, p]) => openSpec(s, p),
        (r) => `project written to ${r.path}`,
      ),
    )
}
