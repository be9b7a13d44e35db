/**
 * How the explorer names a variable to a reader: the axis title (label or name, unit in
 * brackets: `E_T^miss [GeV]`) and the badge saying where its values come from. Pure, so it is
 * unit-tested.
 */
import type { VariableRow } from '../../../../shared/contract/data'

/** The x-axis title of variable `name`: its label (else its name), then `[unit]` when it has one. */
export function axisTitle(name: string, row?: Pick<VariableRow, 'label' | 'unit'>): string {
  const text = row?.label?.trim() || name
  const unit = row?.unit?.trim()
  return unit ? `${text} [${unit}]` : text
}

/** Whether bins of `width` from `lo` are one per whole number, centred on it (−0.5, 0.5, …). */
export function integerCentred(width: number, lo: number): boolean {
  return width === 1 && Math.abs(lo % 1) === 0.5
}

/**
 * The y-axis title of a histogram with bins of `width` starting at `lo`: `Events / 5 GeV`
 * (the unit of the variable, when it has one), `Events` for one bin per whole number
 * (integer-centred unit bins: "per 1" says nothing), `Fraction of events / …` for unit-area
 * shapes. The width in at most 3 significant digits.
 */
export function perBinTitle(
  width: number,
  lo: number,
  options: { unit?: string; normalised?: boolean } = {},
): string {
  const what = options.normalised ? 'Fraction of events' : 'Events'
  if (integerCentred(width, lo)) return what
  const w = Number(width.toPrecision(3))
  const unit = options.unit?.trim()
  return `${what} / ${w}${unit ? ` ${unit}` : ''}`
}

/** The list's badge for a variable that is not a file column, with its tooltip; null for one. */
export function originBadge(
  row: Pick<VariableRow, 'origin' | 'label' | 'unit'>,
): { text: string; title: string } | null {
  if (row.origin === 'derived')
    return {
      text: 'derived',
      title: `A derived variable of the project (Cuts view)${row.label ? `: ${row.label}` : ''}`,
    }
  if (row.origin === 'model')
    return {
      text: 'model output',
      title: 'The output of a trained model applied in the Train view',
    }
  return null
}
