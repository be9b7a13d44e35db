/**
 * What the runs table keeps of a job's result. A job whose result is stored in a table of its
 * own (a classifier, an autoencoder, an INFERNO summary, a fit result, a built workspace) is
 * recorded in its run as a reference to that row plus the few plain figures the Project page's
 * one-line summary shows (views/run-summary.ts), never as a second copy of the result. Jobs
 * without a table of their own keep their whole result in the run. Runs written before this
 * rule hold whole results; readers take both.
 */

/** The tables a job's result may live in. */
export type StoredKind = 'model' | 'anomaly' | 'inferno' | 'fit' | 'workspace'

/** Which row of which table holds a run's result. */
export interface StoredRef {
  kind: StoredKind
  id: string
}

/** A run's result when the result itself is stored elsewhere: the reference and a brief. */
export type StoredRunResult = { stored: StoredRef } & Record<string, unknown>

/** Objects of a result whose name (and AUC) the one-line summary shows, e.g. `model`. */
export const NAMED_PARTS = ['model', 'spec'] as const
/** The keys of those objects the summary reads. */
const NAMED_KEYS = ['name', 'auc_test'] as const
/** Longest text kept (longer ones are not shown in one line either). */
export const SHORT_TEXT = 40
/** At most this many plain figures are kept (the summary's tooltip shows 12). */
const MAX_FIGURES = 16

/** A number, a flag or a short text: what a one-line summary can show. */
export function isPlain(v: unknown): v is number | boolean | string {
  return (
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    (typeof v === 'string' && v.length > 0 && v.length <= SHORT_TEXT)
  )
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * The run's record of `result`, stored whole at `ref`: the reference, the name (and AUC) of
 * what it made and its top-level plain figures in their order — a few hundred bytes.
 */
export function storedRunResult(ref: StoredRef, result: unknown): StoredRunResult {
  const brief: StoredRunResult = { stored: { kind: ref.kind, id: ref.id } }
  if (!isRecord(result)) return brief
  let figures = 0
  for (const [k, v] of Object.entries(result)) {
    if ((NAMED_PARTS as readonly string[]).includes(k) && isRecord(v)) {
      const part: Record<string, unknown> = {}
      for (const n of NAMED_KEYS) if (isPlain(v[n])) part[n] = v[n]
      brief[k] = part
    } else if (k !== 'stored' && isPlain(v) && figures < MAX_FIGURES) {
      brief[k] = v
      figures++
    }
  }
  return brief
}
