/**
 * Projects on real files and the explorer requests run on them (histograms with default and
 * given binning, correlations, 2-D histograms, the statistics table), shared by the explorer
 * parity tests: a ROOT file with float32 event weights and jagged branches, a NanoAOD chain
 * normalised to σ × L with a derived variable beside collision data, the Kaggle H→ττ CSVs
 * with the −999 missing-value marker, and a CSV whose headers are not expressions.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SampleSpec, type SampleSpecInput } from '../../../src/shared/contract/data'
import type { SpecVariable } from '../../../src/shared/spec'
import { Project } from '../../../src/main/engine/store/project'
import { dataHandlers } from '../../../src/main/engine/services/data'
import { cutsHandlers } from '../../../src/main/engine/services/cuts'
import { COFFEA, DATA, SKHEP } from '../io/shared-data'
import { serviceEnv } from '../helpers/service-env'

const KAGGLE = DATA + 'ATLAS-UK-ML_kaggle-higgs/'

export interface ExplorerCase {
  readonly name: string
  readonly samples: readonly SampleSpecInput[]
  readonly variables?: readonly Omit<SpecVariable, 'binning'>[]
  /** data.histogram params (samples by position). */
  readonly hists: readonly { variable: string; bins?: number; lo?: number; hi?: number }[]
  /** data.correlation: sample position and variables. */
  readonly correlations: readonly { sample: number; variables: string[] }[]
  readonly hist2d: readonly {
    sample: number
    x: string
    y: string
    xbins: number
    ybins: number
    xlo?: number
    xhi?: number
  }[]
  /** Variables whose statistics the table shows (checked after data.summarise). */
  readonly stats: readonly string[]
}

const colour = '#1f77b4'

/** A CSV whose headers are no expressions ('jet pt', 'a.b'), written into `dir`. */
export function oddCsv(dir: string): string {
  const file = join(dir, 'odd headers.csv')
  const rows = ['jet pt,a.b,n jets,w']
  for (let i = 0; i < 300; i++) {
    const pt = i % 17 === 0 ? -999 : 20 + ((i * 37) % 113) + (i % 7) / 8
    rows.push(`${pt},${Math.sin(i) * 3 + pt / 50},${i % 5},${0.5 + (i % 3) / 4}`)
  }
  writeFileSync(file, rows.join('\n') + '\n')
  return file
}

