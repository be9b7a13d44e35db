import type { Command } from 'commander'
import type { Column } from '../../../shared/column'
import { columnStats, type ColumnStats } from '../../engine/data/stats'
import { findTable, openSource, readColumns } from '../../engine/io/source'
import { silentContext } from '../../engine/jobs/context'
import { UsageError, action, type GlobalOptions } from '../action'
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

/** Columns are read in batches so a 1000-branch file never holds every column at once. */
const BATCH = 64

export async function stats(file: string, options: StatsOptions): Promise<StatsResult> {
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

function human(r: StatsResult): string {
  const head = ['column', 'count', 'nan', 'mean', 'std', 'min', 'max']
  const rows = Object.entries(r.columns).map(([n, s]) => [
    n,
    String(s.count),
    String(s.nan),
    fmt(s.mean),
    fmt(s.std),
    fmt(s.min),
    fmt(s.max),
  ])
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ')
  return [`${r.file}: ${r.table}, ${r.entries} entries`, line(head), ...rows.map(line)].join('\n')
}

export function register(program: Command): void {
  program
    .command('stats')
    .description('count, nan, sum, mean, std, min, max of columns (jagged: over all elements)')
    .argument('<file>', 'event file')
    .option('--table <name>', 'tree / table (needed when the file has several)')
    .option('--columns <a,b>', 'comma-separated columns (default: all readable ones)')
    .option('--weight <column>', 'also weighted figures, with this per-event column as weight')
    .action(action<StatsOptions, StatsResult>(([file], options) => stats(file, options), human))
}
