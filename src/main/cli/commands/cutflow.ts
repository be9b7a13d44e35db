import type { Command } from 'commander'
import type { CutflowResult, RegionHistogram } from '../../../shared/cutflow'
import { cutflowTable } from '../../../shared/format/cutflow'
import { histTable } from '../../../shared/format/histogram'
import { formatTable, type Table, type TableFormat } from '../../../shared/format/table'
import { runCutflow } from '../../engine/app/cutflow'
import { runPass } from '../../engine/app/pass'
import { UsageError, action, type GlobalOptions } from '../action'
import { withEventSource } from '../event-source'
import { HIST_SYNTAX, parseHistOption } from '../hist-option'

interface CutflowOptions extends GlobalOptions {
  region?: string
  sigmaB?: string
  format?: string
  by?: string
  raw?: boolean
  eff?: boolean
  hist?: string[]
}

/** The cut-flow, and with --hist the histograms filled in the same pass (request order). */
type CutflowOutput = CutflowResult & { histograms?: RegionHistogram[] }

const FORMATS = ['csv', 'markdown', 'latex']

/** A comma-separated list option as names ('' and spaces dropped). */
export function listOption(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** --format, checked; undefined for the readable text. */
export function tableFormat(value: string | undefined): TableFormat | undefined {
  if (value === undefined) return undefined
  if (!FORMATS.includes(value)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${value}'`)
  }
  return value as TableFormat
}

async function cutflow(file: string, options: CutflowOptions): Promise<CutflowOutput> {
  tableFormat(options.format)
  const hists = (options.hist ?? []).map((text, i) => parseHistOption(text, i + 1))
  if (options.by !== undefined && options.by !== 'sample' && options.by !== 'group') {
    throw new UsageError(`--by must be sample or group, got '${options.by}'`)
  }
  const sigmaB = options.sigmaB === undefined ? 0 : Number(options.sigmaB)
  if (!(sigmaB >= 0 && Number.isFinite(sigmaB))) {
    throw new UsageError(
      `--sigma-b must be a number ≥ 0 (e.g. 0.1 for 10 %), got '${options.sigmaB}'`,
    )
  }
  const regions = listOption(options.region)
  return withEventSource(file, async ({ source }) => {
    if (!hists.length) return (await runCutflow(source, { regions, sigmaB })).result
    // One read of each partition for the cut-flow and every histogram (app/pass.ts).
    const run = await runPass(source, { cutflow: { regions, sigmaB }, histograms: hists })
    if (!run.cutflow) throw new Error('the pass gave no cut-flow')
    return { ...run.cutflow.result, histograms: [...run.histograms] }
  })
}

/** Columns padded to their widest cell: numbers right-aligned, text left. */
export function alignedText(t: Table): string {
  const all = [t.columns.map((c) => c.label), ...t.rows]
  const width = t.columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (t.columns[i].align === 'right' ? c.padStart(width[i]) : c.padEnd(width[i])))
      .join('  ')
      .trimEnd()
  return [...(t.caption ? [t.caption] : []), ...all.map(line)].join('\n')
}

/**
 * A table as text. LaTeX carries its caption; Markdown gets it as a bold line; CSV, which has
 * no place for one, gets it as a `# ` line only when several tables follow each other (use
 * --region for one plain CSV table).
 */
function formatted(t: Table, format: TableFormat | undefined, several: boolean): string {
  if (!format) return alignedText(t)
  const body = formatTable(t, format).trimEnd()
  if (format === 'markdown' && t.caption) return `**${t.caption}**\n\n${body}`
  if (format === 'csv' && several && t.caption) return `# ${t.caption}\n${body}`
  return body
}

function human(r: CutflowOutput, options: CutflowOptions): string {
  const format = tableFormat(options.format)
  const tables = Object.keys(r.regions).map((region) =>
    cutflowTable(r, region, {
      by: options.by === 'group' ? 'group' : 'sample',
      raw: options.raw,
      efficiency: options.eff,
    }),
  )
  tables.push(...(r.histograms ?? []).map(histTable))
  if (!tables.length) return 'no regions'
  return tables.map((t) => formatted(t, format, tables.length > 1)).join('\n\n')
}

export function register(program: Command): void {
  program
    .command('cutflow')
    .description('weighted cut-flow per region and sample of a spec (SPEC.json) or project')
    .argument('<spec>', 'analysis spec (JSON; sample files relative to it) or PROJECT.hepwb')
    .option('--region <a,b>', 'only these regions (comma-separated; default all)')
    .option('--sigma-b <rel>', 'relative background uncertainty for Z_A with σ_b (e.g. 0.1)')
    .option('--format <csv|markdown|latex>', 'print the tables in this format')
    .option('--by <sample|group>', 'one column per sample (default) or per process group')
    .option('--raw', 'also raw event counts')
    .option('--eff', 'also the efficiency relative to the previous cut')
    .option(
      '--hist <spec>',
      `also a histogram, filled in the same pass over the events (repeatable): ${HIST_SYNTAX}, ` +
        "e.g. 'max(pt1, pt2):50:0:200@SR' (split from the right: the expression may hold ':'; " +
        'no @REGION: all events); --json adds "histograms" as hepwb hist prints them',
      (value: string, list: string[] = []) => [...list, value],
    )
    .action(
      action<CutflowOptions, CutflowOutput>(([file], options) => cutflow(file, options), human),
    )
}
