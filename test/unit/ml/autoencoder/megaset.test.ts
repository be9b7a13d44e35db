/**
 * Streaming training from chunks under a memory budget against training in memory: with the
 * preprocessing fitted on all events, the same seed gives the same model (the same batches in
 * the same order, fetched window by window across chunks); with a subsampled fit it still
 * learns as well; windows respect the budget; a budget below one batch is refused.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { silentContext } from '../../../../src/main/engine/jobs/context'
import { chunksOfData, megasetFeed } from '../../../../src/main/engine/ml/autoencoder/megaset'
import { bytesPerEvent } from '../../../../src/main/engine/ml/streaming'
import { trainAnomaly, trainOnFeed } from '../../../../src/main/engine/ml/autoencoder/train'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { type Event, trainingData } from '../training-data'

const inputs = ['a', 'b', 'c', 'n']
function data() {
  const rng = new Random(8)
  const events: Event[] = []
  for (let i = 0; i < 1300; i++) {
    const a = rng.exponential(0.1)
    const b = rng.normal()
    events.push({
      x: [a, b, a * (1 + 0.1 * rng.normal()) + b, Math.floor(rng.exponential(0.5))],
      y: 0,
      part: rng.uniform() < 0.4 ? 1 : 0,
      w: 0.5 + rng.uniform(),
    })
  }
  for (let i = 0; i < 100; i++) events.push({ x: [1, 1, 1, 1], y: 1, part: 2 })
  return trainingData(inputs, events)
}

const config = AnomalyConfig.parse({
  kind: 'vae',
  inputs,
  options: {
    encoder: [12],
    latent: 2,
    epochs: 4,
    batchSize: 64,
    beta: 1,
    likelihood: { n: 'poisson' },
  },
})

describe('megaset training', () => {
  const d = data()

  it('gives the same model as training in memory when the preprocessing sees every event', async () => {
    const memory = await trainAnomaly(d, config, silentContext())
    let reads = 0
    const chunks = chunksOfData(d, 97)
    const counted = { ...chunks, read: (k: number) => (reads++, chunks.read(k)) }
    const feed = await megasetFeed(counted, {
      budgetBytes: bytesPerEvent(4) * 300,
      batchSize: 64,
      fitEvents: Infinity,
    })
    expect(feed.windowSize).toBe(256)
    expect(feed.trainCount).toBe(memory.events.train)
    const streamed = await trainOnFeed(feed, config, silentContext())
    // Several windows per epoch, each a pass over the chunks it needs.
    expect(reads).toBeGreaterThan(4 * chunks.count * 2)
    const close = (a: Float32Array[], b: Float32Array[]) =>
      a.forEach((w, i) => w.forEach((v, k) => expect(b[i][k]).toBeCloseTo(v, 5)))
    close(memory.model.weights.encoder, streamed.model.weights.encoder)
    close(memory.model.weights.decoder, streamed.model.weights.decoder)
    memory.summary.history.val_loss.forEach((v, i) =>
      expect(streamed.summary.history.val_loss[i]!).toBeCloseTo(v!, 4),
    )
    memory.summary.history.loss.forEach((v, i) =>
      expect(streamed.summary.history.loss[i]!).toBeCloseTo(v!, 4),
    )
  })

  it('learns as well with the preprocessing fitted on a subsample', async () => {
    const memory = await trainAnomaly(d, config, silentContext())
    const feed = await megasetFeed(chunksOfData(d, 128), {
      budgetBytes: bytesPerEvent(4) * 200,
      batchSize: 64,
      fitEvents: 150,
      seed: 3,
    })
    const fit = await feed.fitRows()
    expect(fit.n).toBe(150)
    const streamed = await trainOnFeed(feed, config, silentContext())
    const last = (t: typeof memory) => t.summary.history.val_loss.at(-1)!
    expect(Math.abs(last(streamed) - last(memory))).toBeLessThan(0.2 * Math.abs(last(memory)))
  })

  it('refuses a budget that holds less than one batch', async () => {
    await expect(
      megasetFeed(chunksOfData(d, 100), { budgetBytes: bytesPerEvent(4) * 10, batchSize: 64 }),
    ).rejects.toThrow(/holds 10 events of 4 inputs, fewer than one batch \(64\)/)
  })
})
