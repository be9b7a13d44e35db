/**
 * The build-workspace use case (app/build-workspace.ts) written once (issue 18):
 * - parity: a spec and the project opened from it (spec.open's projectFromSpec) give the
 *   identical workspace, every number to the last bit, on real files — the Kaggle H→ττ CSVs
 *   (variation samples, weight variations, normsys, lumi, a blinded region with Asimov data) and
 *   ROOT (a cross-section normalised by its own Σ weights, a derived variable);
 * - partitions: one partition per file and many small ones (with empty partitions) give the
 *   same workspace, bin contents to 1e-12 relative.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BuildRecipe } from '../../../src/shared/contract/fit'
import type { AnalysisSpec } from '../../../src/shared/spec'
import { runBuildWorkspace } from '../../../src/main/engine/app/build-workspace'
import type { PartitionOptions } from '../../../src/main/engine/app/partition'
import { specSource } from '../../../src/main/engine/app/spec-source'
import { runOn, type EventSource } from '../../../src/main/engine/app/source'
import { poolExecutor } from '../../../src/main/engine/cluster/pool'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import { readSpecFile } from '../../../src/main/engine/select/spec-file'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { projectFromSpec } from '../../../src/main/engine/services/spec'
import type { Project } from '../../../src/main/engine/store/project'
import { DATA, SKHEP } from '../io/shared-data'
import { expectSameUpToRounding } from './compare'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-build-app-'))
const pool = poolExecutor(2)
afterAll(async () => {
  await pool.close()
  rmSync(tmp, { recursive: true, force: true })
})

const KAGGLE = DATA + 'ATLAS-UK-ML_kaggle-higgs/'
const SIG = KAGGLE + 'train_sml_sig.csv'
const BKG = KAGGLE + 'train_sml_bg.csv'

interface Case {
  name: string
  spec: unknown
  recipe: unknown
}

const CASES: Case[] = [
  {
    name: 'CSV: variation samples, weight variations, normsys, lumi, a blinded region',
    spec: {
      samples: [
        { name: 'sig', role: 'signal', files: [SIG], tree: '', weight: 'Weight', scale: 3 },
        { name: 'bkg', role: 'background', files: [BKG], tree: '', weight: 'Weight' },
        {
          name: 'bkg_up',
          role: 'background',
          files: [BKG],
          tree: '',
          weight: 'Weight',
          scale: 1.05,
        },
        {
          name: 'bkg_down',
          role: 'background',
          files: [BKG],
          tree: '',
          weight: 'Weight',
          scale: 0.95,
        },
        { name: 'obs', role: 'data', files: [BKG, SIG], tree: '', weight: 'Weight' },
      ],
      variables: [{ name: 'ptsum', expr: 'PRI_tau_pt + PRI_lep_pt' }],
      regions: [
        { name: 'SR', cuts: [{ expr: 'DER_mass_MMC > 0' }, { expr: 'PRI_jet_num >= 1' }] },
        { name: 'CR', blinded: true, cuts: [{ expr: 'PRI_jet_num == 0' }] },
      ],
    },
    recipe: {
      name: 'Htautau',
      channels: [
        { region: 'SR', observable: 'DER_mass_MMC', bins: 8, lo: 60, hi: 180 },
        { region: 'CR', observable: 'ptsum', bins: 5, lo: 20, hi: 220 },
      ],
      lumi: { value: 140, sigma: 2.8 },
      normsys: [{ name: 'bkg_xsec', samples: ['bkg'], lo: 0.9, hi: 1.1 }],
      histosys: [
        { name: 'tes', samples: ['bkg'], kind: 'samples', up: 'bkg_up', down: 'bkg_down' },
        {
          name: 'pt_reweight',
          samples: ['sig', 'bkg'],
          kind: 'weights',
          up: '1 + 0.002*DER_pt_h',
          down: '1 / (1 + 0.002*DER_pt_h)',
        },
      ],
    },
  },
  {
    name: 'ROOT: σ × L / Σw, a derived variable, a region used twice',
    spec: {
      samples: [
        {
          name: 'sig',
          role: 'signal',
          files: [SKHEP + 'uproot-HZZ.root'],
          tree: 'events',
          weight: 'EventWeight',
          xsec: 2.5,
          lumi: 140,
        },
        {
          name: 'bkg',
          role: 'background',
          files: [SKHEP + 'uproot-HZZ-zstd.root'],
          tree: 'events',
          scale: 0.37,
        },
        { name: 'obs', role: 'data', files: [SKHEP + 'uproot-HZZ.root'], tree: 'events' },
      ],
      variables: [{ name: 'ptmu', expr: 'sqrt(Muon_Px * Muon_Px + Muon_Py * Muon_Py)' }],
      regions: [{ name: 'SR', cuts: [{ expr: 'NMuon >= 1' }] }],
    },
    recipe: {
      name: 'HZZ',
      channels: [
        { region: 'SR', observable: 'ptmu[0]', bins: 10, lo: 0, hi: 100 },
        { region: 'SR', observable: 'MET_px', bins: 8, lo: -40, hi: 40 },
      ],
      histosys: [
        { name: 'met', samples: ['bkg'], kind: 'weights', up: '1 + 0.01*abs(MET_px)', down: '1' },
      ],
    },
  },
]

/** Many small partitions: 700 entries each, and an empty one before every file's first. */
const SMALL: PartitionOptions = {
  split: (entries) => {
    const out = [{ start: 0, stop: 0 }]
    for (let start = 0; start < entries; start += 700)
      out.push({ start, stop: Math.min(entries, start + 700) })
    return out
  },
}

