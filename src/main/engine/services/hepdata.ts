/**
 * The window's HEPData export (`hepdata.export`): the selected saved plots become the tables
 * of their kind (plots/hepdata/saved-plot-tables.ts), the submission is checked against the
 * HEPData format 1.1.x, and only a valid one is written — with its problems, in words, as the
 * answer otherwise. An existing file is refused unless the request says `overwrite` (the window
 * asks first).
 */
import type { HepdataExportResult } from '../../../shared/contract/hepdata'
import { savedPlotsTables } from '../plots/hepdata/saved-plot-tables'
import { HepdataValidationError } from '../plots/hepdata/validate'
import { writeSubmission } from '../plots/hepdata/write'
import type { Handlers, ServiceEnv } from './env'

export function hepdataHandlers(env: ServiceEnv): Handlers<'hepdata.export'> {
  return {
    'hepdata.export': (p): HepdataExportResult => {
      const project = env.project()
      const comment =
        p.comment ||
        `The numbers behind ${p.plots.length === 1 ? 'a figure' : `${p.plots.length} figures`}${project ? ` of the project ${project.summary().name}` : ''}, written by HEP Workbench.`
      try {
        const written = writeSubmission(
          { comment, resources: [], tables: savedPlotsTables(p.plots) },
          { out: p.path, zip: p.zip, overwrite: p.overwrite },
        )
        return { written, problems: [] }
      } catch (e) {
        if (e instanceof HepdataValidationError) return { written: null, problems: [...e.problems] }
        throw e
      }
    },
  }
}
