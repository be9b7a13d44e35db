/**
 * `hepwb tune` as a user runs it (a real process) on a spec of the Kaggle H→ττ CSVs: the
 * issue's JSON output, a seeded random study giving the same trials and values serially and
 * with trials in parallel, Hyperband pruning trials, and a failing trial recorded with its
 * reason while the study goes on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'
import { freePort } from '../helpers/redis-server'
import { KAGGLE } from '../ml/kaggle-higgs'

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hepwb-tune-cli-'))
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      samples: [
        {
          name: 'sig',
          role: 'signal',
          files: [KAGGLE + 'train_sml_sig.csv'],
          tree: '',
          missing: -999,
        },
        {
          name: 'bkg',
          role: 'background',
          files: [KAGGLE + 'train_sml_bg.csv'],
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

const study = (over: object) => {
  const file = join(dir, `study-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(
    file,
    JSON.stringify({
      train: {
        kind: 'mlp',
        spec: 'spec.json',
        inputs: ['DER_mass_MMC', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met'],
        split: { test: 0.4, seed: 1 },
        options: { epochs: 3 },
      },
      space: {
        'options.layers': { choice: [[16], [32, 32], [32, 16, 8]] },
        'options.learningRate': { float: [1e-4, 1e-2], log: true },
        'options.batchSize': { choice: [128, 256] },
        'options.dropout': { float: [0, 0.3] },
      },
      objective: { metric: 'auc_test', direction: 'maximize' },
      algorithm: 'random',
      pruner: 'none',
      trials: 4,
      parallel: 1,
      seed: 1,
      ...over,
    }),
  )
  return file
}

function run(...args: string[]) {
  const r = hepwb('tune', ...args, '--json')
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout)
}

// Each test runs real processes; a machine shared with other work can make them slow.
describe('hepwb tune', { timeout: 180_000 }, () => {
  it('prints the issue’s JSON; serial and parallel seeded random studies agree', () => {
    const file = study({})
    const serial = run(file)
    expect(Object.keys(serial)).toEqual(
      expect.arrayContaining([
        'algorithm',
        'objective',
        'trials',
        'best',
        'total_epochs',
        'seconds',
      ]),
    )
    expect(serial.algorithm).toBe('random')
    expect(serial.objective).toEqual({ name: 'auc_test', direction: 'maximize' })
    expect(serial.trials).toHaveLength(4)
    for (const t of serial.trials) {
      expect(Object.keys(t).sort()).toEqual([
        'epochs',
        'number',
        'params',
        'seconds',
        'state',
        'value',
      ])
      expect(t.state).toBe('complete')
      expect(t.value).toBeGreaterThan(0)
      expect(t.value).toBeLessThan(1)
      expect(t.epochs).toBe(3)
    }
    const best = serial.trials.reduce((a: { value: number }, b: { value: number }) =>
      b.value > a.value ? b : a,
    )
    expect(serial.best).toEqual({ number: best.number, params: best.params, value: best.value })
    expect(serial.total_epochs).toBe(12)
    const parallel = run(file, '--parallel', '3')
    const strip = (r: { trials: object[] }) =>
      r.trials.map(({ seconds: _s, ...t }: { seconds?: number }) => t)
    expect(strip(parallel)).toEqual(strip(serial))
  })

  it('--threads N without --parallel runs min(N, trials) trials at once on the threads', () => {
    const file = study({
      train: {
        kind: 'mlp',
        spec: 'spec.json',
        inputs: ['DER_mass_MMC', 'PRI_met'],
        split: { test: 0.4, seed: 1 },
        options: { epochs: 1 },
      },
      space: { 'options.learningRate': { float: [1e-3, 1e-2], log: true } },
      trials: 3,
      // No "parallel" in the config: --threads decides.
      parallel: undefined,
      seed: 2,
    })
    const serial = run(file)
    expect(serial.parallel).toBe(1)
    const threads = run(file, '--threads', '2')
    expect(threads.executor).toBe('2 threads')
    expect(threads.parallel).toBe(2)
    const strip = (r: { trials: object[] }) =>
      r.trials.map(({ seconds: _s, ...t }: { seconds?: number }) => t)
    expect(strip(threads)).toEqual(strip(serial))
    // Named trials at once win over the threads.
    const one = run(file, '--threads', '2', '--parallel', '1')
    expect(one.parallel).toBe(1)
    expect(strip(one)).toEqual(strip(serial))
  })

  it('--threads 2 --parallel 2 runs trials on worker threads, two at a time, as the serial run', () => {
    const file = study({
      train: {
        kind: 'mlp',
        spec: 'spec.json',
        inputs: ['DER_mass_MMC', 'DER_mass_vis', 'PRI_met'],
        split: { test: 0.4, seed: 1 },
        options: { epochs: 2 },
      },
      space: {
        'options.learningRate': { float: [1e-3, 1e-2], log: true },
        // 0.95 is above the network's largest dropout: its trial fails where it runs.
        'options.dropout': { choice: [0, 0.95] },
      },
      trials: 4,
      seed: 4,
    })
    const serial = run(file)
    const threads = run(file, '--threads', '2', '--parallel', '2')
    expect(threads.executor).toBe('2 threads')
    expect(serial.executor).toBe('this process')
    const strip = (r: { trials: object[] }) =>
      r.trials.map(({ seconds: _s, reason: _r, ...t }: { seconds?: number; reason?: string }) => t)
    expect(strip(threads)).toEqual(strip(serial))
    expect(
      serial.trials.filter((t: { state: string }) => t.state === 'complete').length,
    ).toBeGreaterThan(0)
    // A trial that fails is a failed trial wherever it runs, with the same reason.
    const failed = threads.trials.filter((t: { state: string }) => t.state === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.map((t: { reason: string }) => t.reason)).toEqual(
      serial.trials
        .filter((t: { state: string }) => t.state === 'failed')
        .map((t: { reason: string }) => t.reason),
    )
    for (const t of failed) expect(t.reason).toMatch(/dropout/)
  })

  it('stops with an error, not failed trials, when the trials cannot run where asked', async () => {
    const port = await freePort() // nothing listens there
    const r = hepwb('tune', study({}), '--cluster', `redis://127.0.0.1:${port}`, '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stderr).error).toMatch(
      new RegExp(
        `trial 0 could not run on cluster redis://127\\.0\\.0\\.1:${port}: cannot reach Redis`,
      ),
    )
    expect(r.stdout).toBe('')
  })

  it('Hyperband prunes trials at its rungs; a failing trial is recorded and the study goes on', () => {
    const out = run(
      study({
        train: {
          kind: 'mlp',
          spec: 'spec.json',
          inputs: ['DER_mass_MMC', 'DER_mass_vis', 'PRI_met'],
          split: { test: 0.4, seed: 1 },
          options: { epochs: 9, patience: 0 },
        },
        space: {
          'options.learningRate': { float: [1e-5, 1e-2], log: true },
          // 0.95 is above the network's largest dropout: that trial's config is invalid.
          'options.dropout': { choice: [0, 0.1, 0.95] },
        },
        pruner: 'hyperband',
        trials: 12,
        seed: 2,
      }),
    )
    expect(out.trials).toHaveLength(12)
    const states = out.trials.map((t: { state: string }) => t.state)
    expect(states).toContain('pruned')
    expect(states).toContain('complete')
    const failed = out.trials.filter((t: { state: string }) => t.state === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    for (const t of failed) {
      expect(t.params['options.dropout']).toBe(0.95)
      expect(t.value).toBeNull()
      expect(t.reason).toMatch(/dropout/)
    }
    for (const t of out.trials.filter((t: { state: string }) => t.state === 'pruned'))
      expect(t.epochs).toBeLessThan(9)
    expect(out.total_epochs).toBeLessThan(12 * 9)
  })

  it('records a trial whose loss diverges to NaN as failed, with the epoch', () => {
    const out = run(
      study({
        train: {
          kind: 'mlp',
          spec: 'spec.json',
          inputs: ['DER_mass_vis', 'DER_pt_h', 'PRI_met_sumet'],
          // Unscaled inputs, linear units, SGD with heavy momentum: a rate of 10 diverges.
          preprocess: { standardise: false },
          options: { epochs: 3, optimizer: 'sgd', activation: 'linear', momentum: 0.99 },
        },
        space: { 'options.learningRate': { choice: [0.001, 10] } },
        algorithm: 'grid',
        trials: 2,
      }),
    )
    const byRate = Object.fromEntries(
      out.trials.map((t: { params: Record<string, number> }) => [
        t.params['options.learningRate'],
        t,
      ]),
    )
    expect(byRate['0.001'].state).toBe('complete')
    expect(byRate['10'].state).toBe('failed')
    expect(byRate['10'].value).toBeNull()
    expect(byRate['10'].reason).toMatch(/NaN at epoch \d/)
    expect(out.best.params['options.learningRate']).toBe(0.001)
  })

  it('tunes an autoencoder on the anomaly AUC of a signal sample', () => {
    const out = run(
      study({
        train: {
          kind: 'ae',
          spec: 'spec.json',
          inputs: ['DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met'],
          options: { epochs: 3 },
        },
        space: {
          'options.latent': { int: [1, 3] },
          'options.learningRate': { float: [1e-3, 1e-2], log: true },
        },
        objective: { metric: 'anomaly_auc', signal: 'sig' },
        trials: 2,
      }),
    )
    expect(out.objective).toEqual({ name: 'anomaly_auc', direction: 'maximize' })
    for (const t of out.trials) {
      expect(t.state).toBe('complete')
      expect(t.value).toBeGreaterThan(0.2)
      expect(t.value).toBeLessThan(1)
      expect(t.epochs).toBe(3)
    }
  })

  it('grid-searches INFERNO’s bins on the paper benchmark, minimising σ of the signal yield', () => {
    const out = run(
      study({
        train: {
          kind: 'inferno',
          benchmark: 'B2',
          epochs: 2,
          trainEvents: 2000,
          testEvents: 4000,
          patience: 0,
        },
        space: { bins: { int: [4, 12], grid: [4, 10] } },
        objective: { metric: 'sigma_poi' },
        algorithm: 'grid',
        trials: 10,
      }),
    )
    expect(out.objective).toEqual({ name: 'sigma_poi', direction: 'minimize' })
    expect(out.trials.map((t: { params: { bins: number } }) => t.params.bins).sort()).toEqual([
      10, 4,
    ])
    for (const t of out.trials) {
      expect(t.state).toBe('complete')
      // σ(s) of a 50-event signal over 1000 background events: between √50 and the yield itself.
      expect(t.value).toBeGreaterThan(7)
      expect(t.value).toBeLessThan(60)
      expect(t.epochs).toBe(2)
    }
  })

  it('tunes on a project (its samples through its spec) as on the spec it was made from', () => {
    const project = join(dir, 'from-spec.hepwb')
    const made = hepwb('spec', 'open', join(dir, 'spec.json'), project)
    expect(made.code, made.stderr).toBe(0)
    const config = (source: object) =>
      study({
        train: {
          kind: 'mlp',
          ...source,
          inputs: ['DER_mass_vis', 'DER_pt_h', 'PRI_met'],
          split: { test: 0.4, seed: 1 },
          options: { epochs: 2 },
        },
        space: { 'options.learningRate': { float: [1e-3, 1e-2], log: true } },
        trials: 2,
      })
    const fromProject = run(config({ project: 'from-spec.hepwb' }))
    const fromSpec = run(config({ spec: 'spec.json' }))
    const values = (r: { trials: { value: number }[] }) => r.trials.map((t) => t.value)
    expect(values(fromProject)).toEqual(values(fromSpec))
    expect(fromProject.trials.every((t: { state: string }) => t.state === 'complete')).toBe(true)
  })

  it('names the key of a bad config', () => {
    const r = hepwb('tune', study({ algorithm: 'bayes' }), '--json')
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stderr).error).toMatch(/"algorithm" is one of grid, random, tpe/)
    const s = hepwb('tune', study({ space: { 'options.dropout': { float: [0.3, 0.1] } } }))
    expect(s.stderr).toMatch(/options\.dropout.*above/)
  })
})
