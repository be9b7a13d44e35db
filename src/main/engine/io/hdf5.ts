/**
 * HDF5 files → tables, through h5wasm (HDF5 compiled to WebAssembly; its Node build reads the
 * file system directly). Two layouts:
 *
 * - one dataset per column: every group holding numeric datasets is a table named by its path
 *   ("" → "/"); a 1-D dataset of length n is a flat column, a 2-D dataset (n, k) a fixed-size
 *   array column (jagged with k values per event). The first numeric dataset sets n; datasets of
 *   another length or rank are listed as skipped and reading them is an error naming the shape.
 * - pandas / PyTables "fixed" frames (`df.to_hdf(format='fixed')`): a group with attribute
 *   pandas_type = 'frame', column names in `blockI_items` and values in `blockI_values`
 *   (rows × columns). The frame's index (`axis1`) is not offered as a column.
 */
import { open } from 'node:fs/promises'
import type { Column, ColumnType, NumericArray } from '../../../shared/column'
import { allocValues, regularJagged } from './column-ops'
import { clampRange, type EntryRange, type SkippedColumn, type TableInfo } from './schema'
import type { JobContext } from '../jobs/context'
import { InputError, libraryReason } from './errors'
import { quietLibraryConsole } from './library-console'
import { loadWithoutProcessHooks } from './wasm'

// The h5wasm API surface we use (its .d.ts pulls in emscripten types we do not need).
interface H5Metadata {
  type: number
  size: number
  signed: boolean
}
interface H5Attr {
  value: unknown
}
interface H5Dataset {
  readonly shape: number[] | null
  readonly metadata: H5Metadata
  readonly attrs: Record<string, H5Attr>
  readonly value: unknown
  slice(ranges: ([number, number] | [])[]): unknown
}
interface H5Group {
  keys(): string[]
  get(name: string): unknown
  readonly attrs: Record<string, H5Attr>
}
interface H5File extends H5Group {
  close(): unknown
}
interface H5Module {
  File: new (path: string, mode: string) => H5File
  Group: abstract new (...a: never[]) => H5Group
  Dataset: abstract new (...a: never[]) => H5Dataset
  ready: Promise<unknown>
}

let h5: Promise<H5Module> | undefined

/**
 * h5wasm is ESM-only and initialises a WebAssembly module once. HDF5's default error handler
 * prints its error stack (HDF5-DIAG, dozens of lines) on stderr and returns a code; h5wasm's
 * throwing handler makes it a JS error instead, which libraryReason turns into one line.
 */
