/**
 * The HEPData export use case, written once for the window and `hepwb hepdata`: each table of
 * a request is computed by the engine's own use cases — histograms and cut-flows over the
 * event source (a spec or a project), scans, CLs and limits from a pyhf workspace — and turned
 * into a HEPData table (plots/hepdata/), so a table's numbers are exactly those `hepwb hist`,
 * `hepwb cutflow`, `hepwb fit --scan` and `hepwb limit` print. Returns the submission; writing
 * (with validation first) is plots/hepdata/write.ts.
 */
import { resolve } from 'node:path'
import type { HepdataRequest, HepdataTableRequest } from '../../../shared/contract/hepdata'
import type { CutflowResult, RegionHistogram } from '../../../shared/cutflow'
import { CancelledError, silentContext, type JobContext } from '../jobs/context'
import { loadPatchedWorkspace } from '../io/pyhf'
import type { Conditions } from '../plots/hepdata/conditions'
import { contourTables } from '../plots/hepdata/contour-table'
import { cutflowTable, yieldsTable } from '../plots/hepdata/cutflow-table'
import { histogramTable } from '../plots/hepdata/histogram-table'
import { clsTable, limitGridTable, upperLimitTable } from '../plots/hepdata/limit-table'
import type { Submission, Table } from '../plots/hepdata/record'
import { savedPlotsTables } from '../plots/hepdata/saved-plot-tables'
import type { SavedPlot } from '../../../shared/plot/saved-plot'
import { scanTable } from '../plots/hepdata/scan-table'
import { patchsetResource, workspaceResource } from '../plots/hepdata/workspace-resource'
import { fitLikelihood } from '../stats/fit'
import { Likelihood, observedData } from '../stats/likelihood'
import { upperLimit, upperLimitScan } from '../stats/limit'
import { compileModel, requirePar } from '../stats/model'
import { linspace, profileScan } from '../stats/scan'
import type { Workspace } from '../stats/workspace'
import { runCutflow } from './cutflow'
import { scaledContext } from './executor'
import { runHistogram } from './histogram'
import { runPass } from './pass'
import type { EventSource } from './source'

export interface HepdataInputs {
  /** The samples and regions histograms and cut-flows read (a spec or a project). */
  readonly source?: EventSource
  /** Folder the request's file names are relative to. */
  readonly baseDir: string
}

/** A table that cannot be computed, naming it. */
export class HepdataRequestError extends Error {
  override readonly name = 'HepdataRequestError'
}

export function conditionsOf(request: HepdataRequest): Conditions {
  const c = request.conditions
  return {
    ...(c.energy !== undefined ? { energyTeV: c.energy } : {}),
    ...(c.lumi !== undefined ? { lumiFb: c.lumi } : {}),
    ...(c.reactions ? { reactions: c.reactions } : {}),
    ...(c.phrases ? { phrases: c.phrases } : {}),
  }
}

