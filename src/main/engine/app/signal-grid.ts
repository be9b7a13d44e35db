/**
 * Signal grids: the hypothesis test (CLs observed and expected ±1σ ±2σ) and the CLs upper limit
 * of every signal point (patch) of a pyhf patchset applied to its background-only workspace —
 * the use case behind the Fit view's "Signal grid" and `hepwb hypotest|limit --patchset FILE
 * --all`. Each point is a Task of kind GRID_POINT whose payload is a description (the two file
 * paths, the patch's name and the settings), never the workspace itself, so a TaskExecutor runs
 * the points in this process, on worker threads or on a cluster's workers and hands them back in
 * point order. A point computes exactly what a single `hepwb hypotest --patch FILE:NAME` (or
 * `hepwb limit`) computes — the same patching, compilation and fits from the same start values —
 * so the grid's numbers equal the single calls' to the last bit (tested).
 *
 * The handler keeps the parsed workspace and patchsets per file (keyed by path, modification
 * time and size), so a process running many points reads and parses each file once.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import {
  GridPoint,
  GridSettings,
  type GridContours,
  type GridOutcome,
  type GridSettingsInput,
} from '../../../shared/contract/grid'
import { finiteOrNull } from '../../../shared/contract/common'
import { nameRecord } from '../../../shared/name-record'
import { InputError, errorMessage } from '../io/errors'
import { loadPatchSets, patchWorkspace, readJsonFile } from '../io/pyhf'
import type { JobContext } from '../jobs/context'
import { AsymptoticCalculator } from '../stats/asymptotics'
import { bandPolygons, clsToZ, contourLines, delaunay, trimHull, type XY } from '../stats/contour'
import { checkFitSize } from '../stats/fit-size'
import { observedData } from '../stats/likelihood'
import { upperLimit } from '../stats/limit'
import { compileModel } from '../stats/model'
import { compareSignalPoints, type PatchSet } from '../stats/patch'
import { WorkspaceError } from '../stats/workspace'
import { defineTask, inlineExecutor, type Task, type TaskExecutor } from './task'
import { z } from 'zod'

/** The task kind of one signal point. */
export const GRID_POINT = 'fit.grid-point'

const GridPointPayload = z
  .object({
    workspace: z.string().min(1),
    patchset: z.string().min(1),
    patch: z.string().min(1),
    settings: GridSettings,
  })
  .strict()
export type GridPointPayload = z.infer<typeof GridPointPayload>

// ---------------------------------------------------------------------------------------------
// Parsed files, per process

const MAX_CACHED = 8
const cache = new Map<string, { stamp: string; value: Promise<unknown> }>()

/** `load(file)`, kept while the file's modification time and size stay the same. */
async function cached<T>(kind: string, file: string, load: (f: string) => Promise<T>): Promise<T> {
  let stamp: string
  try {
    const st = await stat(file)
    stamp = `${st.mtimeMs}:${st.size}`
  } catch {
    return load(file) // the reader's own error names the file
  }
  const key = `${kind}:${file}`
  const hit = cache.get(key)
  if (hit && hit.stamp === stamp) return hit.value as Promise<T>
  const value = load(file)
  cache.delete(key)
  cache.set(key, { stamp, value })
  value.catch(() => cache.delete(key))
  while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string)
  return value
}

const workspaceJson = (file: string): Promise<unknown> => cached('json', file, readJsonFile)
const patchSets = (file: string): Promise<PatchSet[]> => cached('patchsets', file, loadPatchSets)

/** A patch's values under its patchset's labels ({m1: 900, m2: 250}); v1, v2… without labels. */
function labelled(labels: readonly string[], values: readonly unknown[]): GridPoint['values'] {
  const out: GridPoint['values'] = nameRecord()
  values.forEach((v, i) => {
    out[labels[i] ?? `v${i + 1}`] = typeof v === 'number' ? v : String(v)
  })
  return out
}

/** The patches of the sets in signal-point order (the first of a name shared by several sets). */
function signalPoints(sets: readonly PatchSet[]): {
  name: string
  values: unknown[]
  labels: string[]
}[] {
  const seen = new Set<string>()
  const out: { name: string; values: unknown[]; labels: string[] }[] = []
  for (const ps of sets)
    for (const p of ps.patches) {
      if (seen.has(p.metadata.name)) continue
      seen.add(p.metadata.name)
      out.push({ name: p.metadata.name, values: p.metadata.values, labels: ps.metadata.labels })
    }
  return out.sort(compareSignalPoints)
}

