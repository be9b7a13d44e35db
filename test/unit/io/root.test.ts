/**
 * ROOT reader against the shared scikit-hep test files. Expected values come from reference.json
 * (uproot's documentation, re-read by an independent reader) and INVENTORY_rootls.txt (branch
 * lists by an independent reader). Doubles are compared to 1e-9 relative: the reference prints
 * 10 significant digits. Float32 branches are compared exactly: the reference values are the
 * float32 values widened to double.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { InputError } from '../../../src/main/engine/io/errors'
import { listRootTables, readRootColumns } from '../../../src/main/engine/io/root'
import { silentContext, type JobContext } from '../../../src/main/engine/jobs/context'
import {
  COFFEA,
  SKHEP,
  describeShared,
  expectedType,
  inventory,
  rootFileValues,
} from './shared-data'

const ctx = silentContext()
const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x, 0)
const ref = rootFileValues()
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-root-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

// Compression variants of Zmumu and HZZ in test/data; the others are large checks on
// ../shared/data (lzma, lz4 and uncompressed baskets are also read from uproot-sample-6.20.04).
const VARIANTS = ['', '-zstd']
const SHARED_VARIANTS = ['-zlib', '-lzma', '-lz4', '-uncompressed']

function events(c: Column | undefined, e: number): number[] {
  if (!c || c.kind !== 'jagged') throw new Error('expected a jagged column')
  return [...c.values.subarray(c.offsets[e], c.offsets[e + 1])]
}

function closeTo(actual: ArrayLike<number>, expected: readonly number[], rel = 1e-9): void {
  expect(actual.length).toBe(expected.length)
  expected.forEach((x, i) => expect(Math.abs(actual[i] - x)).toBeLessThanOrEqual(rel * Math.abs(x)))
}

/** The tree listing must match the independent inventory (zstd files are not in it). */
async function expectInventory(dir: string, file: string, inventoryFile: string): Promise<void> {
  const [inv] = inventory(dir, inventoryFile) ?? []
  const [table] = await listRootTables(dir + file)
  expect(table.name).toBe(inv.name)
  expect(table.entries).toBe(inv.entries)
  const expected = inv.branches.flatMap((b) => {
    const t = expectedType(b)
    return t ? [{ name: b.name, ...t }] : []
  })
  expect(table.columns).toEqual(expected)
  const text = inv.branches.filter((b) => !expectedType(b)).map((b) => b.name)
  expect((table.skipped ?? []).map((s) => s.name)).toEqual(text)
}

/** Values of one branch read by jsroot's TSelector (an independent, entry-by-entry decoder). */
async function jsrootRows(file: string, tree: string, branch: string): Promise<unknown[]> {
  type Selector = { addBranch(b: string, n: string): void; Process(): void; tgtobj: { v: unknown } }
  const io = (await import('jsroot/io' as string)) as {
    openFile(f: string): Promise<{ readObject(n: string): Promise<unknown> }>
  }
  const tr = (await import('jsroot/tree' as string)) as {
    TSelector: new () => Selector
    treeProcess(t: unknown, s: Selector): Promise<unknown>
  }
  const t = await (await io.openFile(file)).readObject(tree)
  const sel = new tr.TSelector()
  const rows: unknown[] = []
  sel.addBranch(branch, 'v')
  sel.Process = function (this: Selector) {
    // jsroot reuses its target objects between entries: copy.
    const v = this.tgtobj.v
    if (Array.isArray(v) || ArrayBuffer.isView(v)) rows.push(Array.from(v as ArrayLike<unknown>))
    else rows.push(typeof v === 'object' && v !== null ? { ...v } : v)
  }
  await tr.treeProcess(t, sel)
  return rows
}

/** uproot-Zmumu{variant}.root of folder `dir` against reference.json and the inventory. */
function zmumuChecks(dir: string, variant: string): void {
  const file = `uproot-Zmumu${variant}.root`
  const zm = ref['uproot-Zmumu.root:events']

  it('lists the tree as the inventory does', async () => {
    await expectInventory(dir, file, variant === '-zstd' ? 'uproot-Zmumu.root' : file)
  })

  it('reads first and last values of M and px1 as in reference.json', async () => {
    const cols = await readRootColumns(dir + file, 'events', ['M', 'px1', 'Run'], ctx)
    const m = cols.get('M')!.values
    const px1 = cols.get('px1')!.values
    expect(m.length).toBe(zm.entries)
    closeTo(m.subarray(0, 3), zm.M_first3 as number[])
    closeTo(m.subarray(-3), zm.M_last3 as number[])
    closeTo(px1.subarray(0, 3), zm.px1_first3 as number[])
    closeTo(px1.subarray(-3), zm.px1_last3 as number[])
    // Sums from skhep-testdata/VERIFIED_VALUES.md (6 decimals printed).
    expect(sum(m)).toBeCloseTo(184794.471228, 5)
    expect(sum(px1)).toBeCloseTo(-151.264879, 5)
    expect(cols.get('Run')!.type).toBe('int32')
  })
}

