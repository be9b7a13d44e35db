/**
 * Watching an autoencoder / VAE learn (issue 14): the `anomaly.watch` snapshots a training
 * sends. One event per process as input vs reconstruction (equal to the trained model's own
 * reconstruction of that event), the latent space of every process (2-D latent directly, a
 * larger one through PCA), a picture after every step while paused and a throttled few while
 * running.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { JobGate } from '../../../../src/main/engine/jobs/gate'
import { type JobContext, silentContext } from '../../../../src/main/engine/jobs/context'
import { reconstructed } from '../../../../src/main/engine/ml/autoencoder/display'
import { applyInputTransform } from '../../../../src/main/engine/ml/autoencoder/input-transform'
import { eventLosses, jsRunner, targets } from '../../../../src/main/engine/ml/autoencoder/model'
import { trainAnomaly } from '../../../../src/main/engine/ml/autoencoder/train'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { AnomalyWatch } from '../../../../src/shared/contract/anomaly-watch'
import { type Event, trainingData } from '../training-data'

const inputs = ['x1', 'x2', 'x3', 'x4']

/** Background on a plane in 4 inputs, signal off it (as model.test.ts). */
function planeData(seed = 3) {
  const rng = new Random(seed)
  const events: Event[] = []
  const point = (flip: number) => {
    const a = rng.normal()
    const b = rng.normal()
    const e = () => 0.05 * rng.normal()
    return [a + e(), b + e(), flip * (a + b) + e(), a - b + e()]
  }
  for (let i = 0; i < 1200; i++)
    events.push({ x: point(1), y: 0, part: rng.uniform() < 0.4 ? 1 : 0 })
  for (let i = 0; i < 200; i++) events.push({ x: point(-1), y: 1, part: 2 })
  return trainingData(inputs, events)
}

const config = (kind: 'ae' | 'vae', latent: number, epochs: number) =>
  AnomalyConfig.parse({
    kind,
    inputs,
    preprocess: { log: 'none' },
    options: { encoder: [16], latent, epochs, batchSize: 64, learningRate: 5e-3, patience: 0 },
  })

/** A context that records the watch snapshots (and whatever gate is given). */
function watching(gate?: JobGate) {
  const pictures: AnomalyWatch[] = []
  const signal = new AbortController().signal
  gate?.cancelOn(signal)
  const ctx: JobContext = {
    ...silentContext(signal),
    gate,
    snapshot: (name, _step, data) => {
      if (name === 'anomaly.watch') pictures.push(AnomalyWatch.parse(data))
    },
  }
  return { ctx, pictures }
}

describe('autoencoder watch', () => {
  const data = planeData()

  it('shows each process’s event as the model reconstructs it, and the 2-D latent directly', async () => {
    const { ctx, pictures } = watching()
    const trained = await trainAnomaly(data, config('ae', 2, 6), ctx)
    // The initial picture and one per epoch end at least (throttled ones between).
    expect(pictures.length).toBeGreaterThanOrEqual(7)
    const first = pictures[0]
    const last = pictures[pictures.length - 1]
    expect(first.batch).toBe(0)
    expect(last.epoch).toBe(6)
    expect(last.inputs).toEqual(inputs)
    expect(last.events.map((e) => e.process)).toEqual(['bkg', 'sig'])
    expect(last.latent.axes).toBe('latent')
    // 150 validation background events and 150 signal events, each a finite point.
    expect(last.latent.processes.map((p) => [p.name, p.points.length])).toEqual([
      ['bkg', 150],
      ['sig', 150],
    ])
    // The reconstruction of the last picture is the trained model's own (the last epoch is the
    // best here: the loss falls throughout), recomputed in plain JavaScript (float32 vs 64).
    expect(trained.summary.bestEpoch).toBe(5)
    const model = trained.model
    const run = jsRunner(model.arch, model.weights)
    const bkgRow = data.y.indexOf(0, 0)
    let firstValidation = -1
    for (let i = 0; i < data.n && firstValidation < 0; i++)
      if (data.y[i] === 0 && data.part[i] === 1) firstValidation = i
    expect(firstValidation).toBeGreaterThanOrEqual(bkgRow)
    const raw = data.x.slice(firstValidation * 4, firstValidation * 4 + 4)
    const latent = eventLosses(model, run, raw, 1).latent
    const rec = reconstructed(model, run, latent, 1)
    const target = targets(model.arch, raw, applyInputTransform(model.transform, raw, 1), 1)
    for (let j = 0; j < 4; j++) {
      expect(last.events[0].input[j]).toBeCloseTo(target[j], 5)
      expect(last.events[0].reconstruction[j]).toBeCloseTo(rec[j], 4)
    }
    // Learning shows: the background event is reconstructed better at the end than at the start.
    const err = (e: AnomalyWatch['events'][number]) =>
      e.input.reduce((s, v, j) => s + (v - e.reconstruction[j]) ** 2, 0)
    expect(err(last.events[0])).toBeLessThan(err(first.events[0]))
  })

  it('projects a larger latent space on two principal components; watching changes no weight', async () => {
    const { ctx, pictures } = watching()
    const watched = await trainAnomaly(data, config('vae', 3, 2), ctx)
    const plain = await trainAnomaly(data, config('vae', 3, 2), silentContext())
    expect(watched.model.weights).toEqual(plain.model.weights)
    const last = pictures[pictures.length - 1]
    expect(last.latent.axes).toBe('pca')
    expect(last.latent.explained).toHaveLength(2)
    expect(last.latent.explained[0]).toBeGreaterThanOrEqual(last.latent.explained[1])
    expect(last.events).toHaveLength(2)
  })

  it('takes a picture after each step while paused', async () => {
    const gate = new JobGate()
    gate.pause()
    const { ctx, pictures } = watching(gate)
    const done = trainAnomaly(data, config('ae', 2, 3), ctx)
    await new Promise((r) => setTimeout(r, 200))
    const before = pictures.length
    for (let k = 1; k <= 3; k++) {
      gate.step('batch')
      await gate.settled()
      expect(pictures.length).toBe(before + k)
      expect(pictures[pictures.length - 1].batch).toBe(gate.state.batches)
    }
    gate.resume()
    await done
  })
})
