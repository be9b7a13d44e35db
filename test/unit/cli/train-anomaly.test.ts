/**
 * `hepwb train` with kinds ae / vae as a user runs it (a real process, from source) on the
 * Kaggle H→ττ CSVs: trained on the background file only, the signal file scored; the JSON of
 * the issue (AUC per signal sample, the best single variable beside it, val_loss, timing), the
 * model files of --out, and config errors named with their field.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'
import { DATA } from '../io/shared-data'

const KAGGLE = DATA + 'ATLAS-UK-ML_kaggle-higgs'

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hepwb-train-anomaly-'))
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      samples: [
        {
          name: 'higgs',
          role: 'signal',
          files: [join(KAGGLE, 'train_sml_sig.csv')],
          tree: '',
          missing: -999,
        },
        {
          name: 'bkg',
          role: 'background',
          files: [join(KAGGLE, 'train_sml_bg.csv')],
          tree: '',
          missing: -999,
        },
      ],
      variables: [],
      regions: [],
    }),
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const inputs = [
  'DER_mass_MMC',
  'DER_mass_vis',
  'DER_pt_h',
  'PRI_tau_pt',
  'PRI_lep_pt',
  'PRI_met',
  'PRI_jet_num',
  'DER_deltar_tau_lep',
]

const config = (over: object) => {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, JSON.stringify({ kind: 'vae', spec: 'spec.json', inputs, ...over }))
  return file
}

describe('hepwb train --json, kinds ae and vae', () => {
  it('trains a VAE on background only and prints the AUC beside the best single variable', () => {
    const file = config({
      options: {
        epochs: 15,
        likelihood: { PRI_jet_num: 'discrete_gaussian', PRI_met: 'lognormal' },
      },
    })
    const r = hepwb('train', file, '--json', '--out', join(dir, 'vae'))
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.kind).toBe('vae')
    expect(Object.keys(out.metrics.auc)).toEqual(['higgs'])
    // H→ττ is not an anomaly of its background: a modest AUC, and the honest comparison.
    expect(out.metrics.auc.higgs).toBeGreaterThan(0.3)
    expect(out.metrics.auc.higgs).toBeLessThan(0.9)
    expect(inputs).toContain(out.metrics.best_single_variable.name)
    expect(out.metrics.best_single_variable.auc).toBeGreaterThan(0.6)
    expect(Number.isFinite(out.metrics.val_loss)).toBe(true)
    expect(out.seconds).toBeGreaterThan(0)
    expect(out.events_per_second).toBeGreaterThan(0)
    // 60/40 of the 4999 background events; all 4999 signal events scored.
    expect(out.events.train + out.events.validation).toBe(4999)
    expect(out.events.validation / 4999).toBeCloseTo(0.4, 1)
    expect(out.events.signal).toBe(4999)
    expect(out.warnings.join(' ')).toMatch(/DER_mass_MMC.*background training mean/)
    for (const f of out.files) expect(existsSync(f)).toBe(true)
    const result = JSON.parse(readFileSync(join(dir, 'vae', 'result.json'), 'utf8'))
    expect(result.summary.history.kl.length).toBe(result.summary.epochs)
    expect(result.evaluation.signals[0].roc.eff_s.length).toBeGreaterThan(10)
    const model = JSON.parse(readFileSync(out.files[0], 'utf8'))
    expect(model.format).toBe('hepwb-anomaly-model/1')
    expect(model.families).toContain('discrete_gaussian')
    process.stdout.write(
      `kaggle vae: AUC ${out.metrics.auc.higgs}, best single ${out.metrics.best_single_variable.name} ${out.metrics.best_single_variable.auc}\n`,
    )
  }, 120_000)

  it('trains an autoencoder', () => {
    const r = hepwb('train', config({ kind: 'ae', options: { epochs: 15 } }), '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.kind).toBe('ae')
    expect(out.metrics.auc.higgs).toBeGreaterThan(0.3)
    expect(out.metrics.auc.higgs).toBeLessThan(0.9)
    process.stdout.write(
      `kaggle ae: AUC ${out.metrics.auc.higgs}, best single ${out.metrics.best_single_variable.name} ${out.metrics.best_single_variable.auc}\n`,
    )
  }, 120_000)

  it('names the bad field of a config and an option naming no input', () => {
    let r = hepwb('train', config({ options: { beta: -1 } }), '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stderr).error).toMatch(/beta/)
    r = hepwb('train', config({ options: { likelihood: { PRI_met: 'poisson' } } }), '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stderr).error).toMatch(/input 'PRI_met'.*poisson/)
  }, 60_000)
})
