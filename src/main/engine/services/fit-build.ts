/**
 * Building a likelihood workspace from the project's regions and samples (fit.build, a job:
 * it reads every sample's events) and writing any stored workspace as pyhf JSON (fit.export).
 * The build is the application layer's use case (app/build-workspace.ts) over the project's
 * event source — the same code `hepwb build-workspace` runs on a spec or a project file; the
 * workspace is stored like an imported one (source null), so every Fit view feature works on it.
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
import { scaledContext } from '../app/executor'
import { writeOutputFile } from '../io/output-file'
import type { RunContext } from '../jobs/runner'
import { SpecError } from '../select/spec-error'
import { BuildError } from '../stats/build-workspace'
import { getWorkspace, insertWorkspace, type StoredWorkspace } from '../store/fits'
import { ProjectError } from '../store/project'
import type { Handlers, ServiceEnv } from './env'
import { projectSource } from './project-source'
import type { ProjectScope } from './scope'

/** Share of a build's progress spent loading the samples (usually held already). */
const LOADING = 0.1

export function fitBuildHandlers(
  env: ServiceEnv,
  summarise: (w: StoredWorkspace) => WorkspaceSummary,
): Handlers<Extract<FitMethodName, 'fit.build' | 'fit.export'>> {
  /**
   * The build's job: every sample's events read once (the use case), then the workspace stored
   * in `scope`'s project, the one the build started in, whatever the window opens meanwhile.
   * A cancelled build stores nothing, even when the cancel came after the last event was read.
   */
  async function build(
    scope: ProjectScope,
    recipe: BuildRecipe,
    ctx: RunContext,
  ): Promise<BuiltWorkspace> {
    const project = scope.requireProject()
    let outcome: BuildOutcome
    ctx.progress(0, 'loading the samples')
    try {
      // Every sample: one that cannot be opened would silently change the model (refused,
      // saying why). Applied classifier outputs are variables too (observables, cuts, ratios).
      const source = await projectSource(
        scope.samples(),
        await scope.computedVariables(),
        { requireAll: true },
        scaledContext(ctx, 0, LOADING, 'loading the samples'),
      )
      outcome = await runBuildWorkspace(source, recipe, scaledContext(ctx, LOADING, 1 - LOADING))
    } catch (e) {
      if (e instanceof SpecError || e instanceof BuildError) throw new ProjectError(e.message)
      throw e
    }
    ctx.throwIfCancelled()
    const stored: StoredWorkspace = {
      id: randomUUID(),
      name: recipe.name,
      source: null,
      workspace: outcome.workspace,
      patchset: null,
      createdAt: new Date().toISOString(),
    }
    insertWorkspace(project.database, stored)
    ctx.stored('workspace', stored.id)
    return { ...summarise(stored), dataKind: outcome.dataKind, warnings: outcome.warnings }
  }

  return {
    'fit.build': (recipe) => {
      // Bound to the project open now (the job's scope), like every job.
      const scope = env.scope()
      const jobId = env.jobs.start('fit.build', `Build workspace ${recipe.name}`, recipe, (ctx) =>
        build(scope, recipe, ctx),
      )
      return { jobId }
    },
    'fit.export': ({ workspaceId, path, overwrite }) => {
      const w = getWorkspace(env.requireProject().database, workspaceId)
      if (!w) throw new ProjectError(`no workspace with id ${workspaceId} in this project`)
      const target = resolve(path)
      writeOutputFile(target, JSON.stringify(w.workspace, null, 2) + '\n', overwrite)
      return { path: target }
    },
  }
}
