/**
 * Megasets from the sample files: training streamed from CSV files in entry ranges (a region
 * cut, a derived variable, a weight expression, missing values, two files in one chain) under
 * a budget forcing several chunks gives the model trained in memory on the same spec and seed.
 * Tolerance: float32 tensors in both, the same batches in the same order, so the differences
 * are the order of float64 sums (≈1e-15 relative) rounding differently to float32 — we allow
 * 1e-5 absolute on weights and 1e-4 relative on losses.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { Random } from '../../../../src/main/engine/data/random'
import { silentContext } from '../../../../src/main/engine/jobs/context'
import { anomalyTrainingData } from '../../../../src/main/engine/ml/autoencoder/data'
import { fileChunks } from '../../../../src/main/engine/ml/autoencoder/file-chunks'
import { trainStreamed } from '../../../../src/main/engine/ml/autoencoder/streamed'
import { bytesPerEvent, chunkEntries, eventDraw } from '../../../../src/main/engine/ml/streaming'
import { trainAnomaly } from '../../../../src/main/engine/ml/autoencoder/train'
import { PART } from '../../../../src/main/engine/ml/dataset'
import { specSource } from '../../../../src/main/engine/app/spec-source'
import {
  openTrainingSamples,
  streamedChunks,
  trainingEvents,
} from '../../../../src/main/engine/app/training-set'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { ANOMALY_WATCH, AnomalyWatch } from '../../../../src/shared/contract/anomaly-watch'
import { AnalysisSpec } from '../../../../src/shared/spec'
import type { GlobalOptions } from '../../../../src/main/cli/action'
import { trainAnomalyCommand } from '../../../../src/main/cli/commands/train-anomaly'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-megaset-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A CSV of n events: pt (positive, skewed), eta, njet (count), w (weight), some pt missing (-999). */
function csv(name: string, n: number, seed: number, shift = 0): string {
  const rng = new Random(seed)
  const lines = ['pt,eta,njet,w']
  for (let i = 0; i < n; i++) {
    const pt = 20 + rng.exponential(1 / 30) + shift
    lines.push(
      [
        i % 97 === 5 ? -999 : pt.toFixed(4),
        rng.normal().toFixed(4),
        Math.floor(rng.exponential(0.7)),
        (0.5 + rng.uniform()).toFixed(4),
      ].join(','),
    )
  }
  const path = join(dir, name)
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

const spec = AnalysisSpec.parse({
  samples: [
    { name: 'sig', role: 'signal', files: [csv('sig.csv', 300, 1, 80)], tree: '' },
    {
      name: 'bkg',
      role: 'background',
      files: [csv('bkg1.csv', 1100, 2), csv('bkg2.csv', 700, 3)],
      tree: '',
      weight: 'w',
    },
    { name: 'other', role: 'background', files: [csv('other.csv', 500, 4)], tree: '' },
  ],
  variables: [{ name: 'abseta', expr: 'abs(eta)' }],
  regions: [{ name: 'central', cuts: [{ expr: 'abseta < 2' }] }],
})

/** The spec's background samples as chunks sized under `budget` bytes (streamPartitions). */
async function backgroundChunks(budget: number) {
  const { samples, cuts } = await openTrainingSamples(specSource(spec), config, silentContext())
  return streamedChunks(
    samples.filter((s) => s.role === 'background'),
    cuts,
    budget,
  )
}

const specTrainingEvents = (s: AnalysisSpec, c: AnomalyConfig, ctx = silentContext()) =>
  trainingEvents(specSource(s), c, ctx)

const config = AnomalyConfig.parse({
  kind: 'vae',
  inputs: ['pt', 'abseta', 'njet'],
  region: 'central',
  missing: { policy: 'mean', values: [-999] },
  options: {
    encoder: [8],
    latent: 2,
    epochs: 3,
    batchSize: 64,
    likelihood: { njet: 'poisson' },
  },
})

describe('megaset training from sample files', () => {
  it('is watched as it trains: the first validation events of each background sample, the same model', async () => {
    const budget = Math.ceil((300 * bytesPerEvent(3) * 4) / 3)
    const pictures: AnomalyWatch[] = []
    const watched = await trainStreamed(await backgroundChunks(budget), config, budget, {
      ...silentContext(),
      snapshot: (name, _step, picture) => {
        if (name === ANOMALY_WATCH) pictures.push(AnomalyWatch.parse(picture))
      },
    })
    const plain = await trainStreamed(
      await backgroundChunks(budget),
      config,
      budget,
      silentContext(),
    )
    // Watching reads chunks and runs the model; it changes nothing the training does.
    expect(watched.model.weights).toEqual(plain.model.weights)
    const last = pictures[pictures.length - 1]
    expect(last.epoch).toBe(3)
    expect(last.events.map((e) => [e.process, e.role])).toEqual([
      ['bkg', 'background'],
      ['other', 'background'],
    ])
    expect(last.latent.processes.map((p) => p.points.length)).toEqual([150, 150])
  })

  it('decides the split per event from the seed and the global index', () => {
    const draws = Array.from({ length: 20000 }, (_, i) => eventDraw(7, i))
    const mean = draws.reduce((a, v) => a + v, 0) / draws.length
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01) // σ of the mean ≈ 0.002
    expect(eventDraw(7, 123)).toBe(eventDraw(7, 123))
    expect(eventDraw(7, 123)).not.toBe(eventDraw(8, 123))
  })

  it('gives the same events, split and weights as the data set in memory', async () => {
    const ctx = silentContext()
    const { data } = anomalyTrainingData(await specTrainingEvents(spec, config, ctx), config)
    // 62.5 kB: a quarter of it over 8 bytes × (4 columns read + 3 inputs + 1) is 250 entries for
    // 'bkg' (pt, eta, njet and its weight w), 285 for 'other' (no weight column).
    const source = await fileChunks(await backgroundChunks(64000), config, ctx)
    // 1100 + 700 + 500 entries in ranges of 250, 250 and 285: 5 + 3 + 2 chunks.
    expect(source.chunks.count).toBe(10)
    const rows: { x: number[]; w: number; part: number }[] = []
    for (let k = 0; k < source.chunks.count; k++) {
      const c = await source.chunks.read(k)
      for (let i = 0; i < c.n; i++)
        rows.push({ x: Array.from(c.x.subarray(i * 3, i * 3 + 3)), w: c.w[i], part: c.part[i] })
    }
    const bg: number[] = []
    for (let i = 0; i < data.n; i++) if (!data.y[i]) bg.push(i)
    expect(rows).toHaveLength(bg.length)
    bg.forEach((i, r) => {
      expect(rows[r].part).toBe(data.part[i])
      expect(rows[r].w).toBeCloseTo(data.w[i], 12)
      for (let j = 0; j < 3; j++) expect(rows[r].x[j]).toBeCloseTo(data.x[i * 3 + j], 10)
    })
    expect(bg.some((i) => data.part[i] === PART.validation)).toBe(true)
  })

  it('trains the same model as in memory under a budget that forces several chunks', async () => {
    const ctx = silentContext()
    const { data } = anomalyTrainingData(await specTrainingEvents(spec, config, ctx), config)
    const memory = await trainAnomaly(data, config, ctx)
    // A window of 3/4 · budget / bytesPerEvent(3) = 300 events → 256 (4 batches).
    const budget = Math.ceil((300 * bytesPerEvent(3) * 4) / 3)
    expect(chunkEntries(budget, 4, 3)).toBeLessThan(600) // ≥ 4 chunks of 2300 entries
    const streamed = await trainStreamed(await backgroundChunks(budget), config, budget, ctx)
    expect(streamed.source.chunks.count).toBeGreaterThanOrEqual(3)
    expect(streamed.events).toEqual(memory.events)
    expect(streamed.model.transform.log).toEqual(memory.model.transform.log)
    streamed.model.transform.pre.mean.forEach((v, j) =>
      expect(v).toBeCloseTo(memory.model.transform.pre.mean[j], 10),
    )
    const close = (a: Float32Array[], b: Float32Array[]) =>
      a.forEach((w, i) => w.forEach((v, k) => expect(Math.abs(b[i][k] - v)).toBeLessThan(1e-5)))
    close(memory.model.weights.encoder, streamed.model.weights.encoder)
    close(memory.model.weights.decoder, streamed.model.weights.decoder)
    for (const key of ['loss', 'val_loss'] as const)
      memory.summary.history[key].forEach((v, i) => {
        const s = streamed.summary.history[key][i]!
        expect(Math.abs(s - v!)).toBeLessThan(1e-4 * Math.abs(v!))
      })
  })
})

