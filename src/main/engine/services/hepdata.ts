/**
 * The window's HEPData export (`hepdata.export`): the selected saved plots of the open project
 * become the tables of their kind, each with its figure as image and thumbnail, and the
 * workspaces of the fits they came from become resources (app/hepdata.ts), the submission is checked against the HEPData format 1.1.x, and only a
 * valid one is written — with its problems, in words, as the answer otherwise. An existing file
 * is refused unless the request says `overwrite` (the window asks first).
 */
import type { HepdataExportResult } from '../../../shared/contract/hepdata'
import { savedPlotsSubmission } from '../app/hepdata'
import { HepdataValidationError } from '../plots/hepdata/validate'
import { writeSubmission } from '../plots/hepdata/write'
import { getPlot } from '../store/plots'
import { plotWorkspaces } from '../store/plot-workspaces'
import type { Handlers, ServiceEnv } from './env'

export function hepdataHandlers(env: ServiceEnv): Handlers<'hepdata.export'> {
  return {
    'hepdata.export': (p): HepdataExportResult => {
      const project = env.requireProject()
      const plots = p.ids.map((id) => getPlot(project, id))
      const submission = savedPlotsSubmission(
        plots,
        p.comment,
        project.summary().name,
        plotWorkspaces(project, plots),
      )
      try {
        const written = writeSubmission(submission, {
          out: p.path,
          zip: p.zip,
          overwrite: p.overwrite,
        })
        return { written, problems: [] }
      } catch (e) {
        if (e instanceof HepdataValidationError) return { written: null, problems: [...e.problems] }
        throw e
      }
    },
  }
}
