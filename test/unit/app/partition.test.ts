/**
 * Partitions (issue 18): a sample cut into many small partitions — empty ones, ones that split
 * a ROOT basket, a two-file chain — gives the cut-flow and the histogram of one partition per
 * file: counts exactly, sums within 1e-12 relative; so do statistics (moments merged by Chan's
 * formula), which also match a plain two-pass computation over the whole column. Real files: ROOT jagged (with and without
 * basket entry offsets), ROOT with weights, CSV with a missing-value marker, Parquet with a
 * cross-section normalised by its own Σ weights, HDF5.
 */
import { describe, expect, it } from 'vitest'
import { parseSpec, type AnalysisSpec } from '../../../src/shared/spec'
import type { EntryRange } from '../../../src/main/engine/io/schema'
import { entryBounds, readColumns } from '../../../src/main/engine/io/source'
import type { Column } from '../../../src/shared/column'
import { columnStats } from '../../../src/main/engine/data/stats'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runStatistics } from '../../../src/main/engine/app/statistics'
import { splitRange, type PartitionOptions } from '../../../src/main/engine/app/partition'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { DATA, SKHEP, COFFEA } from '../io/shared-data'
import { KAGGLE_BACKGROUND_SPEC } from '../ml/kaggle-higgs'
import { expectSameUpToRounding } from './compare'

const DY = [SKHEP + 'uproot-small-dy-withoffsets.root', SKHEP + 'uproot-small-dy-nooffsets.root']

/** Ranges of 37 entries (never on a basket start: baskets hold 200 here), with empty ones. */
function small(entries: number): EntryRange[] {
  const out: EntryRange[] = [{ start: 0, stop: 0 }]
  for (let s = 0; s < entries; s += 37) {
    out.push({ start: s, stop: Math.min(entries, s + 37) })
    if (s % 111 === 0) out.push({ start: out[out.length - 1].stop, stop: out[out.length - 1].stop })
  }
  out.push({ start: entries, stop: entries })
  return out
}

const ONE: PartitionOptions = { maxEntries: Number.MAX_SAFE_INTEGER }
const MANY: PartitionOptions = { split: (n) => small(n) }

interface Case {
  name: string
  spec: unknown
  hist: { expr: string; bins: number; lo: number; hi: number; region?: string }
}

const CASES: Case[] = [
  {
    name: 'ROOT jagged, two-file chain (with and without entry offsets)',
    spec: {
      samples: [{ name: 'dy', files: DY, tree: 'tree', role: 'background' }],
      variables: [{ name: 'ptlead', expr: 'Max(Muon_pt)' }],
      regions: [
        { name: 'mu', cuts: [{ expr: 'nMuon >= 1' }, { expr: 'Count(Muon_pt > 5) >= 1' }] },
        { name: 'jet', parent: 'mu', cuts: [{ expr: 'Sum(Jet_pt[Jet_pt > 20]) > 30' }] },
      ],
    },
    hist: { expr: 'Muon_pt', bins: 20, lo: 0, hi: 60, region: 'mu' },
  },
  {
    name: 'ROOT jagged with event weights (HZZ)',
    spec: {
      samples: [
        {
          name: 'hzz',
          files: [SKHEP + 'uproot-HZZ.root'],
          tree: 'events',
          weight: 'EventWeight',
          scale: 0.7,
          role: 'signal',
        },
      ],
      regions: [{ name: 'SR', cuts: [{ expr: 'NMuon >= 2' }, { expr: 'Sum(Muon_Charge) == 0' }] }],
    },
    hist: { expr: 'Muon_Px', bins: 25, lo: -100, hi: 100, region: 'SR' },
  },
  {
    name: 'CSV with a missing-value marker and weights',
    spec: KAGGLE_BACKGROUND_SPEC,
    hist: { expr: 'DER_mass_jet_jet', bins: 30, lo: 0, hi: 1500 },
  },
  {
    name: 'Parquet, cross-section normalised by its own Σ weights',
    spec: {
      samples: [
        {
          name: 'dy',
          files: [COFFEA + 'nano_dy.parquet'],
          weight: 'genWeight',
          xsec: 6000,
          lumi: 10,
          role: 'background',
        },
      ],
      regions: [{ name: 'mm', cuts: [{ expr: 'nMuon >= 2' }] }],
    },
    hist: { expr: 'Muon_pt', bins: 10, lo: 0, hi: 100, region: 'mm' },
  },
  {
    name: 'HDF5 hyperslabs',
    spec: {
      samples: [
        {
          name: 'tt',
          files: [DATA + 'cmsopen_llayer/TTJets_pdfweights.h5'],
          tree: 'frame',
          weight: 'pdf',
          role: 'background',
        },
      ],
      regions: [{ name: 'up', cuts: [{ expr: 'pdf_up > pdf' }] }],
    },
    hist: { expr: 'pdf_down', bins: 10, lo: 0.5, hi: 1.5 },
  },
]