describe('hepwb train with a memory budget', () => {
  it('streams when asked and reports the same AUC and validation loss as in memory', async () => {
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec))
    const file = (over: object) => {
      const path = join(dir, `config-${JSON.stringify(over).length}.json`)
      const raw = AnomalyConfig.parse(config)
      writeFileSync(
        path,
        JSON.stringify({ ...raw, spec: 'spec.json', options: { ...raw.options, ...over } }),
      )
      return path
    }
    const memory = await trainAnomalyCommand(file({}), {} as GlobalOptions)
    const streamed = await trainAnomalyCommand(
      file({ stream: true, memoryBudgetMB: 1 }),
      {} as GlobalOptions,
    )
    expect(streamed.warnings.join(' ')).toMatch(
      /trained streaming from the sample files in 3 chunks/,
    )
    expect(memory.warnings.join(' ')).not.toMatch(/streaming/)
    expect(streamed.events).toEqual(memory.events)
    // Every validation event fits the budget: the same events scored by the same model.
    expect(streamed.metrics.auc.sig).toBeCloseTo(memory.metrics.auc.sig!, 6)
    expect(streamed.metrics.val_loss).toBeCloseTo(memory.metrics.val_loss!, 5)
    expect(memory.metrics.auc.sig).toBeGreaterThan(0.7)
  })
})
