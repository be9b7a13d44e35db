/**
 * The fused pass (select/fused-pass.ts, fused-sample.ts) against the column-at-a-time path it
 * replaces: cut-flows of parent and child regions and histograms under cuts, on generated
 * events (many batches, an odd batch size, NaN values and weights, float32 and integer
 * columns, derived variables, one weight for all) and on real files (the Kaggle H→ττ CSV with
 * its -999 markers as NaN, the Z→μμ ROOT file). Counts and sums are compared exactly: the fused
 * loop tallies in the same order (per batch, even and odd events apart; bins in event order).
 * Lists fall back to the old path.
 */
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Column } from '../../../src/shared/column'
import { checkExpr, unwrap, type CheckedExpr } from '../../../src/shared/expr'
import { parseSpec, type AnalysisSpecInput } from '../../../src/shared/spec'
import type { Hist1D } from '../../../src/main/engine/data/histogram'
import { CutCompiler } from '../../../src/main/engine/select/cut-compiler'
import { sampleCutflow, type PreparedSample } from '../../../src/main/engine/select/cutflow'
import { checkVariables, derivedLayer } from '../../../src/main/engine/select/derived'
import { fusedHist, fusedTallies } from '../../../src/main/engine/select/fused-sample'
import { selectedHist, selectionMask, type Binning } from '../../../src/main/engine/select/hist'
import { columnProvider } from '../../../src/main/engine/select/provider'
import { resolveRegions, type ResolvedCut } from '../../../src/main/engine/select/regions'
import { checkIn, openSpecSample, prepareSample } from '../../../src/main/engine/select/spec-sample'
import { BATCH_EVENTS } from '../../../src/main/engine/select/batch'
import { DATA, SKHEP, itShared } from '../io/shared-data'
import { jagged } from './fixtures'

/** The old path's histogram: selection mask, then fillColumn. */
function oldHist(
  s: PreparedSample,
  value: CheckedExpr,
  cuts: readonly ResolvedCut[],
  b: Binning,
): Hist1D {
  return selectedHist(s, value, cuts.length ? selectionMask(s, cuts) : null, b)
}

function expectSameHist(got: Hist1D | null, want: Hist1D): void {
  expect(got).not.toBeNull()
  const g = got as Hist1D
  expect(Array.from(g.sumw)).toEqual(Array.from(want.sumw))
  expect(Array.from(g.sumw2)).toEqual(Array.from(want.sumw2))
  expect([g.entries, g.nan]).toEqual([want.entries, want.nan])
}

function expectSameCutflow(
  s: PreparedSample,
  regions: ReturnType<typeof resolveRegions>,
  batch?: number,
): void {
  const fused = sampleCutflow(s, regions, { batch })
  const old = sampleCutflow(s, regions, { batch, fused: false })
  expect(fusedTallies(s, regions, new CutCompiler(), batch)).not.toBeNull()
  expect(fused.total).toEqual(old.total)
  for (const [name, p] of old.regions) {
    const q = fused.regions.get(name)
    expect(q, name).toBeDefined()
    expect(Array.from(q?.raw ?? [])).toEqual(Array.from(p.raw))
    expect(Array.from(q?.sumw ?? [])).toEqual(Array.from(p.sumw))
    expect(Array.from(q?.sumw2 ?? [])).toEqual(Array.from(p.sumw2))
  }
}

const cut = (expr: string): ResolvedCut => ({ label: expr, expr, path: [] })

/** Generated events: a fixed sequence, NaN here and there, several array types. */
function generated(n: number, weights: 'array' | number): PreparedSample {
  let s = 424242
  const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32
  const pt1 = new Float64Array(n)
  const pt2 = new Float32Array(n)
  const eta = new Float64Array(n)
  const nj = new Int32Array(n)
  const m = new Float64Array(n)
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    pt1[i] = i % 997 === 3 ? NaN : -40 * Math.log(1 - u())
    pt2[i] = -30 * Math.log(1 - u())
    eta[i] = 6 * u() - 3
    nj[i] = Math.floor(6 * u())
    m[i] = i % 1013 === 5 ? Infinity : 20 + 180 * u()
    w[i] = i % 811 === 9 ? NaN : 0.5 + u()
  }
  const col = (values: Column['values']): Column => ({ kind: 'flat', type: 'float64', values })
  const data = columnProvider({
    pt1: col(pt1),
    pt2: col(pt2),
    eta: col(eta),
    nj: col(nj),
    m: col(m),
  })
  const variables = checkVariables(
    [
      { name: 'ht', expr: 'pt1 + pt2' },
      { name: 'central', expr: 'abs(eta) < 1.5' },
    ] as never,
    data.symbols,
    'generated',
  )
  return {
    name: 'g',
    role: 'background',
    group: 'g',
    data,
    derive: derivedLayer(variables),
    variables,
    weights: weights === 'array' ? w : weights,
  }
}

