/**
 * Every variable of the samples with its statistics: the list the explorer shows (cheap, from
 * what is known) and the job that computes what is missing, decoding columns in batches and
 * freeing them again so that summarising 1500 NanoAOD branches does not keep them in memory
 * (the disk cache keeps them for the plots).
 */
import type { VariableRow } from '../../../shared/contract/data'
import type { JobContext } from '../jobs/context'
import type { StoredSample } from '../store/samples'
import { finiteRange } from './explore'
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
        row = { name: c.name, type: c.type, jagged: c.jagged, samples: [], stats: {} }
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

/** Computes the statistics of every variable of the samples (the data.summarise job). */
export async function summarise(
  list: readonly SampleEntry[],
  ctx: JobContext,
): Promise<{ samples: number; variables: number }> {
  ctx.progress(0, 'opening samples')
  const total = list.reduce((n, s) => n + s.sample.table.columns.length, 0)
  const names = new Set<string>()
  let done = 0
  for (const { stored, sample } of list) {
    const all = sample.table.columns.map((c) => c.name)
    for (let i = 0; i < all.length; i += STATS_BATCH) {
      ctx.throwIfCancelled()
      const batch = all.slice(i, i + STATS_BATCH)
      const todo = batch.filter((n) => !sample.knownStats(n) && !sample.failedStats(n))
      const before = new Set(todo.filter((n) => sample.table.isLoaded(n)))
      try {
        if (todo.length) await sample.table.load(todo, ctx)
      } catch (e) {
        if (isCancel(e)) throw e
        // One undecodable column must not hide the others: they are tried one by one below.
        ctx.log(`${stored.spec.name}: ${(e as Error).message}`)
      }
      for (const n of todo) {
        try {
          await sample.variableStats(n, ctx)
        } catch (e) {
          if (isCancel(e)) throw e
          sample.markFailed(n, (e as Error).message)
          ctx.log(`${stored.spec.name}, ${n}: ${(e as Error).message}`)
        }
      }
      for (const n of todo) if (!before.has(n)) sample.table.release(n)
      for (const n of batch) names.add(n)
      done += batch.length
      ctx.progress(done / Math.max(1, total), `${stored.spec.name}: ${done} of ${total} variables`)
    }
  }
  return { samples: list.length, variables: names.size }
}

/** Smallest and largest finite value of a variable over the samples (known stats first). */
export async function rangeOf(
  list: readonly LoadedSample[],
  variable: string,
): Promise<{ min: number; max: number } | null> {
  let min = Infinity
  let max = -Infinity
  for (const s of list) {
    const known = s.knownStats(variable)
    const r =
      known && known.min !== null && known.max !== null
        ? { min: known.min, max: known.max }
        : finiteRange(await s.table.column(variable))
    if (!r) continue
    min = Math.min(min, r.min)
    max = Math.max(max, r.max)
  }
  return min <= max ? { min, max } : null
}
