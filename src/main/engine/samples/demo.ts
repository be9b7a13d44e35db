/**
 * The demo project: real CMS NanoAOD test extracts shipped in resources/demo (coffea's test
 * samples, BSD-3-Clause, attribution in resources/demo/SOURCE.md): Drell–Yan and tt̄ simulation
 * with generator weights, and dimuon collision data. The samples are tiny (40, 200 and 40
 * events), so the luminosity is chosen to make simulation and data comparable, not measured.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { SampleSpec } from '../../../shared/contract/data'
import { FileExistsError } from '../io/output-file'
import { Project } from '../store/project'
import { configDir } from '../store/recent'
import { saveRegion } from '../store/regions'
import { insertSample, putSetting } from '../store/samples'
import { cacheDirOf } from './registry'
import { ColumnCache } from '../data/column-cache'
import { openSample } from './loaded-sample'

/** pb⁻¹: makes σ(DY) × L ≈ the 40 data events (see the module comment). */
const DEMO_LUMINOSITY = 0.006

/**
 * What the demo shows and why its data and simulation differ, shown above the explorer (the
 * project setting `explorer.note`).
 */
export const DEMO_NOTE =
  'a demonstration, not a measurement: 40 Drell–Yan and 200 tt̄ simulated events and 40 events ' +
  'of 2018 DoubleMuon collision data (CMS NanoAOD test files from coffea). The data were ' +
  'recorded by dimuon triggers, so most events hold two muons; the simulation is inclusive ' +
  '(Z/γ* → ee, μμ and ττ, every tt̄ decay), with about one muon in two events. The simulation ' +
  `is scaled to σ × L with L = ${DEMO_LUMINOSITY} pb⁻¹, chosen so that it predicts as many ` +
  'events as the data hold — not a measured luminosity. So event variables (MET_pt, PV_npvs) ' +
  'agree in total, while muon variables (Muon_pt, nMuon) show several times more muons in ' +
  "data. The region 'dimuon' (Cuts & Regions) selects two opposite-charge muons in every sample."

/** The demo's correlation matrix: event variables that vary in the data sample. */
const DEMO_CORRELATION = [
  'MET_pt',
  'PuppiMET_pt',
  'MET_sumEt',
  'MET_significance',
  'nJet',
  'nMuon',
  'nElectron',
  'PV_npvs',
  'fixedGridRhoFastjetAll',
]

/** resources/demo: $HEPWB_RESOURCES_DIR/demo, else the nearest `resources/demo` above this file. */
export function demoDir(): string {
  if (process.env.HEPWB_RESOURCES_DIR) return join(process.env.HEPWB_RESOURCES_DIR, 'demo')
  let dir = __dirname
  for (let i = 0; i < 7; i++) {
    const candidate = join(dir, 'resources', 'demo')
    if (existsSync(join(candidate, 'SOURCE.md'))) return candidate
    dir = dirname(dir)
  }
  throw new Error('the demo data (resources/demo) are missing from this installation')
}

export function demoSamples(dir: string): SampleSpec[] {
  return [
    {
      name: 'Drell–Yan',
      role: 'background',
      group: 'Z/γ* → ℓℓ',
      colour: '#6baed6',
      files: [join(dir, 'nano_dy.root')],
      table: 'Events',
      weight: 'genWeight',
      // NNLO σ(pp → Z/γ* → ℓℓ, m(ℓℓ) > 50 GeV, ℓ = e, μ, τ) at 13 TeV, in pb.
      normalisation: {
        kind: 'xsec',
        crossSection: 6077.22,
        luminosity: DEMO_LUMINOSITY,
        sumGenWeights: null,
      },
      missing: null,
    },
    {
      name: 'tt̄',
      role: 'background',
      group: 'tt̄',
      colour: '#fd8d3c',
      files: [join(dir, 'nano_tt_v12.root')],
      table: 'Events',
      weight: 'genWeight',
      // NNLO+NNLL σ(tt̄) at 13 TeV, in pb.
      normalisation: {
        kind: 'xsec',
        crossSection: 833.9,
        luminosity: DEMO_LUMINOSITY,
        sumGenWeights: null,
      },
      missing: null,
    },
    {
      name: 'Data (DoubleMuon)',
      role: 'data',
      group: 'Data',
      colour: '#000000',
      files: [join(dir, 'nano_dimuon.root')],
      table: 'Events',
      weight: '',
      normalisation: { kind: 'none' },
      missing: null,
    },
  ]
}

/** Where the demo goes when the user names no path. */
export function defaultDemoPath(): string {
  return join(configDir(), 'demo', 'cms-nanoaod-demo.hepwb')
}

/**
 * Creates the demo project at `path` and returns the path. Without a path, an existing demo in
 * the config folder is reused. The project is closed again; the caller opens it.
 */
export async function createDemoProject(path?: string): Promise<string> {
  const target = path ?? defaultDemoPath()
  if (!path && existsSync(target)) return target
  const dir = demoDir()
  const specs = demoSamples(dir)
  if (!path) await mkdir(dirname(target), { recursive: true })
  // Validate every sample before the file exists, so a broken installation leaves nothing behind.
  const cache = new ColumnCache(cacheDirOf(target))
  const opened = []
  for (const spec of specs) opened.push(await openSample(spec, cache))
  // Filled under a temporary name and renamed when complete: never a demo without its samples.
  const draft = Project.draft(target, 'Demo: Z → μμ in CMS NanoAOD')
  try {
    const ids = opened.map((s) => insertSample(draft.project, s.spec, s.facts).id)
    // Open on a plot rather than an empty panel: missing transverse momentum, data over simulation
    // (an event-level variable, whose total agrees by the choice of L; see DEMO_NOTE).
    putSetting(draft.project, 'explorer.variable', 'MET_pt')
    putSetting(draft.project, 'explorer.hist2d', { x: 'MET_pt', y: 'MET_phi', bins: 30 })
    putSetting(draft.project, 'explorer.note', DEMO_NOTE)
    // Variables that vary in every event of the data, rather than the file's first columns.
    putSetting(draft.project, 'explorer.correlation', {
      sample: ids[ids.length - 1],
      variables: DEMO_CORRELATION,
    })
    // Like with like: the data were triggered on two muons.
    saveRegion(draft.project, {
      name: 'dimuon',
      blinded: false,
      cuts: [
        { name: 'two muons', expr: 'nMuon >= 2' },
        { name: 'opposite charge', expr: 'Muon_charge[0] * Muon_charge[1] < 0' },
      ],
    })
  } catch (e) {
    draft.discard()
    throw e
  }
  try {
    draft.commit().close()
  } catch (e) {
    // Another window made the default demo meanwhile: use that one.
    if (!path && e instanceof FileExistsError) return target
    throw e
  }
  return target
}
