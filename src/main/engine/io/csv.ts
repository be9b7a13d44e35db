/**
 * CSV files → one table of columns. Streams the file (constant memory besides the columns),
 * takes the first row as the header, accepts RFC 4180 quoting ("a,b", "say ""hi""", newlines in
 * quotes), detects ',' ';' or tab from the header, and strips a UTF-8 BOM.
 *
 * Column kinds are decided by the first non-empty cell: true/false → bool, a number (also nan,
 * inf, -inf) → float64, anything else → a text column, listed as skipped. A later cell that does
 * not fit its column's kind is an error naming the line and column; empty numeric cells are NaN.
 * Numbers are float64 whatever their look, so every file of a sample gets the same types.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import type { Column } from '../../../shared/column'
import { Float64Builder } from './column-ops'
import { clampRange, type EntryRange, type SkippedColumn, type TableInfo } from './schema'
import type { JobContext } from '../jobs/context'
import { Tokenizer } from './csv-tokenizer'
import { InputError, errorMessage, libraryReason } from './errors'

/** Table name of a single-table file: its file name without extension. */
export function stemOf(path: string): string {
  return basename(path, extname(path))
}

type Kind = 'unknown' | 'float64' | 'bool' | 'text'

/** Accumulates one column's cells; decides its kind from the first non-empty cell. */
class ColumnSink {
  kind: Kind = 'unknown'
  readonly values = new Float64Builder()
  /** Rows seen before the kind was known (all empty): become NaN once it is. */
  private pendingEmpty = 0

  constructor(
    readonly name: string,
    private readonly store: boolean,
  ) {}

  /** Adds a cell; returns an error reason or undefined. */
  add(cell: string): string | undefined {
    if (this.kind === 'float64') {
      const x = fastDecimal(cell)
      if (x === x) {
        if (this.store) this.values.push(x)
        return undefined
      }
    }
    const s = cell.trim()
    if (this.kind === 'unknown') {
      if (s === '') {
        this.pendingEmpty++
        return undefined
      }
      const kind =
        parseBool(s) !== undefined
          ? 'bool'
          : !Number.isNaN(parseNumber(s)) || isNanToken(s)
            ? 'float64'
            : 'text'
      if (kind === 'bool' && this.pendingEmpty) return 'empty cells above in a boolean column'
      this.kind = kind
      if (this.store) for (; this.pendingEmpty > 0; this.pendingEmpty--) this.values.push(NaN)
    }
    if (this.kind === 'text') return undefined
    if (this.kind === 'bool') {
      const b = parseBool(s)
      if (b === undefined) return `'${cell}' is not true or false (the column is boolean)`
      if (this.store) this.values.push(b)
      return undefined
    }
    let x: number
    if (s === '') x = NaN
    else {
      x = parseNumber(s)
      if (Number.isNaN(x) && !isNanToken(s)) return `'${cell}' is not a number`
    }
    if (this.store) this.values.push(x)
    return undefined
  }
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
]

/**
 * Plain decimals ("-12.345", "7") without calling the general string-to-number conversion,
 * which dominates CSV parsing otherwise. Exact: the digits form an integer below 2^53 and the
 * power of ten is at most 10^22, both exact doubles, so the one division is correctly rounded
 * (Clinger's fast path), the same double as Number(cell). NaN means "not this simple form":
 * the caller then takes the general path.
 */
function fastDecimal(cell: string): number {
  const n = cell.length
  let i = 0
  let neg = false
  const c0 = cell.charCodeAt(0)
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    neg = c0 === 45
    i = 1
  }
  let mant = 0
  let digits = 0
  let frac = 0
  let dot = false
  for (; i < n; i++) {
    const c = cell.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48)
      digits++
      if (dot) frac++
    } else if (c === 46 /* . */ && !dot) dot = true
    else return NaN
  }
  if (digits === 0 || digits > 15 || frac > 22) return NaN
  const x = frac ? mant / POW10[frac] : mant
  return neg ? -x : x
}

