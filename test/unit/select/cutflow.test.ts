/**
 * Weighted cut-flows and region histograms, checked against plain loops written here
 * independently of the compiler: in-memory events (batches, survivors gathered, NaN weights),
 * and the shared ROOT files uproot-Zmumu.root (flat) and uproot-HZZ.root (jagged, EventWeight).
 * Sums of weights are compared with a relative tolerance of 1e-12: the engine adds per batch
 * and per stage, the reference event by event, so only rounding differs.
 */
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AnalysisSpecInput } from '../../../src/shared/spec'
import { parseSpec } from '../../../src/shared/spec'
import { cutflowTable } from '../../../src/shared/format/cutflow'
import type { Column, NumericArray } from '../../../src/shared/column'
import { readColumns } from '../../../src/main/engine/io/source'
import { CancelledError, silentContext } from '../../../src/main/engine/jobs/context'
import { sampleCutflow, type PreparedSample } from '../../../src/main/engine/select/cutflow'
import { assembleCutflow } from '../../../src/main/engine/select/cutflow-result'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { resolveRegions } from '../../../src/main/engine/select/regions'
import { cutflowOfSpec, histogramOfSpec } from '../../../src/main/engine/app/run-spec'
import { asimovZ, asimovZWithUncertainty } from '../../../src/main/engine/select/significance'
import { SpecError } from '../../../src/main/engine/select/spec-error'
import { checkIn, openSpecSample, prepareSample } from '../../../src/main/engine/select/spec-sample'
import { addToTally, advanceStage, createTally } from '../../../src/main/engine/select/stages'
import { positionsAt } from '../../../src/main/engine/select/gather'
import { flat, jagged } from './fixtures'
import { SKHEP } from '../io/shared-data'

const ZMUMU = resolve(SKHEP, 'uproot-Zmumu.root')
const HZZ = resolve(SKHEP, 'uproot-HZZ.root')

/** Relative closeness for float64 sums added in a different order. */
function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)))
}

function spec(input: AnalysisSpecInput) {
  const r = parseSpec(input)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

async function rejection(p: Promise<unknown>): Promise<SpecError> {
  try {
    await p
  } catch (e) {
    if (e instanceof SpecError) return e
    throw e
  }
  throw new Error('expected a SpecError')
}

/** Reference yields: for each k, events passing cuts 0..k-1 (k = 0: all), event by event. */
function reference(
  n: number,
  cuts: readonly ((i: number) => boolean)[],
  weight: (i: number) => number,
): { raw: number[]; sumw: number[]; sumw2: number[] } {
  const raw = new Array<number>(cuts.length + 1).fill(0)
  const sumw = [...raw]
  const sumw2 = [...raw]
  for (let i = 0; i < n; i++) {
    const w = weight(i)
    for (let k = 0; k <= cuts.length; k++) {
      if (k > 0 && !cuts[k - 1](i)) break
      raw[k]++
      if (!Number.isNaN(w)) {
        sumw[k] += w
        sumw2[k] += w * w
      }
    }
  }
  return { raw, sumw, sumw2 }
}

describe('stage kernels', () => {
  it('advanceStage moves exactly the events at step k that pass (word and byte paths)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3), fc.boolean()), { minLength: 0, maxLength: 70 }),
        fc.nat(3),
        fc.integer({ min: 0, max: 200 }),
        (events, offset, k0) => {
          const k = k0 > 100 ? 129 + (k0 % 50) : k0 % 4
          // Stages ≤ k, as the caller guarantees; offset makes some views unaligned.
          const buf = new Uint8Array(events.length + offset)
          const stage = buf.subarray(offset)
          events.forEach(([s], i) => (stage[i] = Math.min(k, s === 3 ? k : s)))
          const mask = Uint8Array.from(events, ([, m]) => (m ? 1 : 0))
          const want = Array.from(stage, (s, i) => (s === k && mask[i] ? k + 1 : s))
          const moved = advanceStage(stage, k, mask)
          expect(Array.from(stage)).toEqual(want)
          expect(moved).toBe(want.filter((s) => s === k + 1).length)
        },
      ),
    )
  })

  it('positionsAt lists the events at a stage (word and byte paths)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5), { maxLength: 80 }), fc.nat(3), fc.nat(5), (xs, offset, k) => {
        const stage = new Uint8Array(xs.length + offset).subarray(offset)
        stage.set(xs)
        const want = xs.flatMap((s, i) => (s === k ? [i] : []))
        expect(Array.from(positionsAt(stage, k, want.length))).toEqual(want)
      }),
    )
  })

  it('addToTally sums weights per stage and skips NaN weights in Σw, Σw²', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(4), fc.oneof(fc.double({ min: -5, max: 5 }), fc.constant(NaN)))),
        (events) => {
          const stage = Uint8Array.from(events, ([s]) => s)
          const w = Float64Array.from(events, ([, x]) => x)
          const t = createTally(4)
          addToTally(t, stage, w)
          for (let s = 0; s <= 4; s++) {
            const at = events.filter(([x]) => x === s)
            const ws = at.map(([, x]) => x).filter((x) => !Number.isNaN(x))
            expect(t.raw[s]).toBe(at.length)
            close(
              t.sumw[s],
              ws.reduce((a, b) => a + b, 0),
            )
            close(
              t.sumw2[s],
              ws.reduce((a, b) => a + b * b, 0),
            )
          }
        },
      ),
    )
  })
})

