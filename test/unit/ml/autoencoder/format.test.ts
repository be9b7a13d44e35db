/**
 * A trained VAE written to files and read back scores every event exactly as before (same
 * architecture, preprocessing, families, prior and weights); a document whose shapes or weight
 * data do not fit is refused saying what does not fit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { silentContext } from '../../../../src/main/engine/jobs/context'
import {
  fromStored,
  readAnomalyModel,
  writeAnomalyModel,
} from '../../../../src/main/engine/ml/autoencoder/format'
import { eventLosses, jsRunner } from '../../../../src/main/engine/ml/autoencoder/model'
import { trainAnomaly } from '../../../../src/main/engine/ml/autoencoder/train'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { type Event, trainingData } from '../training-data'

const dir = mkdtempSync(join(tmpdir(), 'hepwb-anomaly-format-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('stored anomaly model', () => {
  it('round-trips a VAE with a trained prior and mixed families', async () => {
    const rng = new Random(4)
    const events: Event[] = Array.from({ length: 600 }, (_, i) => {
      const pt = rng.exponential(0.05)
      return {
        x: [
          pt,
          rng.uniform() < 0.2 ? 0 : pt * (1 + 0.1 * rng.normal()) + 1,
          Math.floor(rng.exponential(0.7)),
          rng.normal(),
        ],
        y: i < 500 ? 0 : 1,
        part: i < 500 ? (i % 5 < 2 ? 1 : 0) : 2,
      }
    })
    const data = trainingData(['pt', 'met', 'njet', 'eta'], events)
    const config = AnomalyConfig.parse({
      kind: 'vae',
      name: 'round trip',
      inputs: data.inputs,
      options: {
        encoder: [8],
        latent: 2,
        epochs: 3,
        trainablePrior: true,
        likelihood: { met: 'lognormal', njet: 'poisson', eta: 'gaussian' },
      },
    })
    const trained = await trainAnomaly(data, config, silentContext())
    const files = await writeAnomalyModel(dir, 'round trip', trained.model, config)
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'round_trip.hepwb-anomaly.json',
      'round_trip.weights.bin',
    ])
    const back = await readAnomalyModel(files[0])
    const before = eventLosses(
      trained.model,
      jsRunner(trained.model.arch, trained.model.weights),
      data.x,
      data.n,
    )
    const after = eventLosses(back, jsRunner(back.arch, back.weights), data.x, data.n)
    expect(Array.from(after.score)).toEqual(Array.from(before.score))
    expect(Array.from(after.perFeature)).toEqual(Array.from(before.perFeature))
    expect(back.arch.families).toEqual(['gaussian', 'lognormal', 'poisson', 'gaussian'])

    const doc = JSON.parse(readFileSync(files[0], 'utf8'))
    const bin = new Uint8Array(readFileSync(files[1]))
    expect(() => fromStored(doc, bin.subarray(0, bin.length - 4))).toThrow(/shorter/)
    const bad = structuredClone(doc)
    bad.weights.arrays[0].shape = [3, 8]
    expect(() => fromStored(bad, bin)).toThrow(
      /encoder\/kernel_1 has shape \[3,8\], expected \[4,8\]/,
    )
    writeFileSync(
      join(dir, 'evil.json'),
      JSON.stringify({ ...doc, weights: { ...doc.weights, file: '../x.bin' } }),
    )
    await expect(readAnomalyModel(join(dir, 'evil.json'))).rejects.toThrow(/beside the document/)
  })
})