/** uproot-HZZ{variant}.root of folder `dir` against reference.json and the inventory. */
function hzzChecks(dir: string, variant: string): void {
  const file = `uproot-HZZ${variant}.root`
  const hzz = ref['uproot-HZZ.root:events']

  it('lists the tree as the inventory does', async () => {
    await expectInventory(dir, file, variant === '-zstd' ? 'uproot-HZZ.root' : file)
  })

  it('reads Muon_Px[NMuon] and Jet_Px[NJet] as in reference.json', async () => {
    const names = ['Muon_Px', 'Jet_Px', 'NMuon', 'NJet', 'Jet_ID']
    const cols = await readRootColumns(dir + file, 'events', names, ctx)
    const mu = cols.get('Muon_Px')
    expect(mu?.kind === 'jagged' && mu.offsets.length - 1).toBe(hzz.entries)
    expect(events(mu, 0)).toEqual(hzz.Muon_Px_event0)
    expect(events(mu, 1)).toEqual(hzz.Muon_Px_event1)
    expect(events(cols.get('Jet_Px'), 0)).toEqual(hzz.Jet_Px_event0)
    expect(events(cols.get('Jet_Px'), 1)).toEqual(hzz.Jet_Px_event1)
    // VERIFIED_VALUES.md: 3825 muons, 2773 jets; the counters agree with the offsets.
    expect(mu?.values.length).toBe(3825)
    expect(cols.get('Jet_Px')?.values.length).toBe(2773)
    expect(sum(cols.get('NMuon')!.values)).toBe(3825)
    expect(cols.get('Jet_ID')!.type).toBe('bool')
  })
}

describe.each(VARIANTS)('uproot-Zmumu%s.root (flat branches)', (v) => zmumuChecks(SKHEP, v))
describe.each(VARIANTS)('uproot-HZZ%s.root (jagged branches)', (v) => hzzChecks(SKHEP, v))
describeShared('Zmumu and HZZ in every other compression (large check)', (shared) => {
  for (const v of SHARED_VARIANTS) {
    describe(`uproot-Zmumu${v}.root`, () => zmumuChecks(shared + 'skhep-testdata/', v))
    describe(`uproot-HZZ${v}.root`, () => hzzChecks(shared + 'skhep-testdata/', v))
  }
})

describe("ROOT reader against jsroot's entry-by-entry reader, every entry", () => {
  const hzz = ['uproot-HZZ.root', 'events', 2421]
  const nano = ['../coffea-samples/nano_dy.root', 'Events', 40]
  it.each([
    [...hzz, 'Muon_Px'],
    [...hzz, 'Jet_ID'],
    [...hzz, 'NJet'],
    [...hzz, 'MET_px'],
    [...hzz, 'MCleptonPDGid'],
    [...nano, 'Jet_pt'],
    [...nano, 'Muon_charge'],
    [...nano, 'HLT_IsoMu24'],
    [...nano, 'luminosityBlock'],
  ] as [string, string, number, string][])('%s %s %s', async (name, tree, entries, branch) => {
    const file = SKHEP + name
    const col = (await readRootColumns(file, tree, [branch], ctx)).get(branch)!
    const rows = await jsrootRows(file, tree, branch)
    expect(rows.length).toBe(entries)
    const mine = rows.map((_, e) =>
      col.kind === 'flat'
        ? col.values[e]
        : [...col.values.subarray(col.offsets[e], col.offsets[e + 1])],
    )
    const theirs = rows.map((r) => (Array.isArray(r) ? r.map(Number) : Number(r)))
    expect(mine).toEqual(theirs)
  })
})

