/**
 * Every variable of the samples with its statistics: the list the explorer shows (cheap, from
 * what is known; the project's derived variables and applied model outputs included) and the
 * job that computes what is missing, decoding columns in batches and
 * freeing them again so that summarising 1500 NanoAOD branches does not keep them in memory
 * (the disk cache keeps them for the plots).
 */
import type { VariableRow, VariableStats } from '../../../shared/contract/data'
import { scaledContext } from '../app/executor'
import type { JobContext } from '../jobs/context'
import type { CheckedVariables } from '../select/derived'
import { SpecError } from '../select/spec-error'
import { type Definitions, derivedKey } from './derived-columns'
import { sampleVariables } from './prepare'
import type { StoredSample } from '../store/samples'
import type { LoadedSample } from './loaded-sample'

/** A stored sample with its opened form. */
export interface SampleEntry {
  readonly stored: StoredSample
  readonly sample: LoadedSample
}

/** Columns decoded together (one read of each file per batch). */
const STATS_BATCH = 64

function isCancel(e: unknown): boolean {
  return (e as Error).name === 'CancelledError'
}

/**
 * One row per variable (union over the samples, first sample's order) with the statistics known
 * so far; `complete` is false while some could still be computed. Nothing is decoded.
 */
export function variableRows(list: readonly SampleEntry[]): {
  variables: VariableRow[]
  complete: boolean
} {
  const rows = new Map<string, VariableRow>()
  let complete = true
  for (const { stored, sample } of list) {
    for (const c of sample.table.columns) {
      let row = rows.get(c.name)
      if (!row) {
        row = {
          name: c.name,
          type: c.type,
          jagged: c.jagged,
          samples: [],
          stats: {},
          origin: 'file',
        }
        rows.set(c.name, row)
      }
      row.samples.push(stored.id)
      const s = sample.knownStats(c.name)
      if (s) row.stats[stored.id] = s
      else if (!sample.failedStats(c.name)) complete = false
    }
  }
  return { variables: [...rows.values()], complete }
}

/**
 * Columns some sample's files hold but cannot give as numbers per event (text, nested objects,
 * absent from a file of the chain), with the first sample's reason; a name that is a variable in
 * another sample is left out.
 */
export function unreadableColumns(
  list: readonly SampleEntry[],
): { name: string; reason: string }[] {
  const readable = new Set(list.flatMap((e) => e.sample.table.columns.map((c) => c.name)))
  const out = new Map<string, string>()
  for (const { stored, sample } of list)
    for (const s of sample.table.skipped)
      if (!readable.has(s.name) && !out.has(s.name))
        out.set(s.name, `${s.reason}, in sample '${stored.spec.name}'`)
  return [...out].map(([name, reason]) => ({ name, reason }))
}

/**
 * Statistics of variables `names` of one sample (file columns, or derived variables and model
 * outputs by name), one per name, in order; throws when one cannot be read.
 */
export type StatisticsOf = (
  entry: SampleEntry,
  names: readonly string[],
  ctx: JobContext,
) => Promise<VariableStats[]>

/**
 * Statistics of `names` in one sample kept under `keys` (together; one by one when that fails,
 * so one undecodable column does not hide the others, which is marked failed).
 */
async function summariseBatch(
  entry: SampleEntry,
  names: readonly string[],
  keys: readonly string[],
  statistics: StatisticsOf,
  ctx: JobContext,
): Promise<void> {
  const { stored, sample } = entry
  try {
    const stats = await statistics(entry, names, ctx)
    keys.forEach((k, i) => sample.keepStats(k, stats[i]))
    return
  } catch (e) {
    if (isCancel(e) || names.length === 1) throw e
    ctx.log(`${stored.spec.name}: ${(e as Error).message}`)
  }
  for (const [i, n] of names.entries()) {
    try {
      sample.keepStats(keys[i], (await statistics(entry, [n], ctx))[0])
    } catch (e) {
      if (isCancel(e)) throw e
      sample.markFailed(keys[i], (e as Error).message)
      ctx.log(`${stored.spec.name}, ${n}: ${(e as Error).message}`)
    }
  }
}

/**
 * Computes the statistics of every file column of the samples (the data.summarise job), in
 * batches of columns read together and freed again unless they were in memory before.
 */
