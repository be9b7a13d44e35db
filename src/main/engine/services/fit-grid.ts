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
import type { Handlers, ServiceEnv } from './env'

/**
 * `executor` says where the points run (this process by default; the worker-thread pool or a
 * cluster when the settings choose one).
 */
export function gridHandlers(
  env: ServiceEnv,
  executor: () => TaskExecutor = () => inlineExecutor,
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
