/**
 * The Train view's tables as exportable `Table`s (CSV, Markdown, LaTeX): Fisher coefficients,
 * the cut sets per signal efficiency and the variable ranking.
 */
import { type Table, formatNumber } from '../../../../shared/format/table'
import type { ClassifierEvaluation, ModelSummary } from '../../../../shared/contract/train'
import { FOM_LABELS } from '../../stores/train-setup-form'

type Lda = Extract<ModelSummary, { kind: 'lda' }>
type Cuts = Extract<ModelSummary, { kind: 'cuts' }>

const num = (v: number | null) => (v === null ? '—' : formatNumber(v))

export function fisherTable(s: Lda): Table {
  return {
    caption: `Fisher discriminant: output = offset + Σ coefficient × input; Fisher criterion ${formatNumber(s.fisherCriterion)}`,
    columns: [{ label: 'Input' }, { label: 'Coefficient', align: 'right' }],
    rows: [
      ...s.coefficients.map((c) => [c.input, formatNumber(c.value)]),
      ['(offset)', formatNumber(s.offset)],
    ],
  }
}

/** An interval as text: "[lo, hi]", an open side as −∞ / +∞. */
export function intervalText(lo: number | null, hi: number | null): string {
  return `[${lo === null ? '−∞' : formatNumber(lo)}, ${hi === null ? '+∞' : formatNumber(hi)}]`
}

export function cutSetsTable(s: Cuts): Table {
  const inputs = s.sets[0]?.intervals.map((i) => i.input) ?? []
  return {
    caption: `Best rectangular cuts per signal efficiency (figure of merit ${FOM_LABELS[s.fom]})`,
    columns: [
      { label: 'ε_S', align: 'right' },
      { label: 'ε_B', align: 'right' },
      { label: FOM_LABELS[s.fom], align: 'right' },
      ...inputs.map((label) => ({ label })),
    ],
    rows: s.sets.map((set) => [
      formatNumber(set.eff_s, 3),
      formatNumber(set.eff_b, 3),
      num(set.fom),
      ...inputs.map((input) => {
        const iv = set.intervals.find((i) => i.input === input)
        return iv ? intervalText(iv.lo, iv.hi) : '—'
      }),
    ]),
  }
}

/** Ranked by separation, largest first (TMVA's order). */
export function rankingTable(e: ClassifierEvaluation): Table {
  const rows = [...e.ranking].sort((a, b) => b.separation - a.separation)
  return {
    caption:
      'Variable ranking: separation ⟨S²⟩ of the signal and background shapes, permutation importance (AUC loss)',
    columns: [
      { label: 'Rank', align: 'right' },
      { label: 'Input' },
      { label: 'Separation', align: 'right' },
      { label: 'Importance (ΔAUC)', align: 'right' },
    ],
    rows: rows.map((r, i) => [
      String(i + 1),
      r.input,
      formatNumber(r.separation),
      num(r.importance),
    ]),
  }
}