describe('cut-flow over events in memory', () => {
  // 1000 events from a fixed-seed LCG: a flat and a jagged column, weights with a few NaN.
  const n = 1000
  let seed = 42
  const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32
  // Some x are NaN: NaN fails every cut, both `x > 20` and `x < 60`.
  const x = Array.from({ length: n }, (_, i) => (i % 50 === 3 ? NaN : 100 * rnd()))
  const jets = Array.from({ length: n }, () =>
    Array.from({ length: Math.floor(4 * rnd()) }, () => 60 * rnd()),
  )
  const w = Float64Array.from({ length: n }, (_, i) => (i % 97 === 5 ? NaN : 2 * rnd() - 0.5))
  const data = columnProvider({ x: flat(x, 'f32'), Jet_pt: jagged(jets, 'f32') })
  const fx = Float32Array.from(x)
  const fj = jets.map((l) => Array.from(Float32Array.from(l)))
  const regions = resolveRegions([
    {
      name: 'base',
      blinded: false,
      cuts: [{ expr: 'x > 20' }, { name: 'one jet', expr: 'Length(Jet_pt) >= 1' }],
    },
    {
      name: 'tight',
      parent: 'base',
      blinded: false,
      cuts: [{ expr: 'Jet_pt[0] > 30' }, { expr: 'x < 60' }, { expr: 'Sum(Jet_pt) > 50' }],
    },
    { name: 'other', blinded: false, cuts: [{ expr: 'x < 5' }, { expr: 'x > 1' }] },
  ])
  const C: Record<string, (i: number) => boolean> = {
    'x > 20': (i) => fx[i] > 20,
    'Length(Jet_pt) >= 1': (i) => fj[i].length >= 1,
    'Jet_pt[0] > 30': (i) => fj[i].length > 0 && fj[i][0] > 30,
    'x < 60': (i) => fx[i] < 60,
    'Sum(Jet_pt) > 50': (i) => fj[i].reduce((a, b) => a + b, 0) > 50,
    'x < 5': (i) => fx[i] < 5,
    'x > 1': (i) => fx[i] > 1,
  }

  for (const batch of [1, 7, 64, 100_000]) {
    for (const weighted of [true, false]) {
      it(`matches plain loops (batch ${batch}, ${weighted ? 'per-event' : 'constant'} weights)`, () => {
        const sample: PreparedSample = {
          name: 's',
          role: 'background',
          group: 'g',
          data,
          weights: weighted ? w : 0.25,
        }
        const flow = sampleCutflow(sample, regions, { batch })
        for (const r of regions) {
          const want = reference(
            n,
            r.cuts.map((c) => C[c.expr]),
            (i) => (weighted ? w[i] : 0.25),
          )
          const got = flow.regions.get(r.name)
          expect(Array.from(got?.raw ?? [])).toEqual(want.raw)
          want.sumw.forEach((s, k) => close(got?.sumw[k] ?? NaN, s))
          want.sumw2.forEach((s, k) => close(got?.sumw2[k] ?? NaN, s))
        }
      })
    }
  }

  it('assembles rows, efficiencies, groups, significance and hides blinded data', () => {
    const blinded = resolveRegions([
      { name: 'A', blinded: false, cuts: [{ expr: 'x > 20' }] },
      { name: 'B', parent: 'A', blinded: true, cuts: [{ name: 'low', expr: 'x < 60' }] },
      { name: 'C', parent: 'B', blinded: false, cuts: [{ expr: 'x > 30' }] },
    ])
    const mk = (name: string, role: PreparedSample['role'], group: string, weights: number) => {
      const s: PreparedSample = { name, role, group, data, weights }
      return { name, role, group, cutflow: sampleCutflow(s, blinded) }
    }
    const r = assembleCutflow(
      [
        mk('sig', 'signal', 'S', 0.1),
        mk('bkg1', 'background', 'B', 1),
        mk('bkg2', 'background', 'B', 2),
        mk('obs', 'data', 'obs', 1),
      ],
      blinded,
      0.2,
    )
    const passA = x.filter((v) => Math.fround(v) > 20).length
    const passB = x.filter((v) => Math.fround(v) > 20 && Math.fround(v) < 60).length
    expect(r.regions.A.obs).toHaveLength(1)
    expect(Object.keys(r.regions.B)).toEqual(['sig', 'bkg1', 'bkg2'])
    expect(Object.keys(r.regions.C)).toEqual(['sig', 'bkg1', 'bkg2'])
    expect(r.hidden).toEqual({ A: [], B: ['obs'], C: ['obs'] })
    expect(r.regions.B.bkg2.map((row) => row.cut)).toEqual(['x > 20', 'low'])
    const row = r.regions.B.bkg2[1]
    expect(row).toMatchObject({ raw: passB, weighted: 2 * passB, sumw2: 4 * passB })
    close(row.eff_prev, passB / passA)
    close(row.eff_first, passB / passA)
    close(row.eff_total, passB / n)
    expect(r.groups.B.B[1]).toMatchObject({ raw: 2 * passB, weighted: 3 * passB, sumw2: 5 * passB })
    expect(r.group_totals.B).toEqual({ raw: 2 * n, weighted: 3 * n, sumw2: 5 * n })
    const s = r.significance.B[1]
    close(s.s, 0.1 * passB)
    close(s.b, 3 * passB)
    close(s.z_asimov, asimovZ(0.1 * passB, 3 * passB))
    close(s.z_asimov_sigma_b, asimovZWithUncertainty(0.1 * passB, 3 * passB, 0.2))
  })
})

