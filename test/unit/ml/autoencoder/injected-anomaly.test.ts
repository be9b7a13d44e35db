/**
 * The injected-anomaly check on real background: the Kaggle H→ττ background sample
 * (test/data), trained on its 60% training part; in 5% of the validation events the lepton
 * pT is scaled by 5, and those events must score as anomalous against the untouched
 * validation background with AUC ≥ 0.9 — for the autoencoder and for the VAE (with a
 * log-normal likelihood for the missing transverse energy).
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { readCsvColumns } from '../../../../src/main/engine/io/csv'
import { silentContext } from '../../../../src/main/engine/jobs/context'
import { jsRunner } from '../../../../src/main/engine/ml/autoencoder/model'
import { evaluateAnomaly, scoreData } from '../../../../src/main/engine/ml/autoencoder/score'
import { trainAnomaly } from '../../../../src/main/engine/ml/autoencoder/train'
import type { TrainingData } from '../../../../src/main/engine/ml/dataset'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { KAGGLE, kaggleAvailable } from '../kaggle-higgs'

/** Inputs always defined in this sample (no −999). */
const inputs = [
  'PRI_tau_pt',
  'PRI_lep_pt',
  'PRI_met',
  'DER_mass_vis',
  'DER_pt_h',
  'DER_deltar_tau_lep',
  'DER_mass_transverse_met_lep',
  'DER_sum_pt',
]
const SCALED = inputs.indexOf('PRI_lep_pt')

async function injected(): Promise<{ data: TrainingData; injected: number }> {
  const cols = await readCsvColumns(
    KAGGLE + 'train_sml_bg.csv',
    [...inputs, 'Weight'],
    silentContext(),
  )
  const weight = Float64Array.from(cols.get('Weight')!.values as Float64Array)
  const n = weight.length
  const d = inputs.length
  const x = new Float64Array(n * d)
  inputs.forEach((name, j) => {
    const v = cols.get(name)!.values
    for (let i = 0; i < n; i++) x[i * d + j] = Number(v[i])
  })
  const rng = new Random(11)
  const part = Uint8Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0))
  const y = new Uint8Array(n)
  let count = 0
  for (let i = 0; i < n; i++)
    if (part[i] === 1 && rng.uniform() < 0.05) {
      y[i] = 1
      part[i] = 2
      x[i * d + SCALED] *= 5
      count++
    }
  const data: TrainingData = {
    inputs,
    n,
    d,
    x,
    y,
    w: Float64Array.from(weight),
    weight,
    part,
    sample: Uint16Array.from(y),
    samples: [
      { name: 'background', role: 'background' },
      { name: 'lep_pt x5', role: 'signal' },
    ],
  }
  return { data, injected: count }
}

describe.skipIf(!kaggleAvailable)('an injected anomaly in real background', () => {
  for (const kind of ['ae', 'vae'] as const)
    it(`${kind}: lepton pT × 5 on 5% of validation events is found with AUC ≥ 0.9`, async () => {
      const { data, injected: count } = await injected()
      expect(count).toBeGreaterThan(60)
      const config = AnomalyConfig.parse({
        kind,
        inputs,
        options: {
          encoder: [32, 16],
          latent: 3,
          epochs: 20,
          patience: 5,
          ...(kind === 'vae' ? { beta: 0.5, likelihood: { PRI_met: 'lognormal' } } : {}),
        },
      })
      const trained = await trainAnomaly(data, config, silentContext())
      expect(trained.summary.logInputs).toContain('PRI_lep_pt')
      const { arch, weights } = trained.model
      const ev = evaluateAnomaly(data, scoreData(trained.model, jsRunner(arch, weights), data))
      expect(ev.signals[0].auc!).toBeGreaterThanOrEqual(0.9)
      // The per-feature loss points at the scaled input.
      const excess = ev.features.map((f) => f.signal! - f.background!)
      expect(excess.indexOf(Math.max(...excess))).toBe(SCALED)
    })
})