function loadH5(): Promise<H5Module> {
  quietLibraryConsole()
  h5 ??= loadWithoutProcessHooks(async () => {
    const m: unknown = await import('h5wasm/node')
    const mod = ((m as { default?: H5Module }).default ?? m) as H5Module
    const wasm = (await mod.ready) as { activate_throwing_error_handler?: () => number }
    wasm.activate_throwing_error_handler?.()
    return mod
  })
  return h5
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

async function withH5<T>(path: string, fn: (f: H5File, mod: H5Module) => T): Promise<T> {
  let head: Buffer
  try {
    const fh = await open(path, 'r')
    try {
      head = Buffer.alloc(8)
      const { bytesRead } = await fh.read(head, 0, 8, 0)
      if (bytesRead === 0) throw new InputError({ file: path }, 'empty file (0 bytes), not HDF5')
    } finally {
      await fh.close()
    }
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError({ file: path }, `cannot open: ${libraryReason(e)}`, { cause: e })
  }
  // The superblock may sit at 0, 512, 1024, … (user block); we only accept the usual 0.
  if (!HDF5_MAGIC.every((b, i) => head[i] === b)) {
    throw new InputError({ file: path }, 'not an HDF5 file (no HDF5 signature)')
  }
  const mod = await loadH5()
  let f: H5File
  try {
    f = new mod.File(path, 'r')
  } catch (e) {
    throw new InputError({ file: path }, `cannot open HDF5 file: ${libraryReason(e)}`, { cause: e })
  }
  try {
    return fn(f, mod)
  } catch (e) {
    if (e instanceof InputError || (e instanceof Error && e.name === 'CancelledError')) throw e
    throw new InputError({ file: path }, `damaged HDF5 file: ${libraryReason(e)}`, { cause: e })
  } finally {
    f.close()
  }
}

/** Column type of an HDF5 numeric datatype (class 0 integer, 1 float), else undefined. */
function columnType(m: H5Metadata): ColumnType | undefined {
  if (m.type === 1) return m.size === 8 ? 'float64' : m.size === 4 ? 'float32' : undefined
  if (m.type !== 0) return undefined
  const t = { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' }[m.size] as ColumnType | undefined
  if (!t) return undefined
  return m.signed ? t : (('u' + t) as ColumnType)
}

/** A column of a table: where its values are and how to cut them out. */
interface ColumnSource {
  readonly name: string
  readonly type: ColumnType
  readonly dataset: H5Dataset
  readonly datasetPath: string
  /** Values per event (1 flat; > 1 fixed-size array). */
  readonly width: number
  /** For pandas blocks: which column of the (rows × k) block. */
  readonly blockColumn?: { index: number; of: number }
}

interface TablePlan {
  readonly name: string
  readonly entries: number
  readonly columns: Map<string, ColumnSource>
  readonly skipped: SkippedColumn[]
}

function attrString(o: { attrs: Record<string, H5Attr> }, name: string): string | undefined {
  try {
    const v = o.attrs[name]?.value
    return typeof v === 'string' ? v : undefined
  } catch {
    return undefined
  }
}

function planTables(f: H5File, mod: H5Module): TablePlan[] {
  const tables: TablePlan[] = []
  const visit = (g: H5Group, path: string): void => {
    if (attrString(g, 'pandas_type') === 'frame') {
      tables.push(planPandas(g, path, mod))
      return
    }
    const columns = new Map<string, ColumnSource>()
    const skipped: SkippedColumn[] = []
    let entries = -1
    for (const key of g.keys()) {
      const child = g.get(key)
      const childPath = path ? `${path}/${key}` : key
      if (child instanceof mod.Group) {
        visit(child as H5Group, childPath)
        continue
      }
      if (!(child instanceof mod.Dataset)) continue
      const ds = child as H5Dataset
      const type = columnType(ds.metadata)
      const shape = ds.shape ?? []
      if (!type) {
        skipped.push({ name: key, reason: 'not a numeric dataset' })
        continue
      }
      if (shape.length < 1 || shape.length > 2) {
        skipped.push({ name: key, reason: `shape [${shape.join(', ')}] is not (n) or (n, k)` })
        continue
      }
      if (entries < 0) entries = shape[0]
      if (shape[0] !== entries) {
        skipped.push({ name: key, reason: `has ${shape[0]} rows, the table has ${entries}` })
        continue
      }
      const width = shape.length === 2 ? shape[1] : 1
      columns.set(key, { name: key, type, dataset: ds, datasetPath: childPath, width })
    }
    if (columns.size || skipped.length) {
      tables.push({ name: path || '/', entries: Math.max(0, entries), columns, skipped })
    }
  }
  visit(f, '')
  return tables
}

function planPandas(g: H5Group, path: string, mod: H5Module): TablePlan {
  const columns = new Map<string, ColumnSource>()
  const skipped: SkippedColumn[] = []
  const axis1 = g.get('axis1')
  const entries = axis1 instanceof mod.Dataset ? ((axis1 as H5Dataset).shape?.[0] ?? 0) : 0
  const nblocks = Number(attrString(g, 'nblocks') ?? g.attrs['nblocks']?.value ?? 0)
  for (let b = 0; b < nblocks; b++) {
    const items = g.get(`block${b}_items`)
    const values = g.get(`block${b}_values`)
    if (!(items instanceof mod.Dataset) || !(values instanceof mod.Dataset)) continue
    const names = toStrings((items as H5Dataset).value)
    const ds = values as H5Dataset
    const type = columnType(ds.metadata)
    const shape = ds.shape ?? []
    for (const [i, name] of names.entries()) {
      if (!type) skipped.push({ name, reason: 'not numeric (text or object column)' })
      else if (shape.length !== 2 || shape[0] !== entries || shape[1] !== names.length) {
        skipped.push({ name, reason: `block shape [${shape.join(', ')}] does not fit the frame` })
      } else {
        columns.set(name, {
          name,
          type,
          dataset: ds,
          datasetPath: `${path}/block${b}_values`,
          width: 1,
          blockColumn: { index: i, of: names.length },
        })
      }
    }
  }
  return { name: path || '/', entries, columns, skipped }
}

function toStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x))
  if (typeof v === 'string') return [v]
  return []
}