/** The submission a request describes (see the module comment). */
export async function runHepdata(
  request: HepdataRequest,
  inputs: HepdataInputs,
  ctx: JobContext = silentContext(),
): Promise<Submission> {
  const conditions = conditionsOf(request)
  const workspaces = new Map<string, Workspace>()
  const workspace = async (file: string, patch?: string): Promise<Workspace> => {
    const key = `${file}\0${patch ?? ''}`
    let ws = workspaces.get(key)
    if (!ws) {
      const path = resolve(inputs.baseDir, file)
      const p = patch ? resolve(inputs.baseDir, patch) : undefined
      workspaces.set(key, (ws = await loadPatchedWorkspace(path, p)))
    }
    return ws
  }
  // Every histogram table and the cut-flow from one read of the events, where there are several.
  const shared = await onePass(request.tables, inputs.source, ctx)
  let cutflow: CutflowResult | undefined = shared?.cutflow
  const needSource = (t: HepdataTableRequest): EventSource => {
    if (!inputs.source)
      throw new HepdataRequestError(`table '${t.name}': a ${t.kind} table needs a spec or project`)
    return inputs.source
  }
  const roles = (source: EventSource) =>
    source.samples().map((s) => ({ name: s.name, role: s.role, group: s.group }))
  const tables: Table[] = []
  for (const [i, t] of request.tables.entries()) {
    ctx.throwIfCancelled()
    ctx.progress(i / request.tables.length, `table ${t.name}`)
    const meta = {
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      ...(t.location ? { location: t.location } : {}),
    }
    try {
      switch (t.kind) {
        case 'histogram': {
          const source = needSource(t)
          const histogram =
            shared?.histograms.get(t) ??
            (await runHistogram(source, {
              expr: t.var,
              binning: { bins: t.bins, lo: t.lo, hi: t.hi },
              region: t.region,
            }))
          tables.push(
            histogramTable({
              ...meta,
              histogram,
              samples: roles(source),
              observable: { name: t.label ?? t.var, ...(t.unit ? { units: t.unit } : {}) },
              conditions,
            }),
          )
          break
        }
        case 'cutflow':
        case 'yields': {
          const source = needSource(t)
          cutflow ??= (await runCutflow(source)).result
          const common = { ...meta, cutflow, by: t.by, samples: roles(source), conditions }
          tables.push(
            t.kind === 'cutflow'
              ? cutflowTable({ ...common, region: t.region })
              : yieldsTable({ ...common, regions: t.regions }),
          )
          break
        }
        case 'scan': {
          const model = compileModel(await workspace(t.workspace, t.patch))
          const lik = new Likelihood(model, observedData(model))
          const parameter = t.parameter ?? model.poiName
          if (!parameter) throw new Error('the workspace has no POI: name the parameter to scan')
          const p = requirePar(model, parameter)
          const scan = profileScan(lik, fitLikelihood(lik), p, linspace(t.lo, t.hi, t.points))
          tables.push(scanTable({ ...meta, scan, conditions }))
          break
        }
        case 'cls': {
          const model = compileModel(await workspace(t.workspace, t.patch))
          const limit = upperLimitScan(model, observedData(model), linspace(t.lo, t.hi, t.points), {
            cl: t.cl,
          })
          tables.push(
            clsTable({ ...meta, limit, poi: { name: model.poiName ?? '$\\mu$' }, conditions }),
          )
          break
        }
        case 'limit': {
          const model = compileModel(await workspace(t.workspace, t.patch))
          const limit = upperLimit(model, observedData(model), { cl: t.cl })
          tables.push(
            upperLimitTable({
              ...meta,
              limit,
              poi: { name: model.poiName ?? '$\\mu$' },
              conditions,
            }),
          )
          break
        }
        case 'limit-grid':
          tables.push(
            limitGridTable({
              ...meta,
              x: t.x,
              y: t.y,
              cl: t.cl,
              points: t.points,
              ...(t.poi ? { poi: t.poi } : {}),
              conditions,
            }),
          )
          break
        case 'contour':
          tables.push(
            ...contourTables({ ...meta, x: t.x, y: t.y, cl: t.cl, curves: t.curves, conditions }),
          )
          break
      }
    } catch (e) {
      if (e instanceof HepdataRequestError) throw e
      throw new HepdataRequestError(`table '${t.name}' (${t.kind}): ${(e as Error).message}`, {
        cause: e,
      })
    }
  }
  const resources = await Promise.all(
    request.workspaces.map(async (w) =>
      workspaceResource({ name: w.name, workspace: await workspace(w.file) }),
    ),
  )
  ctx.progress(1)
  return { comment: request.comment, resources, tables }
}

/**
 * The histogram tables and the cut-flow (when a cut-flow or yields table asks for it) of a
 * request from one pass over the events (app/pass.ts) instead of one per table. Undefined when
 * fewer than two would share it, or when the pass fails: each table then runs on its own and
 * its error names it.
 */
async function onePass(
  tables: readonly HepdataTableRequest[],
  source: EventSource | undefined,
  ctx: JobContext,
): Promise<
  | { histograms: Map<HepdataTableRequest, RegionHistogram>; cutflow: CutflowResult | undefined }
  | undefined
> {
  const hists = tables.flatMap((t) => (t.kind === 'histogram' ? [t] : []))
  const wantsCutflow = tables.some((t) => t.kind === 'cutflow' || t.kind === 'yields')
  if (!source || hists.length + (wantsCutflow ? 1 : 0) < 2) return undefined
  try {
    const r = await runPass(
      source,
      {
        ...(wantsCutflow ? { cutflow: {} } : {}),
        histograms: hists.map((t) => ({
          expr: t.var,
          binning: { bins: t.bins, lo: t.lo, hi: t.hi },
          ...(t.region !== undefined ? { region: t.region } : {}),
        })),
      },
      scaledContext(ctx, 0, 0, 'reading the events once'),
    )
    return {
      histograms: new Map(hists.map((t, k) => [t, r.histograms[k]])),
      cutflow: r.cutflow?.result,
    }
  } catch (e) {
    if (e instanceof CancelledError) throw e
    return undefined
  }
}

/** A fit workspace to attach to a submission (with its patchset of signal points, if any). */
export interface AttachedWorkspace {
  readonly name: string
  readonly workspace: unknown
  readonly patchset?: unknown
}

/**
 * The submission of saved plots: each plot's tables (plots/hepdata/saved-plot-tables.ts) with
 * its figure drawn by the figure renderer as image and thumbnail, and the fits' pyhf
 * workspaces (and patchsets) as resources; `comment` defaults to a line naming the project.
 */
export function savedPlotsSubmission(
  plots: readonly SavedPlot[],
  comment = '',
  projectName?: string,
  workspaces: readonly AttachedWorkspace[] = [],
): Submission {
  const what = plots.length === 1 ? 'a figure' : `${plots.length} figures`
  return {
    comment:
      comment ||
      `The numbers behind ${what}${projectName ? ` of the project ${projectName}` : ''}, written by HEP Workbench.`,
    resources: workspaces.flatMap((w) => [
      workspaceResource({ name: w.name, workspace: w.workspace }),
      ...(w.patchset === undefined || w.patchset === null
        ? []
        : [patchsetResource({ name: w.name, patchset: w.patchset })]),
    ]),
    tables: savedPlotsTables(plots.map((plot) => ({ plot }))),
  }
}