export async function summarise(
  list: readonly SampleEntry[],
  statistics: StatisticsOf,
  ctx: JobContext,
): Promise<{ samples: number; variables: number }> {
  ctx.progress(0, 'opening samples')
  const total = list.reduce((n, s) => n + s.sample.table.columns.length, 0)
  const names = new Set<string>()
  let done = 0
  for (const entry of list) {
    const { stored, sample } = entry
    const all = sample.table.columns.map((c) => c.name)
    for (let i = 0; i < all.length; i += STATS_BATCH) {
      ctx.throwIfCancelled()
      const batch = all.slice(i, i + STATS_BATCH)
      const todo = batch.filter((n) => !sample.knownStats(n) && !sample.failedStats(n))
      const before = new Set(todo.filter((n) => sample.table.isLoaded(n)))
      if (todo.length) {
        const part = scaledContext(
          ctx,
          done / Math.max(1, total),
          batch.length / Math.max(1, total),
        )
        await summariseBatch(entry, todo, todo, statistics, part)
      }
      for (const n of todo) if (!before.has(n)) sample.table.release(n)
      for (const n of batch) names.add(n)
      done += batch.length
      ctx.progress(done / Math.max(1, total), `${stored.spec.name}: ${done} of ${total} variables`)
    }
  }
  return { samples: list.length, variables: names.size }
}

/**
 * The project's derived variables and model outputs as one sample can compute them (null: it
 * can compute none).
 */
export function derivedIn(sample: LoadedSample, defs: Definitions): CheckedVariables | null {
  if (!defs.variables.length && !defs.computed.length) return null
  try {
    return sampleVariables(sample, defs.variables, defs.computed)
  } catch (e) {
    // A variable named like one of this sample's columns: the Cuts view reports it.
    if (e instanceof SpecError) return null
    throw e
  }
}

/** Whether `name` is a derived variable or a model output that `checked` can compute. */
function computable(checked: CheckedVariables | null, name: string): boolean {
  return !!checked && (checked.checked.has(name) || checked.computed.has(name))
}

/** The explorer's computed variables: derived ones (project order), then model outputs. */
function definedRows(defs: Definitions): VariableRow[] {
  const derived = new Set(defs.variables.map((v) => v.name))
  return [
    ...defs.variables.map((v): VariableRow => ({
      name: v.name,
      type: 'float64',
      jagged: false,
      samples: [],
      stats: {},
      origin: 'derived',
      ...(v.unit ? { unit: v.unit } : {}),
      ...(v.label ? { label: v.label } : {}),
    })),
    ...defs.computed
      .filter((c) => !derived.has(c.name))
      .map((c): VariableRow => ({
        name: c.name,
        type: 'float64',
        jagged: false,
        samples: [],
        stats: {},
        origin: 'model',
      })),
  ]
}

/**
 * One row per derived variable of the project (type float64; jagged when its expression is a
 * list per event) and per applied model output (one value per event), with the samples that
 * can compute it and the statistics known so far.
 */
export function derivedRows(
  list: readonly SampleEntry[],
  defs: Definitions,
): { variables: VariableRow[]; complete: boolean } {
  let complete = true
  const derived = list.map((e) => derivedIn(e.sample, defs))
  const rows = definedRows(defs).map((row) => {
    const key = derivedKey(row.name, defs)
    for (const [i, { stored, sample }] of list.entries()) {
      const checked = derived[i]
      if (!checked || !computable(checked, row.name)) continue
      row.jagged ||= checked.checked.get(row.name)?.shape === 'jagged'
      row.samples.push(stored.id)
      const s = sample.knownStats(key)
      if (s) row.stats[stored.id] = s
      else if (!sample.failedStats(key)) complete = false
    }
    return row
  })
  // A variable no sample can compute (it reads columns none has) is the Cuts view's to report.
  return { variables: rows.filter((r) => r.samples.length), complete }
}

/** Statistics of every derived variable and model output in every sample that can compute it. */
export async function summariseDerived(
  list: readonly SampleEntry[],
  defs: Definitions,
  statistics: StatisticsOf,
  ctx: JobContext,
): Promise<void> {
  const names = definedRows(defs).map((r) => r.name)
  for (const entry of list) {
    ctx.throwIfCancelled()
    const { sample } = entry
    const derived = derivedIn(sample, defs)
    if (!derived) continue
    const todo = names.filter((name) => {
      const key = derivedKey(name, defs)
      return computable(derived, name) && !sample.knownStats(key) && !sample.failedStats(key)
    })
    // After every file column: the job's progress stays at its end.
    const quiet = scaledContext(ctx, 1, 0)
    if (todo.length)
      await summariseBatch(
        entry,
        todo,
        todo.map((n) => derivedKey(n, defs)),
        statistics,
        quiet,
      )
  }
}