describe('cut-flow table (shared/format/cutflow.ts)', () => {
  it('has an all-events row, Σw ± √Σw² per sample, efficiencies and S/B figures', () => {
    const data = columnProvider({ x: flat([1, 2, 3, 4, 5, 6, 7, 8]) })
    const regions = resolveRegions([
      { name: 'R', blinded: true, cuts: [{ name: 'x > 2', expr: 'x > 2' }, { expr: 'x < 7' }] },
    ])
    const outcome = (name: string, role: PreparedSample['role'], weights: number) => ({
      name,
      role,
      group: name,
      cutflow: sampleCutflow({ name, role, group: name, data, weights }, regions),
    })
    const result = assembleCutflow(
      [outcome('sig', 'signal', 0.5), outcome('bkg', 'background', 4), outcome('obs', 'data', 1)],
      regions,
      0,
    )
    const table = cutflowTable(result, 'R', { raw: true, efficiency: true })
    expect(table.columns.map((c) => c.label)).toEqual([
      'Cut',
      'sig',
      'sig (raw)',
      'sig eff. (%)',
      'bkg',
      'bkg (raw)',
      'bkg eff. (%)',
      'S',
      'B',
      'S/B',
      'S/√B',
      'Z_A',
    ])
    expect(table.rows[0].slice(0, 4)).toEqual(['all events', '4.0 ± 1.4', '8', ''])
    // 4 events pass both cuts: bkg Σw = 4 × 4 = 16, √Σw² = √(4 × 16) = 8 (sig: 2 ± 1);
    // 4 of the 6 after the first cut = 66.7 %.
    expect(table.rows[2].slice(0, 7)).toEqual([
      'x < 7',
      '2.0 ± 1.0',
      '4',
      '66.7',
      '16.0 ± 8.0',
      '4',
      '66.7',
    ])
    expect(table.rows[2].slice(7, 10)).toEqual(['2', '16', '0.125'])
    expect(table.caption).toBe('Cut-flow of region R (Σw ± √Σw²; blinded: obs hidden)')
    expect(() => cutflowTable(result, 'nope')).toThrow(RangeError)
  })
})

