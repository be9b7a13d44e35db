/**
 * ROOT TTrees → columns: the public entry points of the ROOT reader. jsroot does the file-level
 * work (keys, directories, streamer infos, TTree metadata; LZMA and LZ4 decompression); we read
 * and decode the baskets of the requested branches ourselves into typed arrays, because
 * jsroot's `treeProcess` builds one JS object per entry, far slower for columnar reads. Only
 * the baskets of requested branches are read and inflated, so a NanoAOD file with 1000 branches
 * costs what its few used branches cost.
 *
 *   root-file.ts    opening (our file handle under jsroot), jsroot object types
 *   root-plan.ts    trees of a file, how each branch decodes or why it cannot
 *   root-basket.ts  where a branch's baskets are, reading, inflating and decoding them
 *   root-decode.ts  bytes: basket headers, zlib/zstd blocks, big-endian numbers
 *
 * Supported branches: TBranch with one leaf of a numeric type (scalar, fixed array `x[4]`,
 * variable array `x[n]`) or a leaf list of fixed-size numeric leaves (`x/D:y/I`, one column
 * "branch.leaf" each), and TBranchElement members of the same kinds plus `std::vector` of a
 * numeric type. Strings, nested containers and objects are listed as skipped with the reason.
 */
import type { Column, NumericArray } from '../../../shared/column'
import { concatColumns, emptyColumn, sliceColumn } from './column-ops'
import { clampRange, type EntryRange, type TableInfo } from './schema'
import type { JobContext } from '../jobs/context'
import { InputError, errorMessage, libraryReason } from './errors'
import { basketRefs, decodeBasket, type BasketRef } from './root-basket'
import { withRoot, type JsFile, type JsTree, type OpenRoot } from './root-file'
import { findTrees, planTree, type BranchPlan } from './root-plan'

/** The TTree object at `name`, or an InputError naming a missing or non-tree object. */
async function readTree(path: string, file: JsFile, name: string): Promise<JsTree> {
  let obj: unknown
  try {
    obj = await file.readObject(name)
  } catch (e) {
    const msg = errorMessage(e)
    if (/not found/i.test(msg)) {
      throw new InputError({ file: path, table: name }, `no tree '${name}' in this file`)
    }
    throw new InputError({ file: path, table: name }, `cannot read tree: ${libraryReason(e)}`, {
      cause: e,
    })
  }
  const tree = obj as Partial<JsTree> | null
  if (!tree || !tree.fBranches || typeof tree.fEntries !== 'number') {
    throw new InputError({ file: path, table: name }, `'${name}' is not a TTree`)
  }
  return tree as JsTree
}

/** Trees of a ROOT file (recursing into directories), with entries and readable branches. */
export async function listRootTables(path: string): Promise<TableInfo[]> {
  return withRoot(path, async ({ file }) => {
    const rntuples: string[] = []
    const names = await findTrees(file, file, '', rntuples).catch((e: unknown) => {
      if (e instanceof InputError) throw e
      throw new InputError({ file: path }, `cannot list directories: ${libraryReason(e)}`, {
        cause: e,
      })
    })
    if (!names.length && rntuples.length) {
      const list = rntuples.map((n) => `'${n}'`).join(', ')
      throw new InputError({ file: path }, `RNTuple ${list}: only TTrees can be read so far`)
    }
    const tables: TableInfo[] = []
    for (const name of names) {
      const { tree, plans, skipped } = planTree(file, await readTree(path, file, name))
      tables.push({
        name,
        entries: tree.fEntries,
        columns: [...plans.values()].map((p) => ({ name: p.name, type: p.type, jagged: p.jagged })),
        ...(skipped.length ? { skipped } : {}),
      })
    }
    return tables
  })
}

/** What reading one tree needs besides the branch: the open file and the tree's layout. */
interface TreeReader {
  readonly r: OpenRoot
  readonly path: string
  readonly table: string
  readonly entries: number
  readonly plans: Map<string, BranchPlan>
  /** Counter branches read so far (for `x[n]` baskets without entry offsets). */
  readonly counters: Map<string, NumericArray>
  readonly ctx: JobContext
}

/**
 * Reads the named branches of tree `table` (entries `range`, default all) as columns. Reports
 * progress by bytes read; checks for cancel between baskets. Throws InputError naming the file,
 * tree and branch on any problem.
 */