/** `ctx` that forwards cancellation but not progress (the executor reports per point). */
function quiet(ctx: JobContext): JobContext {
  return {
    signal: ctx.signal,
    progress: () => undefined,
    metric: () => undefined,
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
  }
}

/** One signal point: patch, compile, hypothesis test and/or limit (the task's handler). */
export async function gridPoint(payload: GridPointPayload, ctx: JobContext): Promise<GridPoint> {
  // A turn of the event loop first: a point's fits run synchronously, and a cancel (a message)
  // is only seen between them.
  await new Promise((r) => setImmediate(r))
  ctx.throwIfCancelled()
  const t0 = performance.now()
  const { workspace, patchset, patch: name, settings: s } = payload
  const [json, sets] = await Promise.all([workspaceJson(workspace), patchSets(patchset)])
  ctx.throwIfCancelled()
  let found: { ps: PatchSet; i: number } | null = null
  for (const ps of sets) {
    const i = ps.patches.findIndex((p) => p.metadata.name === name)
    if (i >= 0) {
      found = { ps, i }
      break
    }
  }
  if (!found) throw new InputError({ file: patchset }, `no patch named '${name}' in the patchset`)
  const entry = found.ps.patches[found.i]
  const ws = patchWorkspace(json, workspace, { file: patchset, name, patch: entry.patch })
  let model
  try {
    model = compileModel(ws, {
      poi: s.poi,
      measurement: s.measurement,
      codes: s.codes,
      staterrorConstraint: s.staterrorConstraint,
    })
    checkFitSize(model)
  } catch (e) {
    if (e instanceof WorkspaceError)
      throw new InputError({ file: workspace }, `with patch '${name}': ${e.message}`, { cause: e })
    throw e
  }
  const data = observedData(model)
  const q = quiet(ctx)
  const warnings = new Set(model.warnings)
  let hypotest: GridPoint['hypotest'] = null
  if (s.hypotest) {
    const r = new AsymptoticCalculator(model, data, { testStat: s.testStat, ctx: q }).hypotest(s.mu)
    hypotest = {
      mu: s.mu,
      clsObs: finiteOrNull(r.cls),
      clsExp: r.clsExp.map(finiteOrNull),
      muHat: finiteOrNull(r.muHat),
      converged: r.converged,
    }
    for (const w of r.warnings) warnings.add(w)
  }
  let limit: GridPoint['limit'] = null
  if (s.limit) {
    const r = upperLimit(model, data, { cl: s.cl, testStat: s.testStat, ctx: q })
    limit = { obs: finiteOrNull(r.obs), exp: r.exp.map(finiteOrNull), converged: r.converged }
    for (const w of r.warnings) warnings.add(w)
  }
  return {
    name,
    values: labelled(found.ps.metadata.labels, entry.metadata.values),
    hypotest,
    limit,
    warnings: [...warnings],
    seconds: (performance.now() - t0) / 1000,
  }
}

defineTask(GRID_POINT, async (payload, ctx) => {
  const parsed = GridPointPayload.safeParse(payload)
  if (!parsed.success)
    throw new Error(`invalid ${GRID_POINT} task: ${parsed.error.issues[0]?.message ?? 'malformed'}`)
  return gridPoint(parsed.data, ctx)
})

// ---------------------------------------------------------------------------------------------
// The grid

export interface SignalGridRequest {
  /** The background-only workspace (pyhf JSON, gzip allowed). */
  workspace: string
  /** The patchset file (one patchset or a list of them). */
  patchset: string
  /** Only these patches (default: every patch). */
  patches?: readonly string[]
  settings?: GridSettingsInput
}

/** The tasks of a grid, one per point in signal-point order (m1, then m2, numerically). */
export async function gridTasks(
  request: SignalGridRequest,
): Promise<{ tasks: Task[]; labels: string[]; settings: GridSettings }> {
  const settings = GridSettings.parse(request.settings ?? {})
  // Absolute paths: a worker thread or a cluster worker may run in another directory.
  const workspace = resolve(request.workspace)
  const patchset = resolve(request.patchset)
  const sets = await patchSets(patchset)
  let points = signalPoints(sets)
  if (request.patches) {
    const known = new Set(points.map((p) => p.name))
    const unknown = request.patches.filter((n) => !known.has(n))
    if (unknown.length)
      throw new InputError(
        { file: patchset },
        `no patch named ${unknown
          .slice(0, 5)
          .map((n) => `'${n}'`)
          .join(', ')}${unknown.length > 5 ? ` (and ${unknown.length - 5} more)` : ''}`,
      )
    const wanted = new Set(request.patches)
    points = points.filter((p) => wanted.has(p.name))
  }
  if (!points.length) throw new InputError({ file: patchset }, 'the patchset has no patches')
  const payloads: GridPointPayload[] = points.map((p) => ({
    workspace,
    patchset,
    patch: p.name,
    settings,
  }))
  return {
    tasks: payloads.map((payload) => ({ kind: GRID_POINT, payload })),
    labels: sets[0].metadata.labels,
    settings,
  }
}

