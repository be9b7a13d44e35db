/**
 * `--hist EXPR:BINS:LO:HI[@REGION]`: one histogram of a command that fills several in its pass
 * (`hepwb cutflow --hist …`). Split from the right, so an expression may contain ':' (the
 * expression language's `a ? b : c`) and '@' never appears in an expression: the region is what
 * follows the last '@' when it holds no ':', then HI, LO and BINS are the last three
 * ':'-separated fields and the expression is everything before them.
 */
import type { Binning } from '../engine/select/hist'
import { UsageError } from './action'

/** One parsed --hist: the expression, its uniform binning and the region (absent: all events). */
export interface HistOption {
  readonly expr: string
  readonly binning: Binning
  readonly region?: string
}

export const HIST_SYNTAX = 'EXPR:BINS:LO:HI[@REGION]'

/**
 * The histogram of the `n`-th (from 1) `--hist` value `text`. Throws UsageError naming the
 * option's position and the column (from 1) of the field at fault.
 */
export function parseHistOption(text: string, n: number): HistOption {
  const fail = (what: string, column?: number) =>
    new UsageError(
      `--hist #${n} '${text}'${column === undefined ? '' : ` (column ${column})`}: ${what}; ` +
        `expected ${HIST_SYNTAX}, e.g. 'pt1:50:0:200@SR'`,
    )
  let body = text
  let region: string | undefined
  const at = text.lastIndexOf('@')
  if (at >= 0 && !text.includes(':', at)) {
    region = text.slice(at + 1).trim()
    if (!region) throw fail('the region after @ is empty', at + 2)
    body = text.slice(0, at)
  }
  // The last three ':' from the right: EXPR : BINS : LO : HI.
  const cuts: number[] = []
  for (let i = body.length - 1; i >= 0 && cuts.length < 3; i--) if (body[i] === ':') cuts.push(i)
  if (cuts.length < 3) throw fail(`${cuts.length + 1} field(s) where 4 are needed`)
  const [c3, c2, c1] = cuts
  const expr = body.slice(0, c1).trim()
  if (!expr) throw fail('the expression is empty', 1)
  const field = (from: number, to: number, what: string): number => {
    const s = body.slice(from, to)
    const x = Number(s)
    if (s.trim() === '' || !Number.isFinite(x))
      throw fail(`${what} '${s}' is not a number`, from + 1)
    return x
  }
  const bins = field(c1 + 1, c2, 'BINS')
  if (!Number.isInteger(bins) || bins < 1)
    throw fail(`BINS must be an integer ≥ 1, got ${bins}`, c1 + 2)
  const lo = field(c2 + 1, c3, 'LO')
  const hi = field(c3 + 1, body.length, 'HI')
  if (!(hi > lo)) throw fail(`LO < HI is needed, got ${lo} and ${hi}`, c2 + 2)
  return { expr, binning: { bins, lo, hi }, ...(region === undefined ? {} : { region }) }
}
