/**
 * What a ROOT file offers as columns: the trees (recursing into directories) and, for each
 * branch, how its basket bytes become a column (type, fixed width or jagged, per-entry layout)
 * or why it cannot (strings, leaf lists, objects, nested containers).
 */
import type { ColumnType } from '../../../shared/column'
import type { SkippedColumn } from './schema'
import { storedSize } from './root-decode'
import type { JsBranch, JsDirectory, JsFile, JsKey, JsLeaf, JsTree } from './root-file'

const TREE_CLASSES = new Set(['TTree', 'TNtuple', 'TNtupleD'])
const DIR_CLASSES = new Set(['TDirectory', 'TDirectoryFile'])

/** Highest cycle of each key name (ROOT keeps older cycles as backups). */
function latestKeys(keys: readonly JsKey[]): JsKey[] {
  const best = new Map<string, JsKey>()
  for (const k of keys) {
    const b = best.get(k.fName)
    if (!b || k.fCycle > b.fCycle) best.set(k.fName, k)
  }
  return [...best.values()]
}

/**
 * Paths of the trees in `dir` and its subdirectories ("one/two/tree"); paths of RNTuples (not
 * readable yet) are added to `rntuples` so the caller can say so instead of "no tables".
 */
export async function findTrees(
  file: JsFile,
  dir: JsDirectory,
  prefix: string,
  rntuples: string[] = [],
): Promise<string[]> {
  const out: string[] = []
  for (const key of latestKeys(dir.fKeys)) {
    const path = prefix + key.fName
    if (TREE_CLASSES.has(key.fClassName)) out.push(path)
    else if (key.fClassName.endsWith('RNTuple')) rntuples.push(path)
    else if (DIR_CLASSES.has(key.fClassName)) {
      const sub = (await file.readObject(path, key.fCycle)) as JsDirectory | null
      if (sub?.fKeys) out.push(...(await findTrees(file, sub, path + '/', rntuples)))
    }
  }
  return out
}

/** How one branch's basket bytes become a column. */
export interface BranchPlan {
  readonly name: string
  readonly branch: JsBranch
  readonly type: ColumnType
  /** Values per entry for non-jagged branches (1 = scalar, > 1 = fixed array). */
  readonly width: number
  readonly jagged: boolean
  /** Per-entry layout of jagged branches: plain values, a 1-byte marker, or an STL header. */
  readonly layout: 'plain' | 'marker' | 'stl'
  /** Name of the counter leaf of `x[n]` (needed when baskets carry no entry offsets). */
  readonly counter?: string
  /** A leaf of a leaf list (`x/D:y/I`): its bytes start at `offset` in each `entrySize` entry. */
  readonly field?: { readonly offset: number; readonly entrySize: number }
}

const LEAF_TYPES: Record<string, [ColumnType, ColumnType]> = {
  // [signed, unsigned]
  TLeafB: ['int8', 'uint8'],
  TLeafS: ['int16', 'uint16'],
  TLeafI: ['int32', 'uint32'],
  TLeafL: ['int64', 'uint64'],
  TLeafG: ['int64', 'uint64'],
  TLeafF: ['float32', 'float32'],
  TLeafD: ['float64', 'float64'],
  TLeafO: ['bool', 'bool'],
}

/** TStreamerElement basic type codes (TVirtualStreamerInfo::EReadWrite). */
const STREAMER_TYPES: Record<number, ColumnType> = {
  1: 'int8',
  2: 'int16',
  3: 'int32',
  4: 'int64',
  5: 'float32',
  6: 'int32',
  8: 'float64',
  11: 'uint8',
  12: 'uint16',
  13: 'uint32',
  14: 'uint64',
  16: 'int64',
  17: 'uint64',
  18: 'bool',
}
const K_OFFSET_L = 20 // fixed-size array member
const K_OFFSET_P = 40 // variable-size array member (pointer + [n])
const K_STL = 300
const K_STLP = 500

const CPP_TYPES: Record<string, ColumnType> = {
  float: 'float32',
  Float_t: 'float32',
  double: 'float64',
  Double_t: 'float64',
  char: 'int8',
  'signed char': 'int8',
  Char_t: 'int8',
  'unsigned char': 'uint8',
  UChar_t: 'uint8',
  short: 'int16',
  Short_t: 'int16',
  'unsigned short': 'uint16',
  UShort_t: 'uint16',
  int: 'int32',
  Int_t: 'int32',
  'unsigned int': 'uint32',
  UInt_t: 'uint32',
  long: 'int64',
  'long long': 'int64',
  Long64_t: 'int64',
  Long_t: 'int64',
  'unsigned long': 'uint64',
  'unsigned long long': 'uint64',
  ULong64_t: 'uint64',
  ULong_t: 'uint64',
  bool: 'bool',
  Bool_t: 'bool',
}

/** Element type of `vector<T>` for a numeric T, else undefined. */
function vectorElement(typeName: string | undefined): ColumnType | undefined {
  const m = /^(?:std::)?vector<\s*([\w\s:]+?)\s*>$/.exec(typeName ?? '')
  return m ? CPP_TYPES[m[1]] : undefined
}

