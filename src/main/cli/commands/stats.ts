import { extname } from 'node:path'
import type { Command } from 'commander'
import type { Column } from '../../../shared/column'
import { openedStatistics, type SampleStatistics } from '../../engine/app/statistics'
import { columnStats, type ColumnStats } from '../../engine/data/stats'
import { findTable, openSource, readColumns } from '../../engine/io/source'
import { silentContext } from '../../engine/jobs/context'
import { UsageError, action, type GlobalOptions } from '../action'
import { isProjectFile, withEventSource } from '../event-source'
import { nameRecord } from '../../../shared/name-record'

interface StatsOptions extends GlobalOptions {
  table?: string
  columns?: string
  weight?: string
}

export interface StatsResult {
  file: string
  table: string
  entries: number
  /** Per column; jagged columns over all elements (count = number of elements). */
  columns: Record<string, ColumnStats>
}

/** Statistics per sample of a spec or project: its weights × normalisation applied. */
export interface SampleStatsResult {
  /** The spec or project file. */
  source: string
  samples: Record<string, { columns: Record<string, ColumnStats> }>
}

/** Columns are read in batches so a 1000-branch file never holds every column at once. */
const BATCH = 64

/** Whether `file` is an analysis spec or a project rather than an event file. */
function isSpecOrProject(file: string): boolean {
  return extname(file).toLowerCase() === '.json' || isProjectFile(file)
}

const columnList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** A figure of the statistics use case as the file mode prints it. */
function asColumnStats(s: SampleStatistics): ColumnStats {
  return {
    count: s.count,
    nan: s.nan,
    sum: s.sum,
    mean: s.mean,
    std: s.std,
    min: s.min,
    max: s.max,
    weighted: {
      sumw: s.sumw,
      sumw2: s.sumw2,
      mean: s.weightedMean,
      std: s.weightedStd,
      effectiveEntries: s.sumw2 > 0 ? (s.sumw * s.sumw) / s.sumw2 : 0,
    },
  }
}

/**
 * Statistics of the columns (or derived variables; default: every one the sample has) of
 * every sample of a spec or project, through the statistics use case (app/statistics.ts): the
 * window's explorer table and this print the same figures.
 */
export async function sampleStats(file: string, options: StatsOptions): Promise<SampleStatsResult> {
  if (options.table !== undefined || options.weight !== undefined)
    throw new UsageError(
      '--table and --weight are for an event file; a spec or project gives each sample its own',
    )
  const ctx = silentContext()
  return withEventSource(file, async ({ source }) => {
    const samples = nameRecord<{ columns: Record<string, ColumnStats> }>()
    for (const [i, s] of source.samples().entries()) {
      const opened = await source.open(i, ctx)
      try {
        const names = options.columns
          ? columnList(options.columns)
          : [...opened.variables.symbols.keys()]
        const columns = nameRecord<ColumnStats>()
        for (let k = 0; k < names.length; k += BATCH) {
          const batch = names.slice(k, k + BATCH)
          const stats = await openedStatistics(
            opened,
            batch.map((column) => ({ column })),
            ctx,
            source,
          )
          batch.forEach((n, j) => (columns[n] = asColumnStats(stats[j])))
        }
        samples[s.name] = { columns }
      } finally {
        opened.release()
      }
    }
    return { source: file, samples }
  })
}

export async function stats(file: string, options: StatsOptions): Promise<StatsResult> {
  if (isSpecOrProject(file)) throw new UsageError(`${file} is a spec or project: see sampleStats`)
  const ctx = silentContext()
  const info = await openSource(file, ctx)
  if (!info.tables.length)
    throw new UsageError(`${file} holds no tables (no TTree, dataset or rows)`)
  if (options.table === undefined && info.tables.length > 1) {
    const names = info.tables.map((t) => t.name).join(', ')
    throw new UsageError(
      `${file} has ${info.tables.length} tables (${names}): choose one with --table`,
    )
  }
  const table = findTable(info, options.table ?? info.tables[0].name)
  const names = options.columns
    ? options.columns
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : table.columns.map((c) => c.name)
  let weights: ArrayLike<number> | undefined
  if (options.weight) {
    const w = (await readColumns(file, table.name, [options.weight], ctx)).get(
      options.weight,
    ) as Column
    if (w.kind !== 'flat')
      throw new UsageError(`--weight ${options.weight}: must be one value per event`)
    weights = w.values
  }
  const columns = nameRecord<ColumnStats>()
  for (let i = 0; i < names.length; i += BATCH) {
    const batch = names.slice(i, i + BATCH)
    const read = await readColumns(file, table.name, batch, ctx)
    for (const n of batch) columns[n] = columnStats(read.get(n) as Column, weights)
  }
  return { file, table: table.name, entries: table.entries, columns }
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(7))

function human(r: StatsResult | SampleStatsResult): string {
  if ('samples' in r)
    return Object.entries(r.samples)
      .map(([name, s]) => columnTable(`${r.source}: sample ${name} (weighted)`, s.columns))
      .join('\n\n')
  return columnTable(`${r.file}: ${r.table}, ${r.entries} entries`, r.columns)
}

/** One row per column; the weighted mean and std where there are weights. */
function columnTable(caption: string, columns: Record<string, ColumnStats>): string {
  const head = ['column', 'count', 'nan', 'mean', 'std', 'min', 'max']
  const rows = Object.entries(columns).map(([n, s]) => [
    n,
    String(s.count),
    String(s.nan),
    fmt(s.weighted?.mean ?? s.mean),
    fmt(s.weighted?.std ?? s.std),
    fmt(s.min),
    fmt(s.max),
  ])
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ')
  return [caption, line(head), ...rows.map(line)].join('\n')
}

export function register(program: Command): void {
  program
    .command('stats')
    .description(
      'count, nan, sum, mean, std, min, max of columns (jagged: over all elements), of an ' +
        'event file or of every sample of a spec or project (weighted)',
    )
    .argument('<file>', 'event file, analysis spec (JSON) or PROJECT.hepwb')
    .option('--table <name>', 'tree / table (needed when the file has several)')
    .option(
      '--columns <a,b>',
      'comma-separated columns or derived variables (default: all readable ones)',
    )
    .option('--weight <column>', 'also weighted figures, with this per-event column as weight')
    .action(
      action<StatsOptions, StatsResult | SampleStatsResult>(
        ([file], options) =>
          isSpecOrProject(file) ? sampleStats(file, options) : stats(file, options),
        human,
      ),
    )
}
