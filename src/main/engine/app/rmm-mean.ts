/**
 * The weighted mean rapidity-mass matrix of a region per process group (the RMM builder's
 * heatmap, services/rmm.ts): map — one partition's events passing the region, Σw, and per cell
 * Σw·x and Σw over its finite values; merge — sums add; finish — per group Σw·x / Σw, 0 for
 * the always-zero cells (no variable), null for a cell with no finite value. A pass over
 * partitions like every other (DESIGN.md §10): out of core, on threads or a cluster.
 */
import { ExprError, type CheckedExpr } from '../../../shared/expr'
import { finiteOrNull } from '../../../shared/contract/common'
import type { RmmMean } from '../../../shared/contract/rmm'
import { silentContext, type JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import { selectedValues, selectionMask } from '../select/hist'
import { resolveRegions, type ResolvedCut } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { pickRegions } from './cutflow'
import { scaledContext } from './executor'
import { definePartitionTask, mapSample } from './partition-task'
import {
  checkValue,
  fileColumns,
  preparePartition,
  type EventSource,
  type OpenedSample,
} from './source'

export interface RmmMeanRequest {
  /** The layout's grid: a cell's variable name, or null for an always-zero cell. */
  readonly cells: readonly (readonly (string | null)[])[]
  /** Events of this region only (data hidden when it is blinded); default all events. */
  readonly region?: string
}

export type RmmMeanRun = Pick<RmmMean, 'groups' | 'hidden' | 'skipped'>

/** What a partition task carries: the cell variables (grid order, nulls left out), the cuts. */
interface RmmTaskRequest {
  readonly cells: readonly string[]
  readonly cuts: readonly ResolvedCut[]
}

interface RmmPrep {
  readonly cells: readonly CheckedExpr[]
  readonly cuts: readonly ResolvedCut[]
  readonly columns: readonly string[]
  readonly compiler: CutCompiler
}

/** One partition's (and, merged, one sample's) sums; cells in RmmTaskRequest order. */
export interface RmmPart {
  events: number
  sumw: number
  /** Σ w·x over the events whose cell value is finite. */
  sum: Float64Array
  /** Σ w over those events. */
  wsum: Float64Array
}

function rmmPrep(sample: OpenedSample, request: RmmTaskRequest): RmmPrep {
  const cells = request.cells.map((name) => checkValue(sample, { column: name }))
  const cuts = request.cuts.map((c) => sample.check(c.expr, c.path, 'a cut'))
  return {
    cells,
    cuts: request.cuts,
    columns: fileColumns(sample, [...cells, ...cuts]),
    compiler: new CutCompiler(),
  }
}

function mergeRmm(a: RmmPart, b: RmmPart): RmmPart {
  const sum = a.sum.slice()
  const wsum = a.wsum.slice()
  for (let i = 0; i < sum.length; i++) {
    sum[i] += b.sum[i]
    wsum[i] += b.wsum[i]
  }
  return { events: a.events + b.events, sumw: a.sumw + b.sumw, sum, wsum }
}

/** One partition's RMM sums over the events passing the cuts. */
export const rmmMeanTask = definePartitionTask<RmmTaskRequest, RmmPrep, RmmPart>({
  kind: 'rmm.mean',
  prepare: (sample, _source, request) => rmmPrep(sample, request),
  async map(sample, prep, p, c) {
    const prepared = preparePartition(sample, await sample.read(p, prep.columns, c))
    const pass = prep.cuts.length ? selectionMask(prepared, prep.cuts, prep.compiler) : null
    const n = prepared.data.entries
    const w = prepared.weights
    let events = 0
    let sumw = 0
    for (let j = 0; j < n; j++)
      if (!pass || pass[j]) {
        events++
        sumw += typeof w === 'number' ? w : w[j]
      }
    const sum = new Float64Array(prep.cells.length)
    const wsum = new Float64Array(prep.cells.length)
    prep.cells.forEach((cell, i) => {
      const sel = selectedValues(prepared, cell, pass)
      const values = sel.values.values
      const ws = sel.weights
      let s = 0
      let t = 0
      for (let j = 0; j < events; j++) {
        const x = Number(values[j])
        if (!Number.isFinite(x)) continue
        const wj = typeof ws === 'number' ? ws : ws[j]
        s += wj * x
        t += wj
      }
      sum[i] = s
      wsum[i] = t
    })
    return { events, sumw, sum, wsum }
  },
})

/**
 * The mean RMM per process group over the events of `request.region` (every sample; data left
 * out of a blinded region and listed as hidden). A sample lacking a cell's variable or a cut's
 * column is listed as skipped with the reason. Throws the source's SpecError for an unknown
 * region.
 */
export async function runRmmMean(
  source: EventSource,
  request: RmmMeanRequest,
  ctx: JobContext = silentContext(),
): Promise<RmmMeanRun> {
  const region =
    request.region === undefined
      ? undefined
      : pickRegions(source, resolveRegions(source.regions()), [request.region]).at(-1)
  const cuts = region?.cuts ?? []
  const names: string[] = []
  for (const row of request.cells) for (const name of row) if (name !== null) names.push(name)
  const task: RmmTaskRequest = { cells: names, cuts }
  const samples = source.samples()
  const hidden: string[] = []
  const skipped: RmmMean['skipped'] = []
  const groups = new Map<string, { role: RmmMean['groups'][number]['role']; part: RmmPart }>()
  for (const [index, s] of samples.entries()) {
    if (region?.blinded && s.role === 'data') {
      hidden.push(s.name)
      continue
    }
    const sample = await source.open(index, ctx)
    try {
      let prep: RmmPrep
      try {
        prep = rmmPrep(sample, task)
      } catch (e) {
        if (!(e instanceof ExprError || e instanceof SpecError)) throw e
        skipped.push({ sample: s.name, reason: e.message })
        continue
      }
      const part = scaledContext(ctx, index / samples.length, 1 / samples.length)
      const merged = await mapSample(source, sample, rmmMeanTask, task, prep, mergeRmm, part)
      if (!merged) continue
      const g = groups.get(s.group)
      if (g) g.part = mergeRmm(g.part, merged)
      else groups.set(s.group, { role: s.role, part: merged })
    } finally {
      sample.release()
    }
  }
  ctx.progress(1)
  return {
    groups: [...groups].map(([group, { role, part }]) => {
      let k = 0
      return {
        group,
        role,
        events: part.events,
        sumw: part.sumw,
        matrix: request.cells.map((row) =>
          row.map((name) => {
            // Always-zero cells (no variable) are 0; a cell with no finite value is unknown.
            if (name === null) return 0
            const i = k++
            return part.wsum[i] !== 0 ? finiteOrNull(part.sum[i] / part.wsum[i]) : null
          }),
        ),
      }
    }),
    hidden,
    skipped,
  }
}