export function explorerCases(dir: string): ExplorerCase[] {
  return [
    {
      name: 'ROOT with float32 event weights and jagged branches (HZZ)',
      samples: [
        {
          name: 'HZZ',
          role: 'signal',
          colour,
          files: [SKHEP + 'uproot-HZZ.root'],
          table: 'events',
          weight: 'EventWeight',
          normalisation: { kind: 'scale', factor: 2.5 },
        },
      ],
      hists: [
        { variable: 'MET_px' },
        { variable: 'MET_px', bins: 20, lo: -50, hi: 50 },
        { variable: 'Muon_Px', bins: 10, lo: -100, hi: 100 },
        { variable: 'Muon_Px' },
        { variable: 'NMuon' },
      ],
      correlations: [{ sample: 0, variables: ['MET_px', 'MET_py', 'Muon_Px', 'NMuon', 'NJet'] }],
      hist2d: [
        { sample: 0, x: 'MET_px', y: 'MET_py', xbins: 10, ybins: 12 },
        { sample: 0, x: 'NMuon', y: 'NJet', xbins: 10, ybins: 10 },
        { sample: 0, x: 'MET_px', y: 'NJet', xbins: 7, ybins: 5, xlo: -20, xhi: 20 },
      ],
      stats: ['MET_px', 'Muon_Px', 'NMuon', 'EventWeight'],
    },
    {
      name: 'NanoAOD σ × L with a derived variable, and collision data',
      samples: [
        {
          name: 'DY',
          role: 'background',
          colour,
          files: [COFFEA + 'nano_dy.root'],
          table: 'Events',
          weight: 'genWeight',
          normalisation: { kind: 'xsec', crossSection: 6025, luminosity: 10 },
        },
        {
          name: 'data',
          role: 'data',
          colour,
          files: [COFFEA + 'nano_dimuon.root'],
          table: 'Events',
        },
      ],
      variables: [
        { name: 'ptlead', expr: 'Max(Muon_pt)' },
        { name: 'metx', expr: 'MET_pt * cos(MET_phi)' },
      ],
      hists: [
        { variable: 'MET_pt' },
        { variable: 'ptlead' },
        { variable: 'Muon_pt', bins: 15 },
        { variable: 'nMuon' },
        { variable: 'metx', bins: 6, lo: -60, hi: 60 },
      ],
      correlations: [
        { sample: 0, variables: ['MET_pt', 'ptlead', 'metx', 'Muon_pt', 'nJet'] },
        { sample: 1, variables: ['MET_pt', 'PV_npvs', 'ptlead'] },
      ],
      hist2d: [
        { sample: 0, x: 'ptlead', y: 'MET_pt', xbins: 8, ybins: 8 },
        { sample: 1, x: 'nMuon', y: 'PV_npvs', xbins: 5, ybins: 5 },
      ],
      stats: ['MET_pt', 'Muon_pt', 'ptlead', 'metx', 'nMuon'],
    },
    {
      name: 'Kaggle H→ττ CSVs with the −999 missing-value marker',
      samples: [
        {
          name: 'Htautau',
          role: 'signal',
          colour,
          files: [KAGGLE + 'train_sml_sig.csv'],
          table: '',
          weight: 'Weight',
          missing: -999,
        },
        {
          name: 'bkg',
          role: 'background',
          colour,
          files: [KAGGLE + 'train_sml_bg.csv'],
          table: '',
          weight: 'Weight',
          missing: -999,
        },
      ],
      hists: [
        { variable: 'DER_mass_MMC' },
        { variable: 'PRI_jet_num' },
        { variable: 'PRI_jet_leading_pt', bins: 25, lo: 0, hi: 500 },
      ],
      correlations: [
        {
          sample: 0,
          variables: ['DER_mass_MMC', 'DER_mass_vis', 'PRI_jet_leading_pt', 'PRI_jet_num'],
        },
        { sample: 1, variables: ['DER_mass_MMC', 'DER_deltaeta_jet_jet', 'PRI_met'] },
      ],
      hist2d: [
        { sample: 0, x: 'DER_mass_MMC', y: 'DER_mass_vis', xbins: 20, ybins: 20 },
        { sample: 1, x: 'PRI_jet_num', y: 'DER_mass_jet_jet', xbins: 4, ybins: 10 },
      ],
      stats: ['DER_mass_MMC', 'DER_deltaeta_jet_jet', 'PRI_jet_num', 'Weight'],
    },
    {
      name: 'CSV headers that are not expressions',
      samples: [
        {
          name: 'odd',
          role: 'background',
          colour,
          files: [oddCsv(dir)],
          table: '',
          weight: 'w',
          missing: -999,
        },
      ],
      hists: [{ variable: 'jet pt' }, { variable: 'a.b', bins: 9 }, { variable: 'n jets' }],
      correlations: [{ sample: 0, variables: ['jet pt', 'a.b', 'n jets'] }],
      hist2d: [{ sample: 0, x: 'jet pt', y: 'a.b', xbins: 6, ybins: 6 }],
      stats: ['jet pt', 'a.b', 'n jets'],
    },
  ]
}

/** A project of the case's samples and variables, with the data and cuts handlers. */
export async function caseProject(c: ExplorerCase, path: string) {
  const project = Project.create(path)
  const { env, waitForJob } = serviceEnv(project)
  const data = dataHandlers(env)
  const cuts = cutsHandlers(env)
  const ids: string[] = []
  for (const s of c.samples) {
    const { jobId } = await data['data.addSample']({ spec: SampleSpec.parse(s) })
    ids.push(((await waitForJob(jobId)) as { id: string }).id)
  }
  for (const v of c.variables ?? []) await cuts['cuts.saveVariable']({ variable: v })
  return { project, env, data, ids, waitForJob }
}

/** Every explorer result of the case, as the service gives them (sample ids by position). */
export async function explorerResults(c: ExplorerCase, path: string) {
  const { project, data, ids, waitForJob } = await caseProject(c, path)
  try {
    const byPosition = (id: string) => ids.indexOf(id)
    const hists = []
    for (const p of c.hists) {
      const r = await data['data.histogram'](p)
      hists.push({
        ...r,
        samples: r.samples.map((s) => ({ ...s, sampleId: byPosition(s.sampleId) })),
        missing: r.missing.map(byPosition),
      })
    }
    const correlations = []
    for (const p of c.correlations) {
      const r = await data['data.correlation']({ sample: ids[p.sample], variables: p.variables })
      correlations.push({ ...r, sampleId: p.sample })
    }
    const hist2d = []
    for (const p of c.hist2d) {
      const r = await data['data.hist2d']({ ...p, sample: ids[p.sample] })
      hist2d.push({ ...r, sampleId: p.sample })
    }
    await waitForJob((await data['data.summarise']({})).jobId)
    const rows = (await data['data.variables']({})).variables
    const stats = c.stats.map((name) => {
      const row = rows.find((r) => r.name === name)
      return { name, stats: ids.map((id) => row?.stats[id] ?? null) }
    })
    return { hists, correlations, hist2d, stats }
  } finally {
    project.close()
  }
}
