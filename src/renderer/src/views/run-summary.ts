/**
 * One line for a run in the Project page's Runs table, instead of the result's raw JSON: the
 * error of a failed run, else the result's headline figures (the model or sample it made, AUC,
 * fit status, limits, significance) and then its other plain numbers, flags and short texts.
 * It reads the whole result of an old run and the brief of a result stored in its own table
 * (shared/run-result.ts keeps exactly what is read here). Pure, unit-tested.
 */
import { formatNumber } from '../../../shared/format/table'
import { NAMED_PARTS, SHORT_TEXT } from '../../../shared/run-result'

/** Keys worth a name of their own, in the order they are shown (result key → words). */
const HEADLINE: [string, string][] = [
  ['auc_test', 'AUC'],
  ['auc', 'AUC'],
  ['converged', 'converged'],
  ['twiceNll', '−2 ln L'],
  ['best', 'best'],
  ['obs', 'observed limit'],
  ['zObs', 'Z obs.'],
  ['zExp', 'Z exp.'],
  ['entries', 'events'],
  ['yield', 'yield'],
  ['events_per_second', 'events/s'],
]
/** Shown elsewhere (the Seconds column) or of no use to a reader. */
const SKIP = new Set(['id', 'runId', 'seconds', 'backend', 'createdAt', 'path', 'message'])

function value(v: unknown): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : null
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'string' && v.length && v.length <= SHORT_TEXT) return v
  return null
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** At most `max` pieces, joined by " · ". */
export function runSummary(
  run: { state: string; error?: string; result?: unknown },
  max = 4,
): string {
  if (run.error) return run.error
  const r = run.result
  if (r === undefined || r === null) return run.state === 'cancelled' ? 'cancelled' : ''
  const plain = value(r)
  if (plain !== null) return plain
  if (!isRecord(r)) return Array.isArray(r) ? `${r.length} items` : ''
  const parts: string[] = []
  const used = new Set<string>()
  // What it made: a model or a sample, by name.
  for (const k of NAMED_PARTS) {
    const o = r[k]
    if (isRecord(o) && typeof o.name === 'string') {
      parts.push(`${k === 'model' ? 'model' : 'sample'} ${o.name}`)
      // A model's AUC lives on the model.
      if (typeof o.auc_test === 'number') {
        parts.push(`AUC ${formatNumber(o.auc_test, 3)}`)
        used.add('AUC')
      }
    }
  }
  if (typeof r.name === 'string') parts.push(r.name)
  for (const [k, words] of HEADLINE) {
    const v = value(r[k])
    if (v !== null && !used.has(words)) {
      parts.push(`${words} ${v}`)
      used.add(words)
    }
  }
  for (const [k, v] of Object.entries(r)) {
    if (parts.length >= max) break
    if (SKIP.has(k) || k === 'name' || HEADLINE.some(([h]) => h === k)) continue
    const text = value(v)
    if (text !== null) parts.push(`${k} ${text}`)
  }
  return parts.slice(0, max).join(' · ')
}
