/**
 * Parity (issue 18): the project path and the spec path run the same use cases over the same
 * samples, so a spec and the project opened from it (spec.open's projectFromSpec) give the
 * same cut-flow, histogram and statistics objects — exactly, every number to the last bit — on real files:
 * ROOT jagged with event weights and a cross-section normalised by its own Σ weights, CSV with
 * a missing-value marker, Parquet; blinded regions, parents, derived variables; one partition
 * per file and many.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCutflow } from '../../../src/main/engine/app/cutflow'
import { runHistogram, type HistogramRequest } from '../../../src/main/engine/app/histogram'
import { runStatistics } from '../../../src/main/engine/app/statistics'
import type { PartitionOptions } from '../../../src/main/engine/app/partition'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import { readSpecFile } from '../../../src/main/engine/select/spec-file'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { projectFromSpec } from '../../../src/main/engine/services/spec'
import { COFFEA, SKHEP } from '../io/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-parity-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

interface Case {
  name: string
  spec: unknown
  hists: (HistogramRequest & { expr: string })[]
}

import { KAGGLE_SPEC_SAMPLES } from '../ml/kaggle-higgs'

const CASES: Case[] = [
  {
    name: 'ROOT jagged: weights, σ × L / Σw, a plain scale, data in a blinded region',
    spec: {
      samples: [
        {
          name: 'sig',
          files: [SKHEP + 'uproot-HZZ.root'],
          tree: 'events',
          role: 'signal',
          weight: 'EventWeight * wmu',
          xsec: 2.5,
          lumi: 140,
          scale: 1.3,
        },
        {
          name: 'bkg',
          files: [SKHEP + 'uproot-HZZ-zstd.root'],
          tree: 'events',
          role: 'background',
          group: 'other',
          scale: 0.37,
        },
        { name: 'obs', files: [SKHEP + 'uproot-HZZ.root'], tree: 'events', role: 'data' },
      ],
      variables: [
        { name: 'nmu', expr: 'Count(Muon_Px > -1000)' },
        { name: 'wmu', expr: '1 + 0.1 * NMuon' },
        { name: 'ptmu', expr: 'sqrt(Muon_Px * Muon_Px + Muon_Py * Muon_Py)' },
      ],
      regions: [
        { name: 'presel', cuts: [{ expr: 'nmu >= 1' }] },
        {
          name: 'SR',
          parent: 'presel',
          blinded: true,
          cuts: [{ expr: 'Sum(ptmu > 20) >= 2' }, { expr: 'MET_px > -20' }],
        },
      ],
    },
    hists: [
      { expr: 'ptmu', binning: { bins: 20, lo: 0, hi: 100 }, region: 'SR' },
      { expr: 'MET_px', binning: { bins: 16, lo: -40, hi: 40 } },
    ],
  },
  {
    name: 'CSV with a missing-value marker',
    spec: {
      samples: [...KAGGLE_SPEC_SAMPLES],
      regions: [
        { name: 'SR', cuts: [{ expr: 'DER_mass_MMC > 100' }, { expr: 'PRI_jet_num >= 2' }] },
      ],
    },
    hists: [{ expr: 'DER_mass_jet_jet', binning: { bins: 30, lo: 0, hi: 1500 }, region: 'SR' }],
  },
  {
    name: 'Parquet',
    spec: {
      samples: [
        {
          name: 'dy',
          files: [COFFEA + 'nano_dy.parquet'],
          role: 'background',
          weight: 'genWeight',
          xsec: 6000,
          lumi: 10,
          sumw: 1.5e6,
        },
      ],
      regions: [{ name: 'mm', cuts: [{ expr: 'nMuon >= 2' }] }],
    },
    hists: [{ expr: 'Muon_pt', binning: { bins: 10, lo: 0, hi: 100 }, region: 'mm' }],
  },
]

describe('the project and the spec it was opened from give the same results', () => {
  for (const [k, c] of CASES.entries()) {
    it(
      c.name,
      async () => {
        const file = join(tmp, `spec${k}.json`)
        writeFileSync(file, JSON.stringify(c.spec))
        const spec = await readSpecFile(file)
        const project = await projectFromSpec(spec, file, join(tmp, `p${k}.hepwb`), silentContext())
        try {
          const registry = new SampleRegistry(project)
          for (const options of [{}, { maxEntries: 700 }] as PartitionOptions[]) {
            const fromProject = await projectSource(registry, [], options)
            const fromSpec = specSource(spec, options)
            const a = await runCutflow(fromProject)
            const b = await runCutflow(fromSpec)
            expect(a.result).toEqual(b.result)
            expect(a.samples.length).toBe(spec.samples.length)
            for (const h of c.hists)
              expect(await runHistogram(fromProject, h)).toEqual(await runHistogram(fromSpec, h))
            const stats = { expr: c.hists[0].expr, region: c.hists[0].region }
            expect(await runStatistics(fromProject, stats)).toEqual(
              await runStatistics(fromSpec, stats),
            )
            // Not an empty comparison: the last cut of the last region passes events.
            const region = Object.values(a.result.regions).at(-1) ?? {}
            const rows = Object.values(region)[0]
            expect(rows.at(-1)?.raw).toBeGreaterThan(0)
          }
        } finally {
          project.close()
        }
      },
      60_000,
    )
  }
})