describe('ROOT reader: layouts', () => {
  it('finds trees in nested directories', async () => {
    const tables = await listRootTables(SKHEP + 'uproot-nesteddirs.root')
    expect(tables.map((t) => [t.name, t.entries])).toEqual([
      ['one/two/tree', 100],
      ['one/tree', 4],
      ['three/tree', 100],
    ])
    const c = await readRootColumns(SKHEP + 'uproot-nesteddirs.root', 'one/tree', ['one'], ctx)
    expect([...c.get('one')!.values]).toEqual([1, 2, 3, 4])
  })

  it('reads scalars, fixed arrays [10] and variable arrays [N] of every type', async () => {
    // uproot-small-flat-tree: entry i holds i, [i]*10 and [i]*(i % 10) (uproot's tests).
    const file = SKHEP + 'uproot-small-flat-tree.root'
    const [t] = await listRootTables(file)
    const cols = await readRootColumns(
      file,
      'tree',
      t.columns.map((c) => c.name),
      ctx,
    )
    for (const [name, c] of cols) {
      for (const i of [0, 7, 99]) {
        if (name === 'N') expect(c.values[i]).toBe(i % 10)
        else if (name.startsWith('Array')) expect(events(c, i)).toEqual(Array(10).fill(i))
        else if (name.startsWith('Slice')) expect(events(c, i)).toEqual(Array(i % 10).fill(i))
        else expect(c.values[i]).toBe(i)
      }
    }
    expect(cols.get('UInt64')!.type).toBe('uint64')
  })

  it('reads split objects: members, arrays, pointer arrays and std::vector', async () => {
    const file = SKHEP + 'uproot-small-evnt-tree-fullsplit.root'
    const cols = await readRootColumns(
      file,
      'tree',
      ['I32', 'P3.Py', 'ArrayF64[10]', 'SliceI16', 'StlVecF32'],
      ctx,
    )
    expect(cols.get('I32')!.values[42]).toBe(42)
    expect(cols.get('P3.Py')!.values[42]).toBe(42)
    expect(events(cols.get('ArrayF64[10]'), 5)).toEqual(Array(10).fill(5))
    expect(events(cols.get('SliceI16'), 13)).toEqual(Array(3).fill(13))
    expect(events(cols.get('StlVecF32'), 13)).toEqual(Array(3).fill(13))
  })

  it('reads vector<int> branches and skips strings and nested containers with a reason', async () => {
    const [t] = await listRootTables(SKHEP + 'uproot-stl_containers.root')
    expect(t.columns).toEqual([{ name: 'vector_int32', type: 'int32', jagged: true }])
    expect(t.skipped?.length).toBe(25)
    const c = await readRootColumns(
      SKHEP + 'uproot-stl_containers.root',
      'tree',
      ['vector_int32'],
      ctx,
    )
    expect(events(c.get('vector_int32'), 2)).toEqual([1, 2, 3])
    await expect(
      readRootColumns(SKHEP + 'uproot-stl_containers.root', 'tree', ['map_string_int16'], ctx),
    ).rejects.toThrow(/branch 'map_string_int16': cannot be read/)
  })

  it('reads every leaf type of uproot-sample-6.20.04 in all its compressions alike', async () => {
    const read = async (c: string) => {
      const file = SKHEP + `uproot-sample-6.20.04-${c}.root`
      const [t] = await listRootTables(file)
      return readRootColumns(
        file,
        'sample',
        t.columns.map((x) => x.name),
        ctx,
      )
    }
    const base = await read('uncompressed')
    expect(base.size).toBe(34)
    expect([...base.get('i8')!.values.subarray(0, 3)]).toEqual([-15, -14, -13])
    expect(events(base.get('Af8'), 2)).toEqual([-15, -13.9])
    for (const c of ['zlib', 'lzma', 'lz4']) expect(await read(c)).toEqual(base)
  })

  it("reads each leaf of a leaf list as jsroot's own entry-by-entry reader does", async () => {
    const file = SKHEP + 'uproot-leaflist.root'
    const [t] = await listRootTables(file)
    expect(t.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'leaflist.x:float64',
      'leaflist.y:int32',
      'leaflist.z:int8',
    ])
    const cols = await readRootColumns(
      file,
      'tree',
      t.columns.map((c) => c.name),
      ctx,
    )
    const rows = await jsrootRows(file, 'tree', 'leaflist')
    expect(rows.length).toBe(5)
    for (const f of ['x', 'y', 'z']) {
      expect([...cols.get(`leaflist.${f}`)!.values]).toEqual(
        rows.map((r) => (r as Record<string, number>)[f]),
      )
    }
  })

  it('uses the counter branch when baskets carry no entry offsets', async () => {
    const names = ['Jet_pt', 'Muon_charge', 'event']
    const a = await readRootColumns(SKHEP + 'uproot-small-dy-nooffsets.root', 'tree', names, ctx)
    const b = await readRootColumns(SKHEP + 'uproot-small-dy-withoffsets.root', 'tree', names, ctx)
    expect(a).toEqual(b)
    expect(a.get('Jet_pt')!.values.length).toBe(2165)
  })

  it('reads a tree with 0 entries', async () => {
    const [t] = await listRootTables(SKHEP + 'uproot-empty.root')
    expect(t.entries).toBe(0)
    const c = await readRootColumns(SKHEP + 'uproot-empty.root', t.name, ['x', 'y'], ctx)
    expect(c.get('x')!.values.length).toBe(0)
    expect(c.get('y')!.kind).toBe('flat')
  })

  it('reads entry ranges across baskets', async () => {
    const file = SKHEP + 'uproot-HZZ.root'
    const all = await readRootColumns(file, 'events', ['Jet_E', 'MET_px'], ctx)
    const part = await readRootColumns(file, 'events', ['Jet_E', 'MET_px'], ctx, {
      start: 1000,
      stop: 1010,
    })
    expect([...part.get('MET_px')!.values]).toEqual([
      ...all.get('MET_px')!.values.subarray(1000, 1010),
    ])
    for (let e = 0; e < 10; e++)
      expect(events(part.get('Jet_E'), e)).toEqual(events(all.get('Jet_E'), 1000 + e))
  })
})