function parseBool(s: string): 0 | 1 | undefined {
  const l = s.toLowerCase()
  if (l === 'true') return 1
  if (l === 'false') return 0
  return undefined
}

function isNanToken(s: string): boolean {
  return s.toLowerCase() === 'nan'
}

/** Number of a trimmed cell; NaN when it is not one ('inf' and '-inf' accepted). */
function parseNumber(s: string): number {
  const x = Number(s)
  if (!Number.isNaN(x)) return x
  const l = s.toLowerCase()
  if (l === 'inf' || l === '+inf') return Infinity
  if (l === '-inf') return -Infinity
  return NaN
}

interface ScanResult {
  readonly header: string[]
  readonly rows: number
  readonly sinks: ColumnSink[]
}

/**
 * Streams the file once. `want` names the columns whose values are kept (all kinds are still
 * checked for every column, so a bad cell is found by `inspect` too); rows outside `range` are
 * only counted. Stops reading at the end of the range when one is given. A range with `bytes`
 * (csv-index.ts) reads the header and then those bytes only, its first row being range.start.
 */
async function scanCsv(
  path: string,
  want: ReadonlySet<string> | undefined,
  ctx: JobContext,
  range?: EntryRange,
): Promise<ScanResult> {
  let size: number
  try {
    size = (await stat(path)).size
  } catch (e) {
    throw new InputError({ file: path }, `cannot open: ${libraryReason(e)}`, { cause: e })
  }
  if (size === 0) throw new InputError({ file: path }, 'empty file: no header row')
  const span = range?.bytes
  let header: string[] | undefined
  let sinks: ColumnSink[] = []
  let rows = 0
  let failure: InputError | undefined
  const stopAt = range ? range.stop : Infinity
  let delimiter = -1
  if (span) {
    ;({ header, delimiter } = await readHeader(path, ctx))
    sinks = header.map((h) => new ColumnSink(h, !want || want.has(h)))
    rows = range?.start ?? 0
  }
  const tok = new Tokenizer((fields, line) => {
    if (!header) {
      header = fields.map((f, i) => f.trim() || `column${i + 1}`)
      const seen = new Set<string>()
      for (const h of header) {
        if (seen.has(h)) {
          failure = new InputError({ file: path, line, column: h }, 'duplicate column name')
          return false
        }
        seen.add(h)
      }
      sinks = header.map((h) => new ColumnSink(h, !want || want.has(h)))
      return true
    }
    if (fields.length !== header.length) {
      failure = new InputError(
        { file: path, line },
        `row has ${fields.length} fields but the header has ${header.length}`,
      )
      return false
    }
    if (rows >= stopAt) return false
    const inRange = !range || rows >= range.start
    for (let c = 0; c < fields.length; c++) {
      const s = sinks[c]
      if (!inRange && s.kind !== 'unknown') continue
      const err = s.add(fields[c])
      if (err) {
        failure = new InputError({ file: path, line, column: header[c] }, err)
        return false
      }
      if (!inRange) s.values.length = 0
    }
    rows++
    return true
  })
  if (span) {
    tok.delimiter = delimiter
    tok.line = span.line
    size = span.stop - span.start
  }
  if (span && size <= 0) return { header: header as string[], rows, sinks }
  const stream = createReadStream(path, {
    highWaterMark: 1 << 20,
    ...(span ? { start: span.start, end: span.stop - 1 } : {}),
  })
  const decoder = new StringDecoder('utf8')
  let read = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      ctx.throwIfCancelled()
      read += chunk.length
      if (!tok.feed(decoder.write(chunk), false)) break
      ctx.progress(read / size, 'reading CSV')
    }
    if (!failure) tok.feed(decoder.end(), true)
  } catch (e) {
    if (e instanceof InputError || (e instanceof Error && e.name === 'CancelledError')) throw e
    throw new InputError({ file: path, line: tok.line }, errorMessage(e), { cause: e })
  } finally {
    stream.destroy()
  }
  if (failure) throw failure
  if (!header) throw new InputError({ file: path }, 'no header row')
  if (span && range && rows !== range.stop)
    throw new InputError(
      { file: path, line: span.line },
      `rows ${range.start}–${range.stop} were expected in bytes ${span.start}–${span.stop}, ` +
        `found ${rows - range.start}: the file changed since it was indexed`,
    )
  return { header, rows, sinks }
}