describe('significance', () => {
  it('Z_A follows its formula, tends to s/√b for s ≪ b, and σ_b lowers it', () => {
    // Z_A = sqrt(2((s+b) ln(1+s/b) − s)) evaluated directly.
    close(asimovZ(10, 100), Math.sqrt(2 * (110 * Math.log(1.1) - 10)))
    expect(asimovZ(1e-3, 1e6)).toBeCloseTo(1e-3 / 1e3, 12)
    expect(asimovZ(0, 5)).toBe(0)
    expect(asimovZ(1, 0)).toBeNaN()
    close(asimovZWithUncertainty(10, 100, 0), asimovZ(10, 100))
    // σ_b → 0 approaches Z_A; Cowan's formula for s = 10, b = 100, σ_b = 10 by hand:
    expect(asimovZWithUncertainty(10, 100, 1e-6)).toBeCloseTo(asimovZ(10, 100), 6)
    const v = 100
    const hand = Math.sqrt(
      2 *
        (110 * Math.log((110 * (100 + v)) / (100 * 100 + 110 * v)) -
          ((100 * 100) / v) * Math.log(1 + (v * 10) / (100 * (100 + v)))),
    )
    close(asimovZWithUncertainty(10, 100, 0.1), hand)
    expect(hand).toBeLessThan(asimovZ(10, 100))
  })
})

/** Flat values of a column as numbers. */
function values(c: Column | undefined): NumericArray {
  if (!c) throw new Error('missing column')
  return c.values
}

