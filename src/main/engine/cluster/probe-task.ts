/**
 * `cluster.probe`: a small task every engine can run, to check a cluster end to end (a task
 * queued, taken by a worker, its result read back exactly) without any event file. It sums a
 * column the way partition partials do — count, NaN count, Σx, min, max and a 4-bin histogram
 * as a Float64Array — so NaN, ±Infinity and typed arrays all cross the wire. `delayMs` keeps the
 * task busy (cancellable) for that long first, so tests can kill or cancel it mid-run; `report`
 * sends its values back as messages first.
 */
import { threadId } from 'node:worker_threads'
import { CancelledError, type JobContext } from '../jobs/context'
import { describedOpenings } from '../app/source-description'
import { defineTask, taskKinds } from '../app/task'

export const PROBE_KIND = 'cluster.probe'

export interface ProbePayload {
  readonly values: Float64Array
  readonly delayMs?: number
  /** Fails with this message instead of answering (a task that throws). */
  readonly fail?: string
  /**
   * Reports each value as metric `value` at its index, then a log line, before answering (the
   * run's per-task message channel carries them back).
   */
  readonly report?: boolean
  /**
   * Also answer how many event sources of this kind the process (thread) running the probe has
   * opened (app/source-description.ts): whether a worker kept a source between requests.
   */
  readonly openings?: string
  /** Also answer the id of the thread that ran it (node:worker_threads; 0 in a main thread). */
  readonly thread?: boolean
}

export interface ProbeResult {
  count: number
  nan: number
  sum: number
  min: number
  max: number
  /** Finite values in [0, 1), [1, 2), [2, 3), [3, 4). */
  bins: Float64Array
  /** With `openings` in the payload: the sources of that kind opened where the probe ran. */
  openings?: number
  /** With `thread` in the payload: the thread that ran the probe. */
  threadId?: number
}

function wait(ms: number, ctx: JobContext): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(new CancelledError())
    const timer = setTimeout(() => {
      ctx.signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new CancelledError())
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** The probe's answer for `values` (what every executor must hand back unchanged). */
export function probe(values: Float64Array): ProbeResult {
  const r: ProbeResult = {
    count: 0,
    nan: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    bins: new Float64Array(4),
  }
  for (const v of values) {
    r.count++
    if (Number.isNaN(v)) {
      r.nan++
      continue
    }
    r.sum += v
    r.min = Math.min(r.min, v)
    r.max = Math.max(r.max, v)
    if (v >= 0 && v < 4) r.bins[Math.floor(v)] += 1
  }
  return r
}

// Idempotent: the module may be loaded by several entry points of one process.
if (!taskKinds().includes(PROBE_KIND)) {
  defineTask(PROBE_KIND, async (payload, ctx) => {
    const p = payload as ProbePayload
    if (p.delayMs) await wait(p.delayMs, ctx)
    if (p.report) {
      for (const [i, v] of p.values.entries()) ctx.metric('value', i, v)
      ctx.log(`${p.values.length} values`)
    }
    if (p.fail) throw new Error(p.fail)
    const r = probe(p.values)
    if (p.openings !== undefined) r.openings = describedOpenings(p.openings)
    if (p.thread) r.threadId = threadId
    return r
  })
}
