/**
 * Building a likelihood workspace from the project's regions and samples (fit.build) and
 * writing any stored workspace as pyhf JSON (fit.export). The build is the application layer's
 * use case (app/build-workspace.ts) over the project's event source — the same code
 * `hepwb build-workspace` runs on a spec or a project file; the workspace is stored like an
 * imported one (source null), so every Fit view feature works on it.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import type {
  BuiltWorkspace,
  BuildRecipe,
  FitMethodName,
  WorkspaceSummary,
} from '../../../shared/contract/fit'
import { runBuildWorkspace, type BuildOutcome } from '../app/build-workspace'
import { writeOutputFile } from '../io/output-file'
import { SpecError } from '../select/spec-error'
import { BuildError } from '../stats/build-workspace'
import { getWorkspace, insertWorkspace, type StoredWorkspace } from '../store/fits'
import { ProjectError } from '../store/project'
import type { Handlers, ServiceEnv } from './env'
import { projectSource } from './project-source'

export function fitBuildHandlers(
  env: ServiceEnv,
  summarise: (w: StoredWorkspace) => WorkspaceSummary,
): Handlers<Extract<FitMethodName, 'fit.build' | 'fit.export'>> {
  async function build(recipe: BuildRecipe): Promise<BuiltWorkspace> {
    // Bound to the project open now: the build awaits, and the window may switch meanwhile.
    const scope = env.scope()
    const project = scope.requireProject()
    let outcome: BuildOutcome
    try {
      // Every sample: one that cannot be opened would silently change the model (refused,
      // saying why). Applied classifier outputs are variables too (observables, cuts, ratios).
      const source = await projectSource(scope.samples(), await scope.computedVariables(), {
        requireAll: true,
      })
      outcome = await runBuildWorkspace(source, recipe)
    } catch (e) {
      if (e instanceof SpecError || e instanceof BuildError) throw new ProjectError(e.message)
      throw e
    }
    const stored: StoredWorkspace = {
      id: randomUUID(),
      name: recipe.name,
      source: null,
      workspace: outcome.workspace,
      patchset: null,
      createdAt: new Date().toISOString(),
    }
    insertWorkspace(project.database, stored)
    return { ...summarise(stored), dataKind: outcome.dataKind, warnings: outcome.warnings }
  }

  return {
    'fit.build': (recipe) => build(recipe),
    'fit.export': ({ workspaceId, path, overwrite }) => {
      const w = getWorkspace(env.requireProject().database, workspaceId)
      if (!w) throw new ProjectError(`no workspace with id ${workspaceId} in this project`)
      const target = resolve(path)
      writeOutputFile(target, JSON.stringify(w.workspace, null, 2) + '\n', overwrite)
      return { path: target }
    },
  }
}
