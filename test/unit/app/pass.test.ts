/**
 * The one-pass use case (app/pass.ts): a cut-flow and several histograms from one read of each
 * partition equal runCutflow and one runHistogram per histogram — to the last bit, inline, on
 * 2 worker threads and over many small partitions — on the Kaggle H→ττ CSV (flat columns,
 * fused: parent and child regions, a blinded region hiding data, an N−1 cut list, a derived
 * variable, a column by name) and on a ROOT chain with lists (jagged cuts and values: the
 * column-at-a-time fallback from the same read).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { parseSpec, type AnalysisSpecInput } from '../../../src/shared/spec'
import type { EntryRange } from '../../../src/main/engine/io/schema'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram } from '../../../src/main/engine/app/histogram'
import { runPass, type PassHistogram } from '../../../src/main/engine/app/pass'
import { runOn, type EventSource } from '../../../src/main/engine/app/source'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { SKHEP } from '../io/shared-data'
import { KAGGLE, KAGGLE_SPEC_SAMPLES } from '../ml/kaggle-higgs'

function spec(input: AnalysisSpecInput) {
  const r = parseSpec(input)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

/** Ranges of 613 entries with an empty one first: many partitions. */
function small(entries: number): EntryRange[] {
  const out: EntryRange[] = [{ start: 0, stop: 0 }]
  for (let s = 0; s < entries; s += 613) out.push({ start: s, stop: Math.min(entries, s + 613) })
  return out
}

const KAGGLE_SPEC = spec({
  samples: [
    ...KAGGLE_SPEC_SAMPLES,
    { name: 'obs', files: [KAGGLE + 'train_sml_bg.csv'], role: 'data', missing: -999 },
  ],
  variables: [{ name: 'ptr', expr: 'PRI_tau_pt / PRI_lep_pt' }],
  regions: [
    {
      name: 'SR',
      cuts: [
        { expr: 'DER_mass_MMC > 60' },
        { expr: 'PRI_jet_num >= 1' },
        { expr: 'abs(PRI_tau_eta) < 2' },
        { expr: 'ptr > 0.5' },
      ],
    },
    { name: 'VBF', parent: 'SR', blinded: true, cuts: [{ expr: 'DER_mass_jet_jet > 300' }] },
    { name: 'CR', cuts: [{ expr: 'DER_mass_MMC < 60 || DER_mass_MMC != DER_mass_MMC' }] },
  ],
})

const KAGGLE_HISTS: PassHistogram[] = [
  { expr: 'DER_mass_vis', binning: { bins: 30, lo: 0, hi: 300 }, region: 'SR' },
  { column: 'PRI_met', binning: { bins: 20, lo: 0, hi: 200 }, region: 'VBF' },
  { expr: 'ptr', binning: { bins: 25, lo: 0, hi: 5 } },
  {
    expr: 'PRI_tau_eta',
    binning: { bins: 24, lo: -3, hi: 3 },
    region: 'SR',
    cuts: [{ label: 'm', expr: 'DER_mass_MMC > 60', path: [] }],
  },
]

const HZZ_SPEC = spec({
  samples: [
    {
      name: 'hzz',
      files: [SKHEP + 'uproot-HZZ.root', SKHEP + 'uproot-HZZ-zstd.root'],
      tree: 'events',
      weight: 'EventWeight',
    },
  ],
  regions: [
    { name: 'two', cuts: [{ expr: 'NMuon >= 2' }, { expr: 'Count(Muon_Px > 10) >= 1' }] },
    { name: 'met', parent: 'two', cuts: [{ expr: 'MET_px > 0' }] },
  ],
})

const HZZ_HISTS: PassHistogram[] = [
  { expr: 'Muon_Px', binning: { bins: 20, lo: -100, hi: 100 }, region: 'two' },
  { expr: 'MET_px', binning: { bins: 20, lo: -100, hi: 100 }, region: 'met' },
]

/** runCutflow + one runHistogram per histogram: what runPass must give. */
async function separately(
  source: EventSource,
  regions: string[] | undefined,
  hists: PassHistogram[],
) {
  const cutflow = await runCutflow(source, regions ? { regions } : {})
  const histograms = []
  for (const h of hists) histograms.push(await runHistogram(source, h))
  return { cutflow, histograms }
}

describe('runPass equals runCutflow + runHistogram', () => {
  const two = poolExecutor(2)
  afterAll(() => two.close())
  const cases = [
    { name: 'Kaggle CSV (fused)', spec: KAGGLE_SPEC, hists: KAGGLE_HISTS },
    { name: 'ROOT chain with lists (fallback)', spec: HZZ_SPEC, hists: HZZ_HISTS },
  ]
  for (const c of cases) {
    for (const regions of [undefined, [c.spec.regions[1].name]]) {
      it(`${c.name}, regions ${regions ?? 'all'}: inline, many partitions, 2 threads`, async () => {
        const whole = specSource(c.spec)
        const want = await separately(whole, regions, c.hists)
        const got = await runPass(whole, {
          cutflow: regions ? { regions } : {},
          histograms: c.hists,
        })
        expect(got.cutflow?.result).toEqual(want.cutflow.result)
        expect(got.histograms).toEqual(want.histograms)
        const parts = specSource(c.spec, { split: small })
        const wantParts = await separately(parts, regions, c.hists)
        const inline = await runPass(parts, {
          cutflow: regions ? { regions } : {},
          histograms: c.hists,
        })
        expect(inline.cutflow?.result).toEqual(wantParts.cutflow.result)
        expect(inline.histograms).toEqual(wantParts.histograms)
        const threads = await runPass(runOn(parts, two), {
          cutflow: regions ? { regions } : {},
          histograms: c.hists,
        })
        expect(threads).toEqual(inline)
      }, 60_000)
    }
  }

  it('histograms only, or a cut-flow only', async () => {
    const source = specSource(KAGGLE_SPEC)
    const hists = await runPass(source, { histograms: KAGGLE_HISTS })
    expect(hists.cutflow).toBeNull()
    expect(hists.histograms).toEqual((await separately(source, undefined, KAGGLE_HISTS)).histograms)
    const flow = await runPass(source, { cutflow: {} })
    expect(flow.histograms).toEqual([])
    expect(flow.cutflow?.result).toEqual((await runCutflow(source)).result)
    // The blinded region's histogram hides the data sample, as runHistogram does.
    expect(hists.histograms[1].hidden).toEqual(['obs'])
    expect(Object.keys(hists.histograms[1].samples)).toEqual(['sig', 'bg'])
  })
})
