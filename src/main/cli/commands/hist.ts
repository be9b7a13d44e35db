import type { Command } from 'commander'
import type { RegionHistogram } from '../../../shared/cutflow'
import { histTable } from '../../../shared/format/histogram'
import { formatTable } from '../../../shared/format/table'
import type { SpecVariable } from '../../../shared/spec'
import type { Binning } from '../../engine/select/hist'
import { runHistogram } from '../../engine/app/histogram'
import { UsageError, action, type GlobalOptions } from '../action'
import { withEventSource } from '../event-source'
import { alignedText, tableFormat } from './cutflow'

export interface HistOptions extends GlobalOptions {
  var?: string
  bins?: string
  range?: string[]
  region?: string
  format?: string
}

function number(what: string, text: string | undefined): number {
  const x = Number(text)
  if (text === undefined || text.trim() === '' || !Number.isFinite(x)) {
    throw new UsageError(`${what} must be a number, got '${text ?? ''}'`)
  }
  return x
}

/**
 * Binning from --bins and --range; either may be left out when --var names a derived variable
 * with a `binning` in the spec, which fills in what is missing.
 */
export function binningOf(options: HistOptions, variables: readonly SpecVariable[]): Binning {
  const preset = variables.find((v) => v.name === options.var?.trim())?.binning
  const need = (what: string) =>
    new UsageError(`${what} is required (or give the variable a "binning" in the spec)`)
  let bins = preset?.bins
  if (options.bins !== undefined) bins = number('--bins', options.bins)
  if (bins === undefined) throw need('--bins N')
  if (!Number.isInteger(bins) || bins < 1) throw new UsageError('--bins must be an integer ≥ 1')
  let [lo, hi] = preset ? [preset.lo, preset.hi] : [NaN, NaN]
  if (options.range !== undefined) {
    if (options.range.length !== 2) throw new UsageError('--range takes two numbers: LO HI')
    lo = number('--range LO', options.range[0])
    hi = number('--range HI', options.range[1])
  } else if (!preset) throw need('--range LO HI')
  if (!(hi > lo)) throw new UsageError(`--range needs LO < HI, got ${lo} ${hi}`)
  return { bins, lo, hi }
}

async function hist(file: string, options: HistOptions): Promise<RegionHistogram> {
  tableFormat(options.format)
  const expr = options.var
  if (!expr) throw new UsageError('--var EXPR is required')
  if (options.bins !== undefined) number('--bins', options.bins)
  return withEventSource(file, ({ source, variables }) =>
    runHistogram(source, { expr, binning: binningOf(options, variables), region: options.region }),
  )
}

function human(r: RegionHistogram, options: HistOptions): string {
  const format = tableFormat(options.format)
  const t = histTable(r)
  return format ? formatTable(t, format).trimEnd() : alignedText(t)
}

export function register(program: Command): void {
  program
    .command('hist')
    .description('weighted histogram of an expression per sample, in a region of a spec or project')
    .argument('<spec>', 'analysis spec (JSON; sample files relative to it) or PROJECT.hepwb')
    .requiredOption('--var <expr>', 'expression: a column, a derived variable, any formula')
    .option('--bins <n>', "number of uniform bins (default: the variable's binning)")
    .option('--range <lo hi...>', "lower and upper edge (default: the variable's binning)")
    .option('--region <name>', 'only the events of this region (default: all events)')
    .option('--format <csv|markdown|latex>', 'print the table in this format')
    .action(action<HistOptions, RegionHistogram>(([file], options) => hist(file, options), human))
}
