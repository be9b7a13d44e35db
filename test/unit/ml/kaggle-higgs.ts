/**
 * The ATLAS-UK-ML sample of the Kaggle Higgs challenge (test/data): 5000 signal and 5000
 * background events, 30 features where −999 means "undefined". Loaded with the engine's CSV
 * reader; −999 replaced by the training mean of the feature's defined values (a helper of this
 * test, the mean-imputation policy of the data set builder).
 */
import { existsSync, readFileSync } from 'node:fs'
import { readCsvColumns } from '../../../src/main/engine/io/csv'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { Random } from '../../../src/main/engine/data/random'
import type { TrainingData } from '../../../src/main/engine/ml/dataset'
import type { inProcessEngine } from '../helpers/engine'
import { DATA } from '../io/shared-data'
import type { AnalysisSpecInput } from '../../../src/shared/spec'

export const KAGGLE = DATA + 'ATLAS-UK-ML_kaggle-higgs/'
export const kaggleAvailable = existsSync(KAGGLE + 'train_sml_sig.csv')

/** Both files as a spec's samples 'sig' and 'bg' (weight `Weight`, −999 missing). */
export const KAGGLE_SPEC_SAMPLES: readonly AnalysisSpecInput['samples'][number][] = [
  {
    name: 'sig',
    files: [KAGGLE + 'train_sml_sig.csv'],
    role: 'signal',
    weight: 'Weight',
    missing: -999,
  },
  {
    name: 'bg',
    files: [KAGGLE + 'train_sml_bg.csv'],
    role: 'background',
    weight: 'Weight',
    missing: -999,
  },
]

/**
 * The background file alone (sample 'bg') with region SR of two cuts (one of them on a
 * feature with −999 markers): the CSV case of the partition, pool, cluster and out-of-core
 * service tests.
 */
export const KAGGLE_BACKGROUND_SPEC = {
  samples: [KAGGLE_SPEC_SAMPLES[1]],
  regions: [{ name: 'SR', cuts: [{ expr: 'DER_mass_MMC > 100' }, { expr: 'PRI_jet_num >= 1' }] }],
}

/**
 * Adds both files to the engine's open project as samples 'Htautau' (signal) and 'bkg'
 * (background), the set-up of the service tests; throws a failed addSample's error.
 */
export async function addKaggleSamples(engine: ReturnType<typeof inProcessEngine>): Promise<void> {
  for (const [name, role, file] of [
    ['Htautau', 'signal', 'train_sml_sig.csv'],
    ['bkg', 'background', 'train_sml_bg.csv'],
  ] as const) {
    const r = await engine.job('data.addSample', {
      spec: {
        name,
        role,
        colour: role === 'signal' ? '#d62728' : '#1f77b4',
        files: [KAGGLE + file],
        table: '',
      },
    })
    if (r.state !== 'done') throw new Error(`adding ${file}: ${r.error}`)
  }
}

/**
 * Adds the background file again as 'bkg_up' and 'bkg_down', its weights × 1.1 and × 0.9 (a
 * ±10% variation sample pair for INFERNO's nuisances); returns their sample ids.
 */
export async function addVariationSamples(
  engine: ReturnType<typeof inProcessEngine>,
): Promise<string[]> {
  const ids: string[] = []
  for (const [name, factor] of [
    ['bkg_up', 1.1],
    ['bkg_down', 0.9],
  ] as const) {
    const r = await engine.job('data.addSample', {
      spec: {
        name,
        role: 'background',
        colour: '#888888',
        files: [KAGGLE + 'train_sml_bg.csv'],
        table: '',
        normalisation: { kind: 'scale', factor },
      },
    })
    if (r.state !== 'done') throw new Error(`adding ${name}: ${r.error}`)
    ids.push((r.result as { id: string }).id)
  }
  return ids
}