const REGIONS = resolveRegions([
  {
    name: 'SR',
    blinded: false,
    cuts: [
      { expr: 'pt1 > 20' },
      { expr: 'pt2 > 15' },
      { expr: 'central' },
      { expr: 'nj >= 2' },
      { expr: 'm > 40 && m < 200' },
      { expr: 'ht > 50' },
      { expr: 'abs(m - 91) < 30 || nj == 5' },
    ],
  },
  {
    name: 'VR',
    parent: 'SR',
    blinded: false,
    cuts: [{ expr: 'pt1 / pt2 > 1' }, { expr: 'm % 2 < 1' }],
  },
  { name: 'CR', blinded: false, cuts: [{ expr: '!central' }, { expr: 'nj ? ht < 100 : 1' }] },
] as never)

describe('fused cut-flow equals the column-at-a-time cut-flow', () => {
  const n = 3 * BATCH_EVENTS + 777
  it.each([
    ['per-event weights', 'array' as const],
    ['one weight', 2.5],
    ['unit weight', 1],
    ['NaN weight', NaN],
  ])('%s, parent and child regions, many batches', (_, w) =>
    expectSameCutflow(generated(n, w), REGIONS),
  )
  it('an odd batch size', () => expectSameCutflow(generated(20_001, 'array'), REGIONS, 999))
})

describe('fused histogram equals the selection mask + fill', () => {
  const n = 2 * BATCH_EVENTS + 5
  const b = { bins: 37, lo: 0, hi: 150 }
  for (const w of ['array', 1, 0.25] as const) {
    it(`weights ${w}: under cuts, all events, derived values, NaN and ±Inf`, () => {
      const s = generated(n, w)
      const symbols = s.variables?.symbols ?? s.data.symbols
      const cuts = REGIONS[0].cuts
      for (const expr of [
        'pt1',
        'pt2',
        'ht',
        'm',
        'nj * 40',
        'central ? pt1 : -pt2',
        'eta * 1e3',
      ]) {
        const value = unwrap(checkExpr(expr, symbols))
        for (const c of [cuts, [], [cut('nj == 3')]])
          expectSameHist(fusedHist(s, value, c, b, new CutCompiler()), oldHist(s, value, c, b))
      }
    })
  }
})

describe('lists fall back to the old path', () => {
  const data = columnProvider({
    x: { kind: 'flat', type: 'float64', values: Float64Array.from([1, 2, 3]) },
    jets: jagged([[1, 2], [], [5]]),
  })
  const s: PreparedSample = { name: 'j', role: 'background', group: 'j', data, weights: 1 }
  it('a jagged cut: no fused tallies, the cut-flow still right', () => {
    const regions = resolveRegions([
      { name: 'A', blinded: false, cuts: [{ expr: 'x > 1' }, { expr: 'Count(jets > 1) > 0' }] },
    ] as never)
    expect(fusedTallies(s, regions, new CutCompiler())).toBeNull()
    expect(Array.from(sampleCutflow(s, regions).regions.get('A')?.raw ?? [])).toEqual([3, 2, 1])
  })
  it('a jagged value: no fused histogram', () => {
    const value = unwrap(checkExpr('jets', data.symbols))
    expect(
      fusedHist(s, value, [cut('x > 0')], { bins: 4, lo: 0, hi: 8 }, new CutCompiler()),
    ).toBeNull()
  })
})

async function specSample(input: AnalysisSpecInput, exprs: string[]) {
  const r = parseSpec(input)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  const spec = r.spec
  const opened = await openSpecSample(spec.samples[0], 0, spec.variables)
  const checked = exprs.map((e) => checkIn(opened, e, [], 'a cut'))
  return { prepared: await prepareSample(opened, checked), spec, opened }
}

