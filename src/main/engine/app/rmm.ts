/**
 * The RMM builder's passes over events (services/rmm.ts), over partitions like every other
 * (DESIGN.md §10): out of core, on threads or a cluster.
 * - The weighted mean matrix of a region per process group: map — one partition's events
 *   passing the region, Σw, and per cell Σw·x and Σw over its finite values; merge — sums add;
 *   finish — per group Σw·x / Σw, 0 for the always-zero cells (no variable), null for a cell
 *   with no finite value.
 * - One event's matrix: map — the events passing the region per partition (cut columns only);
 *   then only the partition holding the asked event is read with the cells' columns.
 */
import { ExprError, type CheckedExpr } from '../../../shared/expr'
import { finiteOrNull } from '../../../shared/contract/common'
import type { RmmMean } from '../../../shared/contract/rmm'
import { silentContext, type JobContext } from '../jobs/context'
import { CutCompiler } from '../select/cut-compiler'
import { gatherProvider, positionsAt } from '../select/gather'
import { selectedValues, selectionMask } from '../select/hist'
import { compile } from '../select/compile'
import { budgetPlan } from './memory-budget'
import type { ResolvedCut } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { namedRegion } from './cutflow'
import { scaledContext } from './executor'
import { definePartitionTask, mapSample } from './partition-task'
import {
  checkValue,
  fileColumns,
  openByName,
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
  const region = namedRegion(source, request.region)
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

export interface RmmEventRequest {
  /** The sample's name. */
  readonly sample: string
  /** The layout's grid, as for the mean. */
  readonly cells: readonly (readonly (string | null)[])[]
  /** Count events of this region only; default all events. Blinding is the caller's. */
  readonly region?: string
  /** Which selected event (0-based). */
  readonly index: number
}

export interface RmmEventRun {
  /** Events of the sample passing the region. */
  readonly selected: number
  /** The event's entry in the sample's chain; null when index ≥ selected. */
  readonly event: number | null
  /** Cell values (0 for always-zero cells, null where not finite); null with event. */
  readonly matrix: (number | null)[][] | null
}

interface CountRequest {
  readonly cuts: readonly ResolvedCut[]
}

interface CountPrep {
  readonly cuts: readonly ResolvedCut[]
  readonly columns: readonly string[]
  readonly compiler: CutCompiler
}

/** Events passing the cuts in each partition, in partition order (merged by concatenation). */
export const selectedCountTask = definePartitionTask<CountRequest, CountPrep, number[]>({
  kind: 'selected-count',
  prepare: (sample, _source, request) => countPrep(sample, request),
  async map(sample, prep, p, c) {
    if (!prep.cuts.length) return [p.range.stop - p.range.start]
    const prepared = preparePartition(sample, await sample.read(p, prep.columns, c))
    const pass = selectionMask(prepared, prep.cuts, prep.compiler)
    let n = 0
    for (let i = 0; i < pass.length; i++) n += pass[i]
    return [n]
  },
})

function countPrep(sample: OpenedSample, request: CountRequest): CountPrep {
  const cuts = request.cuts.map((c) => sample.check(c.expr, c.path, 'a cut'))
  return { cuts: request.cuts, columns: fileColumns(sample, cuts), compiler: new CutCompiler() }
}

/**
 * One selected event's RMM: the events passing the region counted partition by partition,
 * then the one partition holding event `index` read and only that event computed. Throws the
 * source's ExprError / SpecError when the sample lacks a cell's variable or a cut's column.
 */
export async function runRmmEvent(
  source: EventSource,
  request: RmmEventRequest,
  ctx: JobContext = silentContext(),
): Promise<RmmEventRun> {
  const region = namedRegion(source, request.region)
  const cuts = region?.cuts ?? []
  const names: string[] = []
  for (const row of request.cells) for (const name of row) if (name !== null) names.push(name)
  const sample = await openByName(source, request.sample, ctx)
  try {
    const prep = rmmPrep(sample, { cells: names, cuts })
    // One plan for both passes, sized by the columns of the larger (the cells').
    const partitions = await sample.partitions(budgetPlan(source.memory, prep.columns.length))
    const counting = countPrep(sample, { cuts })
    const counts =
      (await mapSample(
        source,
        sample,
        selectedCountTask,
        { cuts },
        counting,
        (a, b) => a.concat(b),
        ctx,
        partitions,
      )) ?? []
    const selected = counts.reduce((s, x) => s + x, 0)
    if (request.index >= selected) return { selected, event: null, matrix: null }
    let k = 0
    let before = 0
    while (before + counts[k] <= request.index) before += counts[k++]
    const p = [...partitions].sort((a, b) => a.index - b.index)[k]
    const prepared = preparePartition(sample, await sample.read(p, prep.columns, ctx))
    const pass = cuts.length ? selectionMask(prepared, cuts, prep.compiler) : null
    const at = pass
      ? positionsAt(pass, 1, counts[k])[request.index - before]
      : request.index - before
    // Only this event is gathered and computed, not the whole partition.
    const one = gatherProvider(prepared.data, Int32Array.of(at))
    const data = prepared.derive ? prepared.derive(one) : one
    let i = 0
    const matrix = request.cells.map((row) =>
      row.map((name) => {
        if (name === null) return 0
        const col = compile(prep.cells[i++], data).evaluate(data)
        return finiteOrNull(Number(col.values[0]))
      }),
    )
    return { selected, event: p.offset + p.range.start + at, matrix }
  } finally {
    sample.release()
  }
}