/** The header row of a CSV file (its names as scanCsv gives them) and its delimiter. */
async function readHeader(
  path: string,
  ctx: JobContext,
): Promise<{ header: string[]; delimiter: number }> {
  let fields: string[] | undefined
  const tok = new Tokenizer((f) => {
    fields = f
    return false
  })
  const stream = createReadStream(path, { highWaterMark: 1 << 16 })
  const decoder = new StringDecoder('utf8')
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      ctx.throwIfCancelled()
      if (!tok.feed(decoder.write(chunk), false)) break
    }
    if (!fields) tok.feed(decoder.end(), true)
  } catch (e) {
    if (e instanceof Error && e.name === 'CancelledError') throw e
    throw new InputError({ file: path, line: tok.line }, errorMessage(e), { cause: e })
  } finally {
    stream.destroy()
  }
  if (!fields) throw new InputError({ file: path }, 'no header row')
  return { header: fields.map((f, i) => f.trim() || `column${i + 1}`), delimiter: tok.delimiter }
}

/** The one table of a CSV file: its columns, kinds and number of rows. */
export async function listCsvTables(path: string, ctx: JobContext): Promise<TableInfo[]> {
  const { rows, sinks } = await scanCsv(path, new Set(), ctx)
  const skipped: SkippedColumn[] = sinks
    .filter((s) => s.kind === 'text')
    .map((s) => ({ name: s.name, reason: 'text column (not numbers or true/false)' }))
  return [
    {
      name: stemOf(path),
      entries: rows,
      columns: sinks
        .filter((s) => s.kind !== 'text')
        .map((s) => ({
          name: s.name,
          type: s.kind === 'bool' ? 'bool' : 'float64',
          jagged: false,
        })),
      ...(skipped.length ? { skipped } : {}),
    },
  ]
}

/**
 * Reads columns `names` (rows `range`, default all) of a CSV file: float64 for numbers, uint8
 * 0/1 for booleans. `table` is accepted for symmetry with other formats (the file's stem).
 */
export async function readCsvColumns(
  path: string,
  names: readonly string[],
  ctx: JobContext,
  range?: EntryRange,
): Promise<Map<string, Column>> {
  const r = range
    ? {
        ...clampRange(Number.MAX_SAFE_INTEGER, range),
        ...(range.bytes ? { bytes: range.bytes } : {}),
      }
    : undefined
  const { header, rows, sinks } = await scanCsv(path, new Set(names), ctx, r)
  const first = r ? Math.min(r.start, rows) : 0
  const out = new Map<string, Column>()
  for (const name of names) {
    const i = header.indexOf(name)
    if (i < 0) throw new InputError({ file: path, column: name }, 'no such column')
    const s = sinks[i]
    if (s.kind === 'text') {
      throw new InputError({ file: path, column: name }, 'text column: cannot be read as numbers')
    }
    // A column with no value in the rows read (all cells empty) is NaN there: its kind is
    // decided by a cell elsewhere in the file, and empty cells are NaN in a numeric column.
    const v = s.kind === 'unknown' ? new Float64Array(rows - first).fill(NaN) : s.values.finish()
    out.set(
      name,
      s.kind === 'bool'
        ? { kind: 'flat', type: 'bool', values: Uint8Array.from(v) }
        : { kind: 'flat', type: 'float64', values: v },
    )
  }
  return out
}