/**
 * Runs every point of the grid on `executor` (this process by default); `onPoint` sees each
 * point as it is handed back (in point order). Progress runs 0 → 1 by finished points, with
 * "k/N points"; cancelling `ctx` stops the grid (CancelledError).
 */
export async function runSignalGrid(
  request: SignalGridRequest,
  ctx: JobContext,
  executor: TaskExecutor = inlineExecutor,
  onPoint?: (point: GridPoint, index: number) => void,
): Promise<GridOutcome> {
  const t0 = performance.now()
  const { tasks, labels, settings } = await gridTasks(request)
  const n = tasks.length
  const points: GridPoint[] = new Array<GridPoint>(n)
  const counting: JobContext = {
    signal: ctx.signal,
    progress: (f, m) => ctx.progress(f, m ?? `${Math.round(f * n)}/${n} points`),
    metric: (name, step, value) => ctx.metric(name, step, value),
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
  }
  ctx.progress(0, `0/${n} points`)
  await executor.run(tasks, counting, (i, result) => {
    const parsed = GridPoint.safeParse(result)
    if (!parsed.success)
      throw new Error(
        `point ${i} (${(tasks[i].payload as GridPointPayload).patch}) came back malformed: ${errorMessage(parsed.error)}`,
      )
    points[i] = parsed.data
    onPoint?.(parsed.data, i)
  })
  const first = tasks[0].payload as GridPointPayload
  return {
    workspace: first.workspace,
    patchset: first.patchset,
    labels,
    settings,
    points,
    // α = 1 − CL to 12 digits: 1 − 0.95 is 0.050000000000000044 in binary.
    contours: settings.hypotest
      ? gridContours(points, labels, Number((1 - settings.cl).toPrecision(12)))
      : null,
    executor: executor.describe(),
    seconds: (performance.now() - t0) / 1000,
  }
}

/** Where a grid's contours are drawn: interpolation in Z over a Delaunay triangulation. */
export const CONTOUR_METHOD =
  'Delaunay triangulation (axes scaled to the unit square, slivers over concave edges trimmed), linear interpolation of Z = Φ⁻¹(1 − CLs), marching triangles'

/**
 * The CLs = α contours of the grid's hypothesis tests on the plane of the first two labels
 * (observed, expected, expected ∓1σ, and the ±1σ band); null unless there are two numeric labels.
 */
export function gridContours(
  points: readonly GridPoint[],
  labels: readonly string[],
  alpha: number,
): GridContours | null {
  if (labels.length < 2) return null
  const [x, y] = labels
  const used = points.filter(
    (p) => p.hypotest && typeof p.values[x] === 'number' && typeof p.values[y] === 'number',
  )
  if (used.length < 3) return null
  const xy: XY[] = used.map((p) => [p.values[x] as number, p.values[y] as number])
  const tri = trimHull(xy, delaunay(xy))
  const level = clsToZ(alpha)
  const field = (pick: (h: NonNullable<GridPoint['hypotest']>) => number | null): number[] =>
    used.map((p) => clsToZ(pick(p.hypotest!) ?? NaN))
  const line = (values: number[]) => ({
    lines: contourLines(xy, values, tri, level).map((l) => ({
      points: l.points,
      closed: l.closed,
    })),
  })
  const expMinus1 = field((h) => h.clsExp[1])
  const expPlus1 = field((h) => h.clsExp[3])
  return {
    x,
    y,
    level: alpha,
    method: CONTOUR_METHOD,
    observed: line(field((h) => h.clsObs)),
    expected: line(field((h) => h.clsExp[2])),
    expectedMinus1: line(expMinus1),
    expectedPlus1: line(expPlus1),
    band: bandPolygons(xy, expMinus1, expPlus1, tri, level),
  }
}