describe('real files', () => {
  it('Kaggle H→ττ CSV (NaN for -999, integer jet count, a weight column)', async () => {
    const cuts = [
      'DER_mass_MMC > 60',
      'PRI_jet_num >= 1',
      'abs(PRI_tau_eta) < 2',
      'DER_pt_h > 20 || PRI_met > 30',
      'ptr > 0.5',
    ]
    const { prepared, spec } = await specSample(
      {
        samples: [
          {
            name: 'sig',
            files: [DATA + 'ATLAS-UK-ML_kaggle-higgs/train_sml_sig.csv'],
            weight: 'Weight',
            missing: -999,
          },
        ],
        variables: [{ name: 'ptr', expr: 'PRI_tau_pt / PRI_lep_pt' }],
        regions: [
          { name: 'SR', cuts: cuts.map((expr) => ({ expr })) },
          { name: 'SR2', parent: 'SR', cuts: [{ expr: 'DER_mass_jet_jet > 100' }] },
        ],
      },
      [...cuts, 'DER_mass_jet_jet > 100', 'DER_mass_vis'],
    )
    const regions = resolveRegions(spec.regions)
    expectSameCutflow(prepared, regions)
    const value = unwrap(
      checkExpr('DER_mass_vis', prepared.variables?.symbols ?? prepared.data.symbols),
    )
    const b = { bins: 30, lo: 0, hi: 300 }
    expectSameHist(
      fusedHist(prepared, value, regions[1].cuts, b, new CutCompiler()),
      oldHist(prepared, value, regions[1].cuts, b),
    )
  })

  it('Z→μμ ROOT file', async () => {
    const cuts = ['M > 60', 'pt1 > 20 && pt2 > 20', 'abs(eta1 - eta2) < 2']
    const { prepared, spec } = await specSample(
      {
        samples: [{ name: 'Z', files: [resolve(SKHEP, 'uproot-Zmumu.root')], weight: 'pt1 / 50' }],
        regions: [{ name: 'SR', cuts: cuts.map((expr) => ({ expr })) }],
      },
      [...cuts, 'M'],
    )
    const regions = resolveRegions(spec.regions)
    expectSameCutflow(prepared, regions)
    const value = unwrap(checkExpr('M', prepared.data.symbols))
    const b = { bins: 40, lo: 60, hi: 120 }
    expectSameHist(
      fusedHist(prepared, value, regions[0].cuts, b, new CutCompiler()),
      oldHist(prepared, value, regions[0].cuts, b),
    )
  })

  itShared('CMS open data Z→ee CSV: invariant mass, charges, isolation', async (shared) => {
    const cuts = ['Q1 * Q2 < 0', 'pt1 > 25 && pt2 > 25', 'abs(eta1) < 2.5', 'mee > 60', 'iso < 0.2']
    const { prepared, spec } = await specSample(
      {
        samples: [{ name: 'Zee', files: [shared + 'cms-opendata-education_csv/Zee_Run2011A.csv'] }],
        variables: [
          { name: 'mee', expr: 'invMass(pt1, eta1, phi1, 0.000511, pt2, eta2, phi2, 0.000511)' },
          { name: 'iso', expr: '(isoTrack1 + isoEcal1 + isoHcal1) / pt1' },
        ],
        regions: [
          { name: 'Z', cuts: cuts.map((expr) => ({ expr })) },
          { name: 'peak', parent: 'Z', cuts: [{ expr: 'abs(mee - 91.19) < 10' }] },
        ],
      },
      [...cuts, 'abs(mee - 91.19) < 10', 'mee'],
    )
    const regions = resolveRegions(spec.regions)
    expectSameCutflow(prepared, regions)
    expect(sampleCutflow(prepared, regions).regions.get('peak')?.raw.at(-1)).toBeGreaterThan(1000)
    const value = unwrap(checkExpr('mee', prepared.variables?.symbols ?? prepared.data.symbols))
    const b = { bins: 60, lo: 60, hi: 120 }
    for (const r of regions)
      expectSameHist(
        fusedHist(prepared, value, r.cuts, b, new CutCompiler()),
        oldHist(prepared, value, r.cuts, b),
      )
  })
})