export async function readRootColumns(
  path: string,
  table: string,
  names: readonly string[],
  ctx: JobContext,
  range?: EntryRange,
): Promise<Map<string, Column>> {
  return withRoot(path, async (r) => {
    const { tree, plans, skipped } = planTree(r.file, await readTree(path, r.file, table))
    const t: TreeReader = {
      r,
      path,
      table,
      entries: tree.fEntries,
      plans,
      counters: new Map(),
      ctx,
    }
    const wanted: BranchPlan[] = names.map((n) => {
      const p = plans.get(n)
      if (p) return p
      const s = skipped.find((x) => x.name === n)
      throw new InputError(
        { file: path, table, branch: n },
        s ? `cannot be read: ${s.reason}` : `no such branch in tree '${table}'`,
      )
    })
    const refs = new Map(wanted.map((p) => [p.name, basketRefs(r, path, table, p, t.entries)]))
    let total = 0
    for (const list of refs.values()) for (const b of list) total += b.bytesOnDisk || 1
    let done = 0
    const out = new Map<string, Column>()
    for (const p of wanted) {
      const col = await readBranch(
        t,
        p,
        refs.get(p.name) ?? [],
        clampRange(t.entries, range),
        (b) => {
          done += b
          ctx.progress(done / total, `reading ${p.name}`)
        },
      )
      out.set(p.name, col)
    }
    return out
  })
}

/** One branch over `range`: its overlapping baskets decoded, trimmed and concatenated. */
async function readBranch(
  t: TreeReader,
  p: BranchPlan,
  refs: readonly BasketRef[],
  range: EntryRange,
  onBasket: (bytes: number) => void,
): Promise<Column> {
  const where = { file: t.path, table: t.table, branch: p.name }
  const parts: Column[] = []
  for (const ref of refs) {
    if (ref.stop <= range.start || ref.first >= range.stop) continue
    t.ctx.throwIfCancelled()
    const bk = await ref.load()
    if (bk.entries !== ref.stop - ref.first) {
      throw new InputError(
        where,
        `basket holds ${bk.entries} entries, expected ${ref.stop - ref.first}`,
      )
    }
    const counts =
      p.counter && !bk.offsets
        ? (await counterValues(t, p.counter)).subarray(ref.first, ref.stop)
        : undefined
    let col: Column
    try {
      col = decodeBasket(p, bk, counts)
    } catch (e) {
      const reason = `cannot decode basket at entry ${ref.first}: ${libraryReason(e)}`
      throw new InputError(where, reason, { cause: e })
    }
    const lo = Math.max(range.start, ref.first) - ref.first
    const hi = Math.min(range.stop, ref.stop) - ref.first
    parts.push(lo === 0 && hi === bk.entries ? col : sliceColumn(col, lo, hi))
    onBasket(ref.bytesOnDisk || 1)
  }
  return parts.length ? concatColumns(parts) : emptyColumn(p.type, p.jagged)
}

/** Values of the counter leaf `n` of `x[n]` over the whole tree (read once per call). */
async function counterValues(t: TreeReader, counter: string): Promise<NumericArray> {
  const known = t.counters.get(counter)
  if (known) return known
  const p = t.plans.get(counter)
  if (!p || p.jagged) {
    throw new InputError(
      { file: t.path, table: t.table, branch: counter },
      'counter branch is missing',
    )
  }
  const refs = basketRefs(t.r, t.path, t.table, p, t.entries)
  const col = await readBranch(t, p, refs, { start: 0, stop: t.entries }, () => undefined)
  t.counters.set(counter, col.values)
  return col.values
}

/**
 * Entry numbers where baskets start in tree `table` (ascending, from 0), for cutting the tree
 * into partitions that read whole baskets: the starts shared by every readable branch, so a
 * partition from one to the next decodes no basket twice. Always holds 0.
 */
export async function readRootBounds(path: string, table: string): Promise<number[]> {
  return withRoot(path, async (r) => {
    const { tree, plans } = planTree(r.file, await readTree(path, r.file, table))
    let common: Set<number> | undefined
    for (const p of plans.values()) {
      const starts = new Set(basketRefs(r, path, table, p, tree.fEntries).map((b) => b.first))
      common = common ? new Set([...common].filter((s) => starts.has(s))) : starts
    }
    return [...new Set([0, ...(common ?? [])])].sort((a, b) => a - b)
  })
}
