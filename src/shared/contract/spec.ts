/**
 * A project as an analysis spec and back (issue 4, "A project can be exported to a spec and a
 * spec opened as a project"): the spec is the JSON `hepwb cutflow` reads (DESIGN.md §5), with
 * sample file paths written relative to the spec file's folder.
 */
import { z } from 'zod'
import { FilePath, JobStarted, type MethodSpec, Overwrite } from './common'

/**
 * The project a spec was opened as. The same shape as api.ts's ProjectSummary, which cannot be
 * imported here: api.ts assembles this file (an import back would be a cycle).
 */
const OpenedProject = z.object({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  runs: z.number().int(),
})

export const specMethods = {
  /** Writes the open project's samples, derived variables and regions to a spec file `path`. */
  'spec.export': {
    params: z.object({ path: FilePath, overwrite: Overwrite }).strict(),
    result: z.object({ path: z.string() }),
  },
  /**
   * Job: creates the project file `project` from the spec file `spec` (samples added as the Data
   * step adds them: files hashed, weights summed, normalisation computed), and opens it. On any
   * error — named by the spec's JSON path — the new project file is removed.
   */
  'spec.open': {
    params: z.object({ spec: FilePath, project: FilePath, overwrite: Overwrite }).strict(),
    result: JobStarted,
    job: OpenedProject,
  },
} as const satisfies Record<string, MethodSpec>

export type SpecMethodName = keyof typeof specMethods