describe('ROOT reader: NanoAOD', () => {
  it('lists the ~950 branches of the CMS open-data NanoAOD file as the inventory does', async () => {
    const file = 'nanoAOD_2015_CMS_Open_Data_ttbar.root'
    const [inv] = inventory(SKHEP, file) ?? []
    const [t] = await listRootTables(SKHEP + file)
    expect(t.entries).toBe(200)
    expect(t.columns.map((c) => c.name)).toEqual(inv.branches.map((b) => b.name))
  })

  it('decodes only the requested branches', async () => {
    // Progress is reported per basket read and names its branch: only the two asked for appear
    // among the 1499 branches (the damaged-basket test below shows the same from the other side).
    const progress: string[] = []
    const spy: JobContext = { ...ctx, progress: (_f, m) => progress.push(m ?? '') }
    const cols = await readRootColumns(
      COFFEA + 'nano_dy.root',
      'Events',
      ['Muon_pt', 'genWeight'],
      spy,
    )
    expect(cols.get('Muon_pt')!.kind).toBe('jagged')
    expect(new Set(progress)).toEqual(new Set(['reading Muon_pt', 'reading genWeight']))
  })
})

describe('ROOT reader: bad input', () => {
  const zmumu = SKHEP + 'uproot-Zmumu.root'

  it('names the file when it is truncated', async () => {
    const half = join(tmp, 'half.root')
    const bytes = readFileSync(zmumu)
    writeFileSync(half, bytes.subarray(0, bytes.length >> 1))
    const err = await listRootTables(half).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).file).toBe(half)
    expect((err as Error).message).toMatch(/truncated/)
  })

  it('names the branch when one of its baskets is damaged, and other branches still read', async () => {
    const bad = join(tmp, 'damaged.root')
    copyFileSync(SKHEP + 'uproot-Zmumu.root', bad)
    const bytes = readFileSync(bad)
    // The TKey of M's basket: class "TBasket", name "M", title "events" (length-prefixed).
    const key = bytes.indexOf(Buffer.from('\x07TBasket\x01M\x06events', 'latin1'))
    expect(key).toBeGreaterThan(0)
    bytes.fill(0xab, key + 60, key + 400)
    writeFileSync(bad, bytes)
    await expect(readRootColumns(bad, 'events', ['M'], ctx)).rejects.toThrow(
      /branch 'M': basket 0 cannot be decompressed/,
    )
    const ok = await readRootColumns(bad, 'events', ['px1'], ctx)
    expect(ok.get('px1')!.values.length).toBe(2304)
  })

  it('rejects a file that is not ROOT, and an empty one', async () => {
    const text = join(tmp, 'text.root')
    writeFileSync(text, 'this is not a ROOT file\n')
    await expect(listRootTables(text)).rejects.toThrow(/text.root: not a ROOT file/)
    const empty = join(tmp, 'empty.root')
    writeFileSync(empty, '')
    await expect(listRootTables(empty)).rejects.toThrow(/empty file/)
  })

  it('names an unknown tree and an unknown branch', async () => {
    await expect(readRootColumns(zmumu, 'nope', ['M'], ctx)).rejects.toThrow(/no tree 'nope'/)
    const err = await readRootColumns(zmumu, 'events', ['Muon_Px'], ctx).catch((e: unknown) => e)
    expect(err).toMatchObject({ file: zmumu, table: 'events', branch: 'Muon_Px' })
  })

  it('says RNTuples are not readable yet, and lists no table in a histograms-only file', async () => {
    const rntuple = SKHEP + 'Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root'
    await expect(listRootTables(rntuple)).rejects.toThrow(/RNTuple 'Events': only TTrees/)
    expect(await listRootTables(SKHEP + 'uproot-histograms.root')).toEqual([])
  })

  it('stops when cancelled', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(readRootColumns(zmumu, 'events', ['M'], silentContext(ac.signal))).rejects.toThrow(
      'cancelled',
    )
  })
})
