import type { Command } from 'commander'
import { closeSync, openSync, readSync } from 'node:fs'
import { resolve } from 'node:path'
import { silentContext } from '../../engine/jobs/context'
import { projectFromSpec } from '../../engine/services/spec'
import { readSpecFile } from '../../engine/select/spec-file'
import { Project } from '../../engine/store/project'
import { exportSpecFile } from '../../engine/store/spec-io'
import { UsageError, action } from '../action'
import { isProjectFile } from '../event-source'

/**
 * `hepwb spec export PROJECT.hepwb SPEC.json`: the project's samples, variables and regions,
 * the project opened read-only (its file is not written, not even migrated). An existing
 * SPEC.json is replaced (the shell user named it; the window asks first). A spec given in place
 * of the project is refused, saying which command makes a project of it.
 */
function exportSpec(projectPath: string, specPath: string): { path: string } {
  if (!isProjectFile(projectPath) && /^\s*\{/.test(readHead(projectPath)))
    throw new UsageError(
      `${resolve(projectPath)} is an analysis spec, not a project: \`hepwb spec open SPEC.json PROJECT.hepwb\` makes a project of it`,
    )
  const project = Project.openReadOnly(projectPath)
  try {
    return { path: exportSpecFile(project, specPath, { overwrite: true }) }
  } finally {
    project.close()
  }
}

/** The first bytes of `file` as text ('' when it cannot be read: the project opener says why). */
function readHead(file: string): string {
  try {
    const fd = openSync(file, 'r')
    try {
      const head = Buffer.alloc(64)
      return head.toString('utf8', 0, readSync(fd, head, 0, 64, 0))
    } finally {
      closeSync(fd)
    }
  } catch {
    return ''
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
    .argument('<project>', 'project file (.hepwb), opened read-only')
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
