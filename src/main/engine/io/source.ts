/**
 * One interface over every event-file format: detect the format, list tables, read columns.
 * This is what engine services, the data layer and the CLI call; the per-format modules stay
 * behind it.
 *
 *   const info = await openSource('dy.root')            // {file, format, tables}
 *   const cols = await readColumns('dy.root', 'Events', ['Muon_pt'], ctx)   // Map name → Column
 */
import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import type { Column } from '../../../shared/column'
import type { EntryRange, SourceFormat, SourceInfo, TableInfo } from './schema'
import type { AllocValues } from './array-pool'
import { silentContext, type JobContext } from '../jobs/context'
import { listCsvTables, readCsvColumns, stemOf } from './csv'
import { csvByteRanges } from './csv-index'
import { InputError, errorMessage } from './errors'
import { listHdf5Tables, readHdf5Columns } from './hdf5'
import { listParquetTables, readParquetBounds, readParquetColumns } from './parquet'
import { listRootTables, readRootBounds, readRootColumns } from './root'

const EXTENSIONS: Record<string, SourceFormat> = {
  '.root': 'root',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.h5': 'hdf5',
  '.hdf5': 'hdf5',
  '.hdf': 'hdf5',
  '.parquet': 'parquet',
  '.pq': 'parquet',
}

function magicFormat(head: Uint8Array): SourceFormat | undefined {
  const ascii = Buffer.from(head.subarray(0, 4)).toString('latin1')
  if (ascii === 'root') return 'root'
  if (ascii === 'PAR1') return 'parquet'
  if (head[0] === 0x89 && ascii.slice(1) === 'HDF') return 'hdf5'
  return undefined
}

/**
 * Format of a file from its first bytes (ROOT, HDF5 and Parquet have signatures), else from its
 * extension (CSV). A binary extension whose signature is missing is an error, not a guess.
 */
export async function detectFormat(path: string): Promise<SourceFormat> {
  const head = new Uint8Array(8)
  let n: number
  try {
    const fh = await open(path, 'r')
    try {
      n = (await fh.read(head, 0, 8, 0)).bytesRead
    } finally {
      await fh.close()
    }
  } catch (e) {
    throw new InputError({ file: path }, `cannot open: ${errorMessage(e)}`, { cause: e })
  }
  if (n === 0) throw new InputError({ file: path }, 'empty file (0 bytes)')
  const byMagic = magicFormat(head)
  if (byMagic) return byMagic
  const byExt = EXTENSIONS[extname(path).toLowerCase()]
  if (byExt === 'csv') return 'csv'
  if (byExt) {
    throw new InputError(
      { file: path },
      `the extension says ${byExt.toUpperCase()} but the file does not start with its signature`,
    )
  }
  throw new InputError(
    { file: path },
    'unknown format: expected a ROOT, HDF5 or Parquet file, or a .csv text file',
  )
}

/** Format and tables (entries, readable columns, skipped columns) of a file. */
export async function openSource(
  path: string,
  ctx: JobContext = silentContext(),
): Promise<SourceInfo> {
  const format = await detectFormat(path)
  const tables = await listTables(path, format, ctx)
  return { file: path, format, tables }
}

function listTables(path: string, format: SourceFormat, ctx: JobContext): Promise<TableInfo[]> {
  switch (format) {
    case 'root':
      return listRootTables(path)
    case 'csv':
      return listCsvTables(path, ctx)
    case 'hdf5':
      return listHdf5Tables(path)
    case 'parquet':
      return listParquetTables(path)
  }
}

/** Single-table formats accept their stem or '' as table name (so a chain of CSVs can share one). */
function checkSingleTable(path: string, table: string): void {
  if (table !== '' && table !== stemOf(path)) {
    throw new InputError(
      { file: path, table },
      `no such table (this file has one: '${stemOf(path)}')`,
    )
  }
}

/**
 * Reads columns `names` of `table` (entries `range`, default all): a Map from each name to its
 * column, in the order asked. Only the requested columns are decoded. `alloc` gives the arrays
 * of the flat columns a reader fills whole (Parquet's; array-pool.ts), default new ones.
 */
export async function readColumns(
  path: string,
  table: string,
  names: readonly string[],
  ctx: JobContext = silentContext(),
  range?: EntryRange,
  alloc?: AllocValues,
): Promise<Map<string, Column>> {
  const format = await detectFormat(path)
  switch (format) {
    case 'root':
      return readRootColumns(path, table, names, ctx, range)
    case 'hdf5':
      return readHdf5Columns(path, table, names, ctx, range)
    case 'csv':
      checkSingleTable(path, table)
      return readCsvColumns(path, names, ctx, range)
    case 'parquet':
      checkSingleTable(path, table)
      return readParquetColumns(path, names, ctx, range, alloc)
  }
}

/**
 * Entries where a table can be cut without decoding anything twice (ascending, from 0): basket
 * starts shared by every branch of a ROOT tree, row-group starts of a Parquet file. CSV (no
 * index) and HDF5 (any hyperslab is cheap) have none to offer: []. Any range may still be read;
 * these only make partitions cheaper.
 */
export async function entryBounds(path: string, table: string): Promise<number[]> {
  const format = await detectFormat(path)
  switch (format) {
    case 'root':
      return readRootBounds(path, table)
    case 'parquet':
      return readParquetBounds(path)
    case 'csv':
    case 'hdf5':
      return []
  }
}

/**
 * `ranges` (consecutive, covering a table) made cheap to read one at a time: a CSV file's get
 * the bytes each lies in (one scan of the file, csv-index.ts), so that reading one does not
 * read the file from its top; other formats find an entry range by their own index, unchanged.
 */
export async function locateRanges(
  path: string,
  ranges: readonly EntryRange[],
  ctx: JobContext = silentContext(),
): Promise<readonly EntryRange[]> {
  if (ranges.length < 2 || (await detectFormat(path)) !== 'csv') return ranges
  return csvByteRanges(path, ranges, ctx)
}

/** The table `table` of a file, or an InputError listing the tables there are. */
export function findTable(info: SourceInfo, table: string): TableInfo {
  const single = info.format === 'csv' || info.format === 'parquet'
  const t = info.tables.find((x) => x.name === table || (single && table === ''))
  if (t) return t
  const names = info.tables.map((x) => `'${x.name}'`).join(', ') || 'none'
  throw new InputError({ file: info.file, table }, `no such table (tables: ${names})`)
}

/**
 * Reads a table in chunks of at most `chunkEntries` entries, for work that streams (cut-flows,
 * histograms of files larger than memory). Yields the range and its columns. ROOT, HDF5 and
 * Parquet read only each chunk's baskets / rows; CSV has no index, so each chunk re-reads the
 * text from the top (use large chunks for CSV).
 */
export async function* readChunks(
  path: string,
  table: string,
  names: readonly string[],
  chunkEntries: number,
  ctx: JobContext = silentContext(),
): AsyncGenerator<{ range: EntryRange; columns: Map<string, Column> }> {
  const t = findTable(await openSource(path, ctx), table)
  const step = Math.max(1, Math.floor(chunkEntries))
  for (let start = 0; start < t.entries; start += step) {
    ctx.throwIfCancelled()
    const range = { start, stop: Math.min(t.entries, start + step) }
    yield { range, columns: await readColumns(path, table, names, ctx, range) }
  }
}
