/**
 * `hepwb train` as a user runs it (a real process, from source) on a spec of the Kaggle H→ττ
 * CSVs with −999 for undefined values: the JSON output of the issue, the model files written
 * with --out, and a config error named with its field.
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
  dir = mkdtempSync(join(tmpdir(), 'hepwb-train-cli-'))
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      samples: [
        {
          name: 'sig',
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
      regions: [{ name: 'all', cuts: [{ name: 'any', expr: 'DER_mass_vis > 0' }] }],
    }),
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const config = (over: object) => {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(
    file,
    JSON.stringify({
      kind: 'lda',
      spec: 'spec.json',
      region: 'all',
      signal: ['sig'],
      background: ['bkg'],
      inputs: ['DER_mass_MMC', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met'],
      split: { test: 0.4, seed: 1 },
      ...over,
    }),
  )
  return file
}

describe('hepwb train', () => {
  it('trains Fisher and prints the metrics JSON of the issue', () => {
    const r = hepwb('train', config({}), '--json', '--out', join(dir, 'fisher'))
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.kind).toBe('lda')
    expect(Object.keys(out.metrics).sort()).toEqual([
      'auc_test',
      'auc_train',
      'ks_p_background',
      'ks_p_signal',
    ])
    expect(out.metrics.auc_test).toBeGreaterThan(0.7)
    expect(out.events.train + out.events.test).toBeGreaterThan(5000)
    expect(out.warnings.join(' ')).toMatch(/DER_mass_MMC.*missing values/)
    expect(out.backend).toBe('js')
    for (const f of out.files) expect(existsSync(f)).toBe(true)
    const model = JSON.parse(readFileSync(out.files[0], 'utf8'))
    expect(model.format).toBe('hepwb-model/1')
    expect(model.inputs).toHaveLength(5)
  }, 60_000)

  it('trains a network that clearly beats Fisher on all 30 Kaggle features', () => {
    const inputs = readFileSync(join(KAGGLE, 'train_sml_sig.csv'), 'utf8')
      .split('\n')[0]
      .split(',')
      .filter((c) => /^(DER|PRI)_/.test(c))
    expect(inputs).toHaveLength(30)
    const run = (kind: string, options: object) => {
      const r = hepwb('train', config({ kind, inputs, region: null, options }), '--json')
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout).metrics.auc_test as number
    }
    const fisher = run('lda', {})
    const net = run('mlp', { layers: [64, 64], epochs: 60, patience: 10, batchSize: 128 })
    // Measured 0.797 vs 0.870 (seed 1): the non-linear jet/−999 structure is out of Fisher's reach.
    expect(fisher).toBeGreaterThan(0.76)
    expect(net).toBeGreaterThan(fisher + 0.04)
  }, 120_000)

  it('trains Fisher out of core under --memory 1M and prints the in-memory metrics', () => {
    const file = config({})
    const run = (...extra: string[]) => {
      const r = hepwb('train', file, '--json', ...extra)
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout)
    }
    const inMemory = run()
    const streamed = run('--memory', '1M')
    expect(inMemory.streamed).toBeUndefined()
    expect(streamed.streamed.partitions).toBeGreaterThan(4)
    // The shape the network's streaming prints too, with the passes Fisher made.
    expect(streamed.streamed).toEqual({
      partitions: streamed.streamed.partitions,
      passes: 4,
      budget_bytes: 2 ** 20,
    })
    expect(streamed.events).toEqual(inMemory.events)
    expect(streamed.warnings).toEqual(inMemory.warnings)
    for (const k of ['auc_train', 'auc_test', 'ks_p_signal', 'ks_p_background'])
      expect(Math.abs(streamed.metrics[k] - inMemory.metrics[k])).toBeLessThan(
        1e-10 * Math.abs(inMemory.metrics[k]),
      )
  }, 60_000)

  it('names the bad field of a config', () => {
    const r = hepwb('train', config({ kind: 'svm' }), '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stderr).error).toMatch(/kind/)
  }, 30_000)
})
