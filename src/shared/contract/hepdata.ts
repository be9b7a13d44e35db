/**
 * What a HEPData export is asked for (`hepwb hepdata --tables REQUEST.json`, and the window's
 * export): the submission's comment, the conditions every table shares (√s in TeV, integrated
 * luminosity in fb⁻¹), and the tables — each computed by the engine's own use cases from the
 * spec or project (histograms, cut-flows, yields) or from a pyhf workspace (likelihood scan,
 * CLs against the POI, upper limit), or given as points (exclusion contours) — plus the pyhf
 * workspaces to attach as resources. Files are relative to the request file.
 */
import { z } from 'zod'
import { FilePath, type MethodSpec, Overwrite } from './common'

const name = z
  .string()
  .min(1, 'a table needs a name')
  .max(64, 'HEPData allows at most 64 characters')
const common = {
  name,
  description: z.string().optional(),
  /** Where the table is in the paper ("Figure 3 (left)"). */
  location: z.string().max(256).optional(),
}
const header = z.object({ name: z.string().min(1), units: z.string().optional() }).strict()
const by = z.enum(['sample', 'group']).optional()
const workspaceRef = {
  /** A pyhf workspace (.json or .json.gz). */
  workspace: z.string().min(1),
  /** A patch of a patchset (FILE:NAME) or a JSON Patch file, as `hepwb fit --patch`. */
  patch: z.string().optional(),
}
const grid = {
  lo: z.number(),
  hi: z.number(),
  points: z.number().int().min(2).max(1000),
}

export const HepdataTableRequest = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('histogram'),
      ...common,
      /** Expression, column or derived variable, as `hepwb hist --var`. */
      var: z.string().min(1),
      bins: z.number().int().min(1).max(100000),
      lo: z.number(),
      hi: z.number(),
      region: z.string().optional(),
      /** The x axis' name (default the expression) and unit. */
      label: z.string().optional(),
      unit: z.string().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('cutflow'), ...common, region: z.string().min(1), by }).strict(),
  z
    .object({ kind: z.literal('yields'), ...common, regions: z.array(z.string()).optional(), by })
    .strict(),
  z
    .object({
      kind: z.literal('scan'),
      ...common,
      ...workspaceRef,
      parameter: z.string().optional(),
      ...grid,
    })
    .strict(),
  z
    .object({
      kind: z.literal('cls'),
      ...common,
      ...workspaceRef,
      ...grid,
      cl: z.number().gt(0).lt(1).default(0.95),
    })
    .strict(),
  z
    .object({
      kind: z.literal('limit'),
      ...common,
      ...workspaceRef,
      cl: z.number().gt(0).lt(1).default(0.95),
    })
    .strict(),
  z
    .object({
      kind: z.literal('limit-grid'),
      ...common,
      /** The plane of signal points (e.g. the patchset's two masses). */
      x: header,
      y: header,
      cl: z.number().gt(0).lt(1).default(0.95),
      /** What is limited (default μ). */
      poi: header.optional(),
      /** Each signal point's limits (as a signal grid computes them): observed, expected −2σ … +2σ. */
      points: z
        .array(
          z
            .object({
              x: z.number(),
              y: z.number(),
              obs: z.number().nullable(),
              exp: z.array(z.number().nullable()).length(5),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('contour'),
      ...common,
      x: header,
      y: header,
      cl: z.number().gt(0).lt(1).default(0.95),
      curves: z
        .array(
          z
            .object({
              label: z.string().min(1),
              pieces: z.array(z.array(z.tuple([z.number(), z.number()])).min(2)).min(1),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
])
export type HepdataTableRequest = z.output<typeof HepdataTableRequest>

export const HepdataConditions = z
  .object({
    /** √s in TeV. */
    energy: z.number().positive().optional(),
    /** Integrated luminosity in fb⁻¹. */
    lumi: z.number().positive().optional(),
    reactions: z.array(z.string().max(128)).optional(),
    phrases: z.array(z.string().max(128)).optional(),
  })
  .strict()
export type HepdataConditions = z.output<typeof HepdataConditions>

export const HepdataRequest = z
  .object({
    comment: z.string().default(''),
    conditions: HepdataConditions.default({}),
    tables: z.array(HepdataTableRequest).min(1, 'list at least one table'),
    /** pyhf workspaces attached to the submission as resources. */
    workspaces: z
      .array(z.object({ name: z.string().min(1), file: z.string().min(1) }).strict())
      .default([]),
  })
  .strict()
export type HepdataRequest = z.output<typeof HepdataRequest>

/** What an export wrote (`hepwb hepdata --json`). */
export const HepdataWritten = z.object({
  folder: z.string(),
  files: z.array(z.string()),
  zip: z.string().nullable(),
  tables: z.array(z.object({ name: z.string(), file: z.string(), rows: z.number().int() })),
})
export type HepdataWritten = z.infer<typeof HepdataWritten>

/** One problem of a submission, in words (which table, which file, which field, what). */
export const HepdataProblem = z.object({
  table: z.string().nullable(),
  file: z.string(),
  field: z.string(),
  message: z.string(),
})
export type HepdataProblem = z.infer<typeof HepdataProblem>

/** A problem as one line: "table 'Yields' (yields.yaml), dependent variable 1 (…), value 2: …". */
export function hepdataProblemText(p: HepdataProblem): string {
  const where = p.table === null ? 'submission-wide information' : `table '${p.table}'`
  return `${where} (${p.file})${p.field ? `, ${p.field}` : ''}: ${p.message}`
}

export const HepdataExportParams = z
  .object({
    /** The saved plots to export (their ids), in this order. */
    ids: z.array(z.string().min(1).max(200)).min(1, 'select at least one plot').max(1000),
    comment: z.string().max(10000).default(''),
    /** The folder to write into (created when missing). */
    path: FilePath,
    /** Also write submission.zip, ready to upload. */
    zip: z.boolean().default(true),
    overwrite: Overwrite,
  })
  .strict()
export type HepdataExportParams = z.input<typeof HepdataExportParams>

export const HepdataExportResult = z.object({
  /** What was written; null when the submission is not valid (then nothing was written). */
  written: HepdataWritten.nullable(),
  problems: z.array(HepdataProblem),
})
export type HepdataExportResult = z.infer<typeof HepdataExportResult>

export const hepdataMethods = {
  /**
   * Writes the selected saved plots as a HEPData submission, checked against the format 1.1.x
   * first: a submission with problems is not written, and its problems are the answer.
   */
  'hepdata.export': { params: HepdataExportParams, result: HepdataExportResult },
} as const satisfies Record<string, MethodSpec>