function spec(json: unknown): AnalysisSpec {
  const r = parseSpec(json)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

describe('one partition and many give the same answer', () => {
  for (const c of CASES) {
    it(
      c.name,
      async () => {
        const s = spec(c.spec)
        const many = specSource(s, MANY)
        const parts = await (await many.open(0, silentContext())).partitions()
        // Really many: empty ones included, and (for ROOT) ranges across basket starts.
        expect(parts.length).toBeGreaterThan(4)
        expect(parts.some((p) => p.range.stop === p.range.start)).toBe(true)
        expect(parts.map((p) => p.index)).toEqual(parts.map((_, i) => i))
        const flowOne = await runCutflow(specSource(s, ONE))
        const flowMany = await runCutflow(many)
        expect(flowOne.samples.length).toBe(1)
        expectSameUpToRounding(flowOne.result, flowMany.result)
        const { expr, bins, lo, hi, region } = c.hist
        const req = { expr, binning: { bins, lo, hi }, region }
        const histOne = await runHistogram(specSource(s, ONE), req)
        const histMany = await runHistogram(specSource(s, MANY), req)
        expectSameUpToRounding(histOne, histMany)
        // Moments merged by Chan's formula: the same as over one partition.
        const stats = { expr, region }
        const statsOne = await runStatistics(specSource(s, ONE), stats)
        expectSameUpToRounding(statsOne, await runStatistics(specSource(s, MANY), stats))
        expect(Object.values(statsOne.samples)[0].count).toBeGreaterThan(0)
        // Something was counted: the comparison is not between two empty results.
        const h = Object.values(histOne.samples)[0]
        expect(h.entries).toBeGreaterThan(0)
        const rows = Object.values(Object.values(flowOne.result.regions)[0])[0]
        expect(rows.at(-1)?.raw).toBeGreaterThan(0)
      },
      60_000,
    )
  }

  it('cuts on basket starts when it may (ROOT), anywhere when it must', async () => {
    expect(await entryBounds(DY[0], 'tree')).toEqual([0, 200, 400])
    expect(splitRange(501, [0, 200, 400], 250)).toEqual([
      { start: 0, stop: 200 },
      { start: 200, stop: 400 },
      { start: 400, stop: 501 },
    ])
    // No basket start within reach: a basket is split.
    expect(splitRange(501, [0, 200, 400], 150)).toEqual([
      { start: 0, stop: 150 },
      { start: 150, stop: 200 },
      { start: 200, stop: 350 },
      { start: 350, stop: 400 },
      { start: 400, stop: 501 },
    ])
    expect(splitRange(0, [], 10)).toEqual([{ start: 0, stop: 0 }])
    const s = spec(CASES[0].spec)
    const source = specSource(s, { maxEntries: 250 })
    const parts = await (await source.open(0, silentContext())).partitions()
    expect(parts.map((p) => [p.fileIndex, p.offset, p.range.start, p.range.stop])).toEqual([
      [0, 0, 0, 200],
      [0, 0, 200, 400],
      [0, 0, 400, 501],
      [1, 501, 0, 200],
      [1, 501, 200, 400],
      [1, 501, 400, 501],
    ])
    expectSameUpToRounding(
      (await runCutflow(specSource(s, ONE))).result,
      (await runCutflow(source)).result,
    )
  }, 60_000)

  it('statistics match a two-pass computation over the whole column', async () => {
    const s = spec(CASES[1].spec) // HZZ: jagged, weighted, scaled
    const st = await runStatistics(specSource(s, MANY), { expr: 'Muon_Px' })
    const cols = await readColumns(SKHEP + 'uproot-HZZ.root', 'events', ['Muon_Px', 'EventWeight'])
    const w = Float64Array.from(cols.get('EventWeight')?.values ?? [], (x) => 0.7 * x)
    const ref = columnStats(cols.get('Muon_Px') as Column, w)
    const got = st.samples.hzz
    expect(got.count).toBe(ref.count)
    expect(got.min).toBe(ref.min)
    expect(got.max).toBe(ref.max)
    const close = (a: number, b: number) =>
      expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.abs(b))
    close(got.mean, ref.mean)
    close(got.std, ref.std)
    close(got.sumw, ref.weighted?.sumw ?? NaN)
    close(got.weightedMean, ref.weighted?.mean ?? NaN)
    close(got.weightedStd, ref.weighted?.std ?? NaN)
  }, 60_000)
})
