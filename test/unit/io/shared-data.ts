/**
 * Where the tests' real data live, in one place.
 * - DATA (SKHEP, COFFEA): test/data/, the files the tests read, kept in the repository (each
 *   source folder's SOURCE.md: origin, licence, what was cut). Every clone has them.
 * - SHARED: the full collection ../shared/data beside the checkout, or undefined where it is
 *   absent; only large checks and benchmarks read it, through describeShared / itShared, which
 *   skip with a one-line notice when it is missing.
 * Also reference.json and the INVENTORY_rootls.txt listings written by an independent reader.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'
import type { ColumnType } from '../../../src/shared/column'

export const DATA = fileURLToPath(new URL('../../data/', import.meta.url))
export const SKHEP = DATA + 'skhep-testdata/'
export const COFFEA = DATA + 'coffea-samples/'

const sharedDir = fileURLToPath(new URL('../../../../shared/data/', import.meta.url))
/** ../shared/data (with a trailing slash), or undefined where this checkout has none beside it. */
export const SHARED: string | undefined = existsSync(sharedDir + 'README.md')
  ? sharedDir
  : undefined

function notice(what: string): void {
  if (!SHARED) console.warn(`skipped (no ../shared/data beside the checkout): ${what}`)
}

/** describe() for a large check on ../shared/data: skipped, with a one-line notice, without it. */
export function describeShared(name: string, body: (shared: string) => void): void {
  notice(name)
  describe.skipIf(!SHARED)(name, () => body(SHARED ?? sharedDir))
}

/** it() for a large check on ../shared/data: skipped, with a one-line notice, without it. */
export function itShared(name: string, body: (shared: string) => unknown, timeout?: number): void {
  notice(name)
  it.skipIf(!SHARED)(name, () => body(SHARED ?? sharedDir) as Promise<void>, timeout)
}

export interface RootFileValues {
  entries: number
  [key: string]: unknown
}

/** reference.json → root_file_values (uproot docs values, re-read independently). */
export function rootFileValues(): Record<string, RootFileValues> {
  const ref = JSON.parse(readFileSync(DATA + 'reference.json', 'utf8')) as {
    root_file_values: Record<string, RootFileValues>
  }
  return ref.root_file_values
}

export interface InventoryBranch {
  name: string
  leaf: string
  title: string
}
export interface InventoryTree {
  name: string
  entries: number
  branches: InventoryBranch[]
}

/** Trees of one file as listed in an INVENTORY_rootls.txt (undefined: file not listed). */
export function inventory(folder: string, file: string): InventoryTree[] | undefined {
  const lines = readFileSync(folder + 'INVENTORY_rootls.txt', 'utf8').split('\n')
  const start = lines.findIndex((l) => l.startsWith(`${file}: `))
  if (start < 0) return undefined
  const trees: InventoryTree[] = []
  for (let i = start + 1; i < lines.length && lines[i].startsWith(' '); i++) {
    const tree = /^ {2}(\S+);\d+\s+TTree\s.*entries=(\d+)/.exec(lines[i])
    if (tree) {
      trees.push({ name: tree[1], entries: Number(tree[2]), branches: [] })
      continue
    }
    const br = /^ {6}TBranch\s+(TLeaf\w+)\s+(\S+)\s+title=(.*)$/.exec(lines[i])
    if (br && trees.length) {
      trees[trees.length - 1].branches.push({ leaf: br[1], name: br[2], title: br[3].trim() })
    }
  }
  return trees
}

/** Column type and jaggedness a TLeaf should read as; undefined for text leaves (TLeafC). */
export function expectedType(
  b: InventoryBranch,
): { type: ColumnType; jagged: boolean } | undefined {
  const unsigned = /\/[bsilg]$/.test(b.title)
  const jagged = b.title.includes('[')
  const t: Record<string, ColumnType> = {
    TLeafD: 'float64',
    TLeafF: 'float32',
    TLeafO: 'bool',
    TLeafB: unsigned ? 'uint8' : 'int8',
    TLeafS: unsigned ? 'uint16' : 'int16',
    TLeafI: unsigned ? 'uint32' : 'int32',
    TLeafL: unsigned ? 'uint64' : 'int64',
  }
  return t[b.leaf] ? { type: t[b.leaf], jagged } : undefined
}