describe('cut-flow of a spec over ROOT files', () => {
  it('Zmumu (flat): weighted and unweighted, derived variables, parent region first', async () => {
    const s = spec({
      samples: [
        { name: 'unit', files: [ZMUMU], tree: 'events' },
        { name: 'weighted', role: 'signal', files: [ZMUMU], weight: 'pt1 / 50', scale: 0.5 },
      ],
      variables: [{ name: 'ptlead', expr: 'max(pt1, pt2)' }],
      regions: [
        { name: 'presel', cuts: [{ name: 'two muons', expr: 'Q1*Q2 < 0' }] },
        {
          name: 'SR',
          parent: 'presel',
          cuts: [{ expr: 'M > 80 && M < 100' }, { expr: 'ptlead > 30' }],
        },
      ],
    })
    const result = await cutflowOfSpec(s)
    const cols = await readColumns(ZMUMU, 'events', ['Q1', 'Q2', 'M', 'pt1', 'pt2'])
    const [q1, q2, m, pt1, pt2] = ['Q1', 'Q2', 'M', 'pt1', 'pt2'].map((k) => values(cols.get(k)))
    const cuts = [
      (i: number) => q1[i] * q2[i] < 0,
      (i: number) => m[i] > 80 && m[i] < 100,
      (i: number) => Math.max(pt1[i], pt2[i]) > 30,
    ]
    expect(result.regions.SR.unit.map((r) => r.cut)).toEqual([
      'two muons',
      'M > 80 && M < 100',
      'ptlead > 30',
    ])
    for (const [name, weight] of [
      ['unit', () => 1],
      ['weighted', (i: number) => (pt1[i] / 50) * 0.5],
    ] as const) {
      const want = reference(q1.length, cuts, weight)
      expect(result.totals[name].raw).toBe(2304)
      close(result.totals[name].weighted, want.sumw[0])
      result.regions.SR[name].forEach((row, k) => {
        expect(row.raw).toBe(want.raw[k + 1])
        close(row.weighted, want.sumw[k + 1])
        close(row.sumw2, want.sumw2[k + 1])
      })
      expect(result.regions.presel[name]).toEqual([result.regions.SR[name][0]])
    }
    // Sanity against the file itself: most Z → μμ events have opposite charges.
    expect(result.regions.SR.unit[0].raw / 2304).toBeGreaterThan(0.9)
  })

  it('HZZ (jagged, EventWeight): NaN from a missing element fails the cut', async () => {
    const s = spec({
      samples: [
        {
          name: 'HZZ',
          role: 'signal',
          files: [HZZ],
          tree: 'events',
          weight: 'EventWeight',
          scale: 2,
        },
      ],
      variables: [{ name: 'Muon_pt2', expr: 'Muon_Px*Muon_Px + Muon_Py*Muon_Py' }],
      regions: [
        { name: 'mu', cuts: [{ expr: 'NMuon >= 2' }, { expr: 'Count(Muon_pt2 > 100) >= 2' }] },
        {
          name: 'jets',
          parent: 'mu',
          cuts: [{ expr: 'Jet_E[1] > 20' }, { expr: 'Sum(Jet_Px) > 0' }],
        },
      ],
    })
    const result = await cutflowOfSpec(s)
    const names = ['NMuon', 'Muon_Px', 'Muon_Py', 'Jet_E', 'Jet_Px', 'EventWeight']
    const cols = await readColumns(HZZ, 'events', names)
    const list = (name: string, i: number): number[] => {
      const c = cols.get(name)
      if (c?.kind !== 'jagged') throw new Error(`${name} should be jagged`)
      return Array.from(c.values.subarray(c.offsets[i], c.offsets[i + 1]))
    }
    const nmu = values(cols.get('NMuon'))
    const ew = values(cols.get('EventWeight'))
    const cuts = [
      (i: number) => nmu[i] >= 2,
      (i: number) => {
        const px = list('Muon_Px', i)
        const py = list('Muon_Py', i)
        return px.filter((_, j) => px[j] * px[j] + py[j] * py[j] > 100).length >= 2
      },
      (i: number) => list('Jet_E', i).length > 1 && list('Jet_E', i)[1] > 20,
      (i: number) => list('Jet_Px', i).reduce((a, b) => a + b, 0) > 0,
    ]
    const want = reference(nmu.length, cuts, (i) => ew[i] * 2)
    result.regions.jets.HZZ.forEach((row, k) => {
      expect(row.raw).toBe(want.raw[k + 1])
      close(row.weighted, want.sumw[k + 1])
      close(row.sumw2, want.sumw2[k + 1])
    })
    expect(want.raw[3]).toBeGreaterThan(0)
    expect(want.raw[3]).toBeLessThan(want.raw[2])
  })

  it('histograms a jagged expression in a region, each element with its event weight', async () => {
    const s = spec({
      samples: [
        { name: 'HZZ', files: [HZZ], weight: 'EventWeight' },
        { name: 'obs', role: 'data', files: [HZZ] },
      ],
      regions: [{ name: 'two', blinded: true, cuts: [{ expr: 'NMuon >= 2' }] }],
    })
    const binning = { bins: 10, lo: -50, hi: 50 }
    const h = await histogramOfSpec(s, { expr: 'Muon_Px', binning, region: 'two' })
    expect(h.hidden).toEqual(['obs'])
    expect(Object.keys(h.samples)).toEqual(['HZZ'])
    expect(h.edges).toEqual([-50, -40, -30, -20, -10, 0, 10, 20, 30, 40, 50])
    const cols = await readColumns(HZZ, 'events', ['NMuon', 'Muon_Px', 'EventWeight'])
    const px = cols.get('Muon_Px')
    if (px?.kind !== 'jagged') throw new Error('Muon_Px should be jagged')
    const nmu = values(cols.get('NMuon'))
    const ew = values(cols.get('EventWeight'))
    const counts = new Array<number>(12).fill(0)
    const sumw2 = new Array<number>(12).fill(0)
    for (let i = 0; i < nmu.length; i++) {
      if (!(nmu[i] >= 2)) continue
      for (let j = px.offsets[i]; j < px.offsets[i + 1]; j++) {
        const v = px.values[j]
        const b = v < -50 ? 0 : v >= 50 ? 11 : 1 + Math.floor((v + 50) / 10)
        counts[b] += ew[i]
        sumw2[b] += ew[i] * ew[i]
      }
    }
    const got = h.samples.HZZ
    ;[got.underflow, ...got.counts, got.overflow].forEach((c, b) => close(c, counts[b]))
    got.sumw2.forEach((c, b) => close(c, sumw2[b + 1]))
    const all = await histogramOfSpec(s, { expr: 'NMuon', binning: { bins: 5, lo: 0, hi: 5 } })
    expect(all.hidden).toEqual([])
    expect(all.samples.obs.counts.reduce((a, b) => a + b, 0) + all.samples.obs.overflow).toBe(2421)
  })

  it('decodes only the columns the expressions read', async () => {
    const s = spec({
      samples: [{ name: 'Z', files: [ZMUMU], weight: 'wt' }],
      variables: [
        { name: 'wt', expr: 'pt1 / 100' },
        { name: 'unused', expr: 'E1 + E2' },
      ],
      regions: [{ name: 'R', cuts: [{ expr: 'M > 60' }] }],
    })
    const opened = await openSpecSample(s.samples[0], 0, s.variables)
    const cut = checkIn(opened, 'M > 60', ['regions', 0, 'cuts', 0, 'expr'], 'a cut')
    const prepared = await prepareSample(opened, [cut])
    const loaded = opened.table.columns.map((c) => c.name).filter((c) => opened.table.isLoaded(c))
    expect(loaded.sort()).toEqual(['M', 'pt1'])
    expect(prepared.data.entries).toBe(2304)
  })

  it('normalises to a cross-section: Σw over all events = σ × L', async () => {
    const s = spec({
      samples: [{ name: 'Z', files: [ZMUMU], weight: 'pt1', xsec: 2000, lumi: 3 }],
      regions: [{ name: 'all', cuts: [{ expr: '1' }] }],
    })
    const r = await cutflowOfSpec(s)
    close(r.totals.Z.weighted, 6000)
    close(r.regions.all.Z[0].weighted, 6000)
  })

  it('names the JSON path, the sample and the position of a bad expression', async () => {
    const s = spec({
      samples: [{ name: 'Z', files: [ZMUMU] }],
      regions: [{ name: 'SR', cuts: [{ expr: 'M > 80' }, { expr: 'M > 1 && Mm < 100' }] }],
    })
    const e = await rejection(cutflowOfSpec(s))
    expect(e.path).toEqual(['regions', 0, 'cuts', 1, 'expr'])
    expect(e.message).toMatch(
      /^regions\[0\]\.cuts\[1\]\.expr: in sample 'Z' \(.*uproot-Zmumu\.root, tree 'events'\): unknown variable 'Mm' at 9 \(did you mean 'M'\?\)/,
    )
    const jaggedCut = spec({
      samples: [{ name: 'H', files: [HZZ] }],
      regions: [{ name: 'R', cuts: [{ expr: 'Jet_Px > 0' }] }],
    })
    expect((await rejection(cutflowOfSpec(jaggedCut))).message).toMatch(
      /a cut must be one value per event/,
    )
    const badWeight = spec({ samples: [{ name: 'Z', files: [ZMUMU], weight: 'wgt' }] })
    expect((await rejection(cutflowOfSpec(badWeight))).path).toEqual(['samples', 0, 'weight'])
  })

  it('uses a variable a sample cannot compute only where it is needed', async () => {
    const s = spec({
      samples: [
        { name: 'H', files: [HZZ], weight: 'w' },
        { name: 'Z', files: [ZMUMU] },
      ],
      variables: [{ name: 'w', expr: 'EventWeight * 2' }],
      regions: [{ name: 'R', cuts: [{ expr: 'w > 0' }] }],
    })
    const e = await rejection(cutflowOfSpec(s))
    expect(e.path).toEqual(['variables', 0, 'expr'])
    expect(e.message).toMatch(
      /^variables\[0\]\.expr: needed by regions\[0\]\.cuts\[0\]\.expr: in sample 'Z' .*: unknown variable 'EventWeight' at 0\n/,
    )
    const ok = await cutflowOfSpec({
      ...s,
      regions: [{ name: 'R', blinded: false, cuts: [{ expr: '1' }] }],
    })
    expect(ok.regions.R.Z[0].raw).toBe(2304)
  })

  it('computes only the regions asked for (with their parents) and stops when cancelled', async () => {
    const s = spec({
      samples: [{ name: 'Z', files: [ZMUMU] }],
      regions: [
        { name: 'A', cuts: [{ expr: 'M > 60' }] },
        { name: 'B', parent: 'A', cuts: [{ expr: 'M < 120' }] },
        { name: 'C', cuts: [{ expr: 'no_such_column > 0' }] },
      ],
    })
    const r = await cutflowOfSpec(s, { regions: ['B'] })
    expect(Object.keys(r.regions)).toEqual(['B'])
    expect(r.regions.B.Z.map((row) => row.cut)).toEqual(['M > 60', 'M < 120'])
    expect((await rejection(cutflowOfSpec(s, { regions: ['D'] }))).message).toMatch(
      /no region 'D' in the spec \(regions: 'A', 'B', 'C'\)/,
    )
    const abort = new AbortController()
    abort.abort()
    await expect(
      cutflowOfSpec(s, { regions: ['A'], ctx: silentContext(abort.signal) }),
    ).rejects.toThrow(CancelledError)
  })

  it('names a missing file with its JSON path', async () => {
    const s = spec({
      samples: [{ name: 'Z', files: [ZMUMU, '/nonexistent/b.root'], tree: 'events' }],
    })
    const e = await rejection(cutflowOfSpec(s))
    expect(e.path).toEqual(['samples', 0, 'files', 1])
    expect(e.message).toMatch(/\/nonexistent\/b\.root: cannot open/)
  })
})