type PlanResult = BranchPlan | { skip: string }

/**
 * A leaf list (`x/D:y/I:z/B`): entries are the leaves' values packed one after the other, so each
 * leaf is a column "branch.leaf" cut out at a fixed offset. Variable-size leaves (`[n]`, strings)
 * make the entry size vary: such branches are skipped.
 */
function planLeafList(b: JsBranch, leaves: JsLeaf[]): PlanResult[] {
  const fields: { leaf: JsLeaf; type: ColumnType; offset: number }[] = []
  let entrySize = 0
  for (const leaf of leaves) {
    const type = LEAF_TYPES[leaf._typename]?.[leaf.fIsUnsigned ? 1 : 0]
    if (!type || leaf.fLeafCount) {
      return [{ skip: `leaf list with a variable-size or non-numeric leaf '${leaf.fName}'` }]
    }
    fields.push({ leaf, type, offset: entrySize })
    entrySize += storedSize(type) * Math.max(1, leaf.fLen)
  }
  return fields.map(({ leaf, type, offset }) => {
    const width = Math.max(1, leaf.fLen)
    return {
      name: `${b.fName}.${leaf.fName}`,
      branch: b,
      type,
      width,
      jagged: width > 1,
      layout: 'plain',
      field: { offset, entrySize },
    }
  })
}

function planBranch(file: JsFile, b: JsBranch): PlanResult {
  const leaves = b.fLeaves.arr.filter((l): l is JsLeaf => !!l)
  if (leaves.length !== 1) return { skip: `branch with ${leaves.length} leaves` }
  const leaf = leaves[0]
  if (b._typename === 'TBranch') {
    const types = LEAF_TYPES[leaf._typename]
    if (!types) return { skip: `leaf type ${leaf._typename} is not numeric` }
    const type = types[leaf.fIsUnsigned ? 1 : 0]
    if (leaf.fLeafCount) {
      return {
        name: b.fName,
        branch: b,
        type,
        width: 1,
        jagged: true,
        layout: 'plain',
        counter: leaf.fLeafCount.fName,
      }
    }
    const width = Math.max(1, leaf.fLen)
    return { name: b.fName, branch: b, type, width, jagged: width > 1, layout: 'plain' }
  }
  if (b._typename === 'TBranchElement') {
    const st = b.fStreamerType ?? -1
    if (STREAMER_TYPES[st]) {
      const width = Math.max(1, leaf.fLen)
      return {
        name: b.fName,
        branch: b,
        type: STREAMER_TYPES[st],
        width,
        jagged: width > 1,
        layout: 'plain',
      }
    }
    if (STREAMER_TYPES[st - K_OFFSET_L]) {
      const width = Math.max(1, leaf.fLen)
      const type = STREAMER_TYPES[st - K_OFFSET_L]
      return { name: b.fName, branch: b, type, width, jagged: true, layout: 'plain' }
    }
    if (STREAMER_TYPES[st - K_OFFSET_P]) {
      const type = STREAMER_TYPES[st - K_OFFSET_P]
      return { name: b.fName, branch: b, type, width: 1, jagged: true, layout: 'marker' }
    }
    const typeName = st === K_STL || st === K_STLP ? memberTypeName(file, b) : b.fClassName
    const elem = vectorElement(typeName)
    if (elem) return { name: b.fName, branch: b, type: elem, width: 1, jagged: true, layout: 'stl' }
    return { skip: `type ${typeName || leaf._typename} is not a number or vector of numbers` }
  }
  return { skip: `branch class ${b._typename} is not supported` }
}

/** C++ type of a split member branch, from the parent class's streamer info. */
function memberTypeName(file: JsFile, b: JsBranch): string | undefined {
  if (b.fID === undefined || b.fID < 0 || !b.fClassName) return undefined
  const info = file.findStreamerInfo(b.fClassName)
  return info?.fElements?.arr[b.fID]?.fTypeName
}

export interface TreePlan {
  readonly tree: JsTree
  readonly plans: Map<string, BranchPlan>
  readonly skipped: SkippedColumn[]
}

/** Plans every leaf branch of a tree (first of duplicate names wins). */
export function planTree(file: JsFile, tree: JsTree): TreePlan {
  const plans = new Map<string, BranchPlan>()
  const skipped: SkippedColumn[] = []
  const visit = (b: JsBranch): void => {
    const subs = b.fBranches.arr.filter((s): s is JsBranch => !!s)
    if (subs.length) {
      subs.forEach(visit)
      return
    }
    const leaves = b.fLeaves.arr.filter((l): l is JsLeaf => !!l)
    const results =
      b._typename === 'TBranch' && leaves.length > 1
        ? planLeafList(b, leaves)
        : [planBranch(file, b)]
    for (const p of results) {
      if ('skip' in p) skipped.push({ name: b.fName, reason: p.skip })
      else if (!plans.has(p.name)) plans.set(p.name, p)
    }
  }
  tree.fBranches.arr.forEach((b) => b && visit(b))
  return { tree, plans, skipped }
}