/** Tables of an HDF5 file (groups of column datasets, pandas frames). */
export async function listHdf5Tables(path: string): Promise<TableInfo[]> {
  return withH5(path, (f, mod) =>
    planTables(f, mod).map((t) => ({
      name: t.name,
      entries: t.entries,
      columns: [...t.columns.values()].map((c) => ({
        name: c.name,
        type: c.type,
        jagged: c.width > 1,
      })),
      ...(t.skipped.length ? { skipped: t.skipped } : {}),
    })),
  )
}

/** Typed array of a dataset read, with 64-bit integers widened to float64. */
function toNumeric(v: unknown, type: ColumnType): NumericArray {
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    const out = new Float64Array(v.length)
    for (let i = 0; i < v.length; i++) out[i] = Number(v[i])
    return out
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const want = allocValues(type, 0).constructor as { new (a: ArrayLike<number>): NumericArray }
    return v instanceof want ? (v as NumericArray) : new want(v as unknown as ArrayLike<number>)
  }
  if (typeof v === 'number') return Float64Array.of(v)
  throw new Error('dataset did not read as numbers')
}

/**
 * Reads columns `names` of table `table` (rows `range`, default all). Throws InputError naming
 * the dataset and its shape when a column does not fit the table.
 */
export async function readHdf5Columns(
  path: string,
  table: string,
  names: readonly string[],
  ctx: JobContext,
  range?: EntryRange,
): Promise<Map<string, Column>> {
  return withH5(path, (f, mod) => {
    const t = planTables(f, mod).find((x) => x.name === table)
    if (!t) throw new InputError({ file: path, table }, 'no such group or frame in this file')
    const { start, stop } = clampRange(t.entries, range)
    const out = new Map<string, Column>()
    names.forEach((name, k) => {
      ctx.throwIfCancelled()
      const src = t.columns.get(name)
      if (!src) {
        const s = t.skipped.find((x) => x.name === name)
        throw new InputError(
          { file: path, table, column: name },
          s ? `dataset has the wrong shape or type: ${s.reason}` : 'no such dataset',
        )
      }
      let raw: unknown
      try {
        raw = src.dataset.slice(
          src.width > 1 || src.blockColumn ? [[start, stop], []] : [[start, stop]],
        )
      } catch (e) {
        throw new InputError(
          { file: path, table, column: name },
          `cannot read: ${libraryReason(e)}`,
          {
            cause: e,
          },
        )
      }
      let values = toNumeric(raw, src.type)
      if (src.blockColumn) {
        const { index, of } = src.blockColumn
        const col = allocValues(src.type, stop - start)
        for (let i = 0; i < col.length; i++) col[i] = values[i * of + index]
        values = col
      }
      out.set(
        name,
        src.width > 1
          ? regularJagged(src.type, values, src.width)
          : { kind: 'flat', type: src.type, values },
      )
      ctx.progress((k + 1) / names.length, `reading ${name}`)
    })
    return out
  })
}
