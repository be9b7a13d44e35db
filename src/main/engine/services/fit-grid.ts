/**
 * The Fit view's signal grid: the hypothesis test and/or limit of every patch of a patchset, as
 * a job running the app layer's use case (app/signal-grid.ts) — the same code as `hepwb
 * hypotest|limit --patchset FILE --all`. The job's result (points and contours) is recorded in
 * the project's run of it.
 */
import { basename } from 'node:path'
import type { GridMethodName } from '../../../shared/contract/grid'
import { runSignalGrid } from '../app/signal-grid'
import { inlineExecutor, type TaskExecutor } from '../app/task'
import { settingExecutor } from './compute-settings'
import type { Handlers, ServiceEnv } from './env'

/**
 * `executor` says where the points run: by default where the settings say (the open project's
 * worker threads, or the cluster of Settings → Cluster), this process without a project.
 */
export function gridHandlers(
  env: ServiceEnv,
  executor: () => TaskExecutor = () => {
    const project = env.project()
    return (project && settingExecutor(project)) || inlineExecutor
  },
): Handlers<GridMethodName> {
  return {
    'fit.grid': (params) => {
      const jobId = env.jobs.start(
        'fit.grid',
        `Signal grid ${basename(params.patchset)}`,
        params,
        (ctx) => runSignalGrid(params, ctx, executor()),
      )
      return { jobId }
    },
  }
}