async function opened(k: number, c: Case): Promise<{ spec: AnalysisSpec; project: Project }> {
  const file = join(tmp, `spec${k}.json`)
  writeFileSync(file, JSON.stringify(c.spec))
  const spec = await readSpecFile(file)
  const project = await projectFromSpec(spec, file, join(tmp, `p${k}.hepwb`), silentContext())
  return { spec, project }
}

describe('building a workspace from a spec and from the project opened from it', () => {
  for (const [k, c] of CASES.entries()) {
    it(
      c.name,
      async () => {
        const recipe = BuildRecipe.parse(c.recipe)
        const { spec, project } = await opened(k, c)
        try {
          const registry = new SampleRegistry(project)
          const built: unknown[] = []
          for (const options of [{}, SMALL]) {
            const fromSpec = await runBuildWorkspace(specSource(spec, options), recipe)
            const fromProject = await runBuildWorkspace(
              await projectSource(registry, [], options),
              recipe,
            )
            expect(fromProject).toEqual(fromSpec)
            built.push(fromSpec)
            // Not an empty comparison: every channel has events of every simulated sample.
            for (const ch of fromSpec.workspace.channels)
              for (const s of ch.samples) expect(s.data.some((v) => v > 0)).toBe(true)
          }
          // One partition per file and many small ones: the same workspace up to rounding.
          expectSameUpToRounding(built[0], built[1])
          // On two worker threads (the spec and the project rebuilt in each): the inline one.
          expect(await runBuildWorkspace(runOn(specSource(spec, SMALL), pool), recipe)).toEqual(
            built[1],
          )
          const onPool = runOn(await projectSource(registry, [], SMALL), pool)
          expect(await runBuildWorkspace(onPool, recipe)).toEqual(built[1])
        } finally {
          project.close()
        }
      },
      60_000,
    )
  }

  it('the partitions really differ: a sample is cut into many', async () => {
    const { spec, project } = await opened(9, CASES[0])
    project.close()
    const source = specSource(spec, SMALL)
    const sample = await source.open(0, silentContext())
    const parts = await sample.partitions()
    sample.release()
    expect(parts.length).toBeGreaterThan(5)
    expect(parts.some((p) => p.range.stop === p.range.start)).toBe(true)
  })

  it('reads each partition once for all channels and weight variations of a sample', async () => {
    const { spec, project } = await opened(10, CASES[0])
    project.close()
    const source = specSource(spec, SMALL)
    const reads = new Map<number, number>()
    const counted: EventSource = {
      ...source,
      samples: () => source.samples(),
      variables: () => source.variables(),
      regions: () => source.regions(),
      open: async (index, ctx) => {
        const s = await source.open(index, ctx)
        return {
          ...s,
          check: (...a) => s.check(...a),
          partitions: () => s.partitions(),
          release: () => s.release(),
          read: (p, columns, c) => {
            reads.set(index, (reads.get(index) ?? 0) + 1)
            return s.read(p, columns, c)
          },
        }
      },
    }
    const built = await runBuildWorkspace(counted, BuildRecipe.parse(CASES[0].recipe))
    expect(built.workspace.channels).toHaveLength(2)
    for (const [i] of source.samples().entries()) {
      const s = await source.open(i, silentContext())
      expect(reads.get(i)).toBe((await s.partitions()).length)
      s.release()
    }
  })

  it('names the observable that is a list per event, in the project as in the spec', async () => {
    const { spec, project } = await opened(11, CASES[1])
    try {
      const recipe = BuildRecipe.parse({
        name: 'x',
        channels: [{ region: 'SR', observable: 'ptmu', bins: 4, lo: 0, hi: 100 }],
      })
      const message = /observable 'ptmu': .*the observable must be one value per event/
      await expect(runBuildWorkspace(specSource(spec), recipe)).rejects.toThrow(message)
      const fromProject = await projectSource(new SampleRegistry(project), [])
      await expect(runBuildWorkspace(fromProject, recipe)).rejects.toThrow(message)
    } finally {
      project.close()
    }
  })
})
