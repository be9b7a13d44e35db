/**
 * What the input picker says about a candidate input before anything is trained: a column the
 * files hold but not as numbers (it cannot be an input), a per-event weight or a sample label
 * (a classifier that sees one learns how the samples were made, not the physics: the Kaggle
 * `Weight` alone gives AUC 0.998), and how much of it is missing in the training samples. Pure,
 * unit-tested; the picker shows the notes as tags in the list and as warnings under the chosen
 * inputs.
 */
import type { Sample, VariableRow } from '../../../shared/contract/data'
import { requiredColumns } from '../../../shared/expr'

export interface InputNote {
  readonly kind: 'not-numeric' | 'weight' | 'label' | 'missing'
  /** A word or two for the list's tag. */
  readonly tag: string
  /** The sentence shown under a chosen input (and as the tag's tooltip). */
  readonly text: string
  /** A warning (the input is probably wrong) rather than information. */
  readonly warn: boolean
}

export interface InputContext {
  readonly variables: readonly VariableRow[]
  /** File columns that are not variables, and why (data.variables `unreadable`). */
  readonly unreadable: readonly { name: string; reason: string }[]
  readonly samples: readonly Sample[]
  /** The training's signal and background sample names; empty: every sample of that role. */
  readonly signal: readonly string[]
  readonly background: readonly string[]
}

/** Names that say "event weight". */
const WEIGHT_NAME = /weight/i
/** Names that say "which class this event is". */
const LABEL_NAME = /label|^target$|^class$|^is_?sig(nal)?$|^y$/i
/** Missing in at least this fraction of the training samples' values: worth a tag. */
const MISSING_NOTE = 0.05

/** The training samples of one role: those named, else every sample with the role. */
function chosen(ctx: InputContext, role: 'signal' | 'background'): Sample[] {
  const names = ctx[role]
  return ctx.samples.filter((s) =>
    names.length ? names.includes(s.spec.name) : s.spec.role === role,
  )
}

/** Whether `name` is constant in every training sample and no value is both S and B. */
function labelsSamples(row: VariableRow, signal: Sample[], background: Sample[]): boolean {
  const values = (list: Sample[]) => {
    const out = new Set<number>()
    for (const s of list) {
      const st = row.stats[s.id]
      if (!st || st.min === null || st.min !== st.max) return null
      out.add(st.min)
    }
    return out
  }
  const sv = values(signal)
  const bv = values(background)
  if (!sv || !bv || !sv.size || !bv.size) return false
  return [...sv].every((v) => !bv.has(v))
}

/** The notes for one input (a column, a derived variable or an expression). */
export function inputNotes(input: string, ctx: InputContext): InputNote[] {
  const read = requiredColumns(input)
  const names = read.ok ? read.value : [input]
  const rows = new Map(ctx.variables.map((v) => [v.name, v]))
  const signal = chosen(ctx, 'signal')
  const background = chosen(ctx, 'background')
  const training = [...signal, ...background]
  const notes: InputNote[] = []
  for (const name of names) {
    const row = rows.get(name)
    const bad = row ? undefined : ctx.unreadable.find((u) => u.name === name)
    if (bad) {
      notes.push({
        kind: 'not-numeric',
        tag: 'not numeric',
        text: `'${name}' is not numeric: ${bad.reason}. It cannot be an input`,
        warn: true,
      })
      continue
    }
    if (!row) continue
    const weighs = training.filter((s) => {
      const r = s.spec.weight ? requiredColumns(s.spec.weight) : null
      return !!r?.ok && r.value.includes(name)
    })
    if (weighs.length || WEIGHT_NAME.test(name))
      notes.push({
        kind: 'weight',
        tag: 'weight',
        text: `'${name}' is ${weighs.length ? `the event weight of ${weighs.map((s) => s.spec.name).join(', ')}` : 'an event weight, by its name'}: a classifier that sees it learns how the samples were weighted, not the physics`,
        warn: true,
      })
    else if (LABEL_NAME.test(name) || labelsSamples(row, signal, background))
      notes.push({
        kind: 'label',
        tag: 'label',
        text: `'${name}' ${LABEL_NAME.test(name) ? 'is a label, by its name' : 'takes one value in each sample, different for signal and background'}: it tells the classifier the answer`,
        warn: true,
      })
    let count = 0
    let missing = 0
    for (const s of training) {
      const st = row.stats[s.id]
      if (!st) continue
      count += st.count
      missing += st.nan
    }
    if (count && missing / count >= MISSING_NOTE) {
      const pct = Math.round((100 * missing) / count)
      notes.push({
        kind: 'missing',
        tag: `${pct}% missing`,
        text: `'${name}' is missing in ${pct}% of the training samples' events (the missing-value policy replaces or drops them)`,
        warn: false,
      })
    }
  }
  return notes
}