/** One column of a Kaggle CSV as numbers, parsed from the text (independent of the readers). */
export function kaggleColumn(file: string, name: string): number[] {
  const [head, ...lines] = readFileSync(KAGGLE + file, 'utf8')
    .trim()
    .split('\n')
  const j = head.split(',').indexOf(name)
  return lines.map((l) => Number(l.split(',')[j]))
}

export const FEATURES = [
  'DER_mass_MMC', 'DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h',
  'DER_deltaeta_jet_jet', 'DER_mass_jet_jet', 'DER_prodeta_jet_jet', 'DER_deltar_tau_lep',
  'DER_pt_tot', 'DER_sum_pt', 'DER_pt_ratio_lep_tau', 'DER_met_phi_centrality',
  'DER_lep_eta_centrality', 'PRI_tau_pt', 'PRI_tau_eta', 'PRI_tau_phi', 'PRI_lep_pt',
  'PRI_lep_eta', 'PRI_lep_phi', 'PRI_met', 'PRI_met_phi', 'PRI_met_sumet', 'PRI_jet_num',
  'PRI_jet_leading_pt', 'PRI_jet_leading_eta', 'PRI_jet_leading_phi', 'PRI_jet_subleading_pt',
  'PRI_jet_subleading_eta', 'PRI_jet_subleading_phi', 'PRI_jet_all_pt',
] // prettier-ignore

/**
 * Both files as one TrainingData: physical weight = the `Weight` column, training weights
 * normalised per class to the number of training events (TMVA's NumEvents), a random 60/40
 * train/test split with `seed`, −999 replaced by the training mean of the defined values.
 */
export async function kaggleData(seed = 1, features = FEATURES): Promise<TrainingData> {
  const ctx = silentContext()
  const files = [
    { file: 'train_sml_bg.csv', y: 0 },
    { file: 'train_sml_sig.csv', y: 1 },
  ]
  const cols: Float64Array[][] = []
  const weights: Float64Array[] = []
  for (const f of files) {
    const m = await readCsvColumns(KAGGLE + f.file, [...features, 'Weight'], ctx)
    cols.push(features.map((name) => m.get(name)!.values as Float64Array))
    weights.push(m.get('Weight')!.values as Float64Array)
  }
  const n = weights[0].length + weights[1].length
  const d = features.length
  const x = new Float64Array(n * d)
  const y = new Uint8Array(n)
  const weight = new Float64Array(n)
  let i = 0
  files.forEach((f, c) => {
    for (let r = 0; r < weights[c].length; r++, i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = cols[c][j][r]
      y[i] = f.y
      weight[i] = weights[c][r]
    }
  })
  const random = new Random(seed)
  const part = Uint8Array.from({ length: n }, () => (random.uniform() < 0.4 ? 2 : 0))
  imputeMissing(x, d, part, -999)
  const w = new Float64Array(n)
  for (const label of [0, 1]) {
    let sum = 0
    let count = 0
    for (let k = 0; k < n; k++)
      if (y[k] === label && part[k] === 0) {
        sum += weight[k]
        count++
      }
    for (let k = 0; k < n; k++) if (y[k] === label) w[k] = (weight[k] * count) / sum
  }
  return {
    inputs: features,
    n,
    d,
    x,
    y,
    w,
    weight,
    part,
    sample: Uint16Array.from(y),
    samples: [
      { name: 'background', role: 'background' },
      { name: 'signal', role: 'signal' },
    ],
  }
}

/** Replaces `missing` in each column by the mean of that column's other values in part 0. */
export function imputeMissing(x: Float64Array, d: number, part: Uint8Array, missing: number): void {
  const n = part.length
  for (let j = 0; j < d; j++) {
    let sum = 0
    let count = 0
    for (let i = 0; i < n; i++) {
      const v = x[i * d + j]
      if (part[i] === 0 && v !== missing) {
        sum += v
        count++
      }
    }
    const mean = count ? sum / count : 0
    for (let i = 0; i < n; i++) if (x[i * d + j] === missing) x[i * d + j] = mean
  }
}
