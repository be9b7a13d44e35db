/**
 * Training autoencoders and VAEs on a background that lives on a 2-dimensional plane in 4
 * inputs (x₃ = x₁ + x₂, x₄ = x₁ − x₂, small noise) against a "signal" with the same marginals
 * off the plane (x₃ = −(x₁ + x₂)): no single input separates them (AUC ≈ 0.5) but a 2-latent
 * autoencoder must. Also: a VAE with β = 0 and Gaussian reconstruction behaves like the
 * autoencoder, the same seed gives the same model, a trainable prior is trained, and a family
 * that does not fit an input is refused naming the input.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { silentContext } from '../../../../src/main/engine/jobs/context'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import {
  disposeTensors,
  eventLosses,
  jsRunner,
  modelTensors,
  tensorRunner,
} from '../../../../src/main/engine/ml/autoencoder/model'
import { evaluateAnomaly, scoreData } from '../../../../src/main/engine/ml/autoencoder/score'
import { trainAnomaly } from '../../../../src/main/engine/ml/autoencoder/train'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { type Event, trainingData } from '../training-data'

const inputs = ['x1', 'x2', 'x3', 'x4']

function planeData(seed = 3) {
  const rng = new Random(seed)
  const events: Event[] = []
  const point = (flip: number) => {
    const a = rng.normal()
    const b = rng.normal()
    const e = () => 0.05 * rng.normal()
    return [a + e(), b + e(), flip * (a + b) + e(), a - b + e()]
  }
  for (let i = 0; i < 2000; i++)
    events.push({ x: point(1), y: 0, part: rng.uniform() < 0.4 ? 1 : 0 })
  for (let i = 0; i < 300; i++) events.push({ x: point(-1), y: 1, part: 2 })
  return trainingData(inputs, events)
}

const config = (over: object) =>
  AnomalyConfig.parse({
    kind: 'ae',
    inputs,
    preprocess: { log: 'none' },
    ...over,
    options: {
      encoder: [16],
      latent: 2,
      epochs: 25,
      batchSize: 64,
      learningRate: 5e-3,
      patience: 0,
      ...('options' in over ? (over.options as object) : {}),
    },
  })

describe('autoencoder on a plane', () => {
  const data = planeData()

  it('finds the off-plane signal that no single input separates', async () => {
    const trained = await trainAnomaly(data, config({}), silentContext())
    const h = trained.summary.history
    expect(h.loss.length).toBe(25)
    // The validation MSE (standardised units) falls well below its start (≈ 1 for a random code).
    expect(h.val_loss.at(-1)!).toBeLessThan(0.3 * h.val_loss[0]!)
    expect(h.reconstruction).toHaveLength(25)
    expect(h.kl).toHaveLength(0)
    const run = jsRunner(trained.model.arch, trained.model.weights)
    const ev = evaluateAnomaly(data, scoreData(trained.model, run, data))
    expect(ev.signals[0].auc!).toBeGreaterThan(0.95)
    expect(ev.best_single_variable!.auc!).toBeLessThan(0.6)
    // Per-feature losses add up to the event loss; x3 carries the signal's excess.
    const x3 = ev.features.find((f) => f.input === 'x3')!
    expect(x3.signal!).toBeGreaterThan(5 * x3.background!)
    expect(trained.events).toEqual({
      train: data.part.filter((p) => p === 0).length,
      validation: data.part.filter((p) => p === 1).length,
    })
  })

  it('gives the same model for the same seed, also beside another training, and scores the same on tensors and in JavaScript', async () => {
    const c = config({ options: { epochs: 3 } })
    const a = await trainAnomaly(data, c, silentContext())
    // Two more side by side (a job beside another): each gives the model it gives alone.
    const [b, v] = await Promise.all([
      trainAnomaly(data, c, silentContext()),
      trainAnomaly(data, config({ kind: 'vae', options: { epochs: 3 } }), silentContext()),
    ])
    a.model.weights.encoder.forEach((w, i) => expect(b.model.weights.encoder[i]).toEqual(w))
    a.model.weights.decoder.forEach((w, i) => expect(b.model.weights.decoder[i]).toEqual(w))
    const alone = await trainAnomaly(
      data,
      config({ kind: 'vae', options: { epochs: 3 } }),
      silentContext(),
    )
    alone.model.weights.decoder.forEach((w, i) => expect(v.model.weights.decoder[i]).toEqual(w))
    const { tf } = await chooseBackend()
    const t = modelTensors(tf, a.model.arch, a.model.weights)
    try {
      const onTf = eventLosses(a.model, tensorRunner(tf, a.model.arch, t), data.x, 50)
      const inJs = eventLosses(a.model, jsRunner(a.model.arch, a.model.weights), data.x, 50)
      inJs.score.forEach((v, i) => expect(onTf.score[i]).toBeCloseTo(v, 4))
    } finally {
      disposeTensors(t)
    }
  })
})

describe('VAE', () => {
  const data = planeData(5)

  it('with β = 0 and Gaussian reconstruction behaves like the autoencoder', async () => {
    const ae = await trainAnomaly(data, config({}), silentContext())
    const vae = await trainAnomaly(
      data,
      config({ kind: 'vae', options: { beta: 0 } }),
      silentContext(),
    )
    const mse = (t: typeof ae) => {
      // Squared error of the decoded means on the validation background, standardised inputs.
      const { arch, weights, transform } = t.model
      const rows = Array.from(data.part.keys()).filter((i) => data.part[i] === 1)
      const raw = Float64Array.from(
        rows.flatMap((i) => Array.from(data.x.subarray(i * 4, i * 4 + 4))),
      )
      const run = jsRunner(arch, weights)
      const losses = eventLosses(t.model, run, raw, rows.length)
      const mu = losses.latent
      const out = run('decoder', mu, rows.length)
      const pre = raw.map(
        (v, k) => (v - transform.pre.mean[k % 4]) * transform.pre.transform[(k % 4) * 5],
      )
      const width = arch.kind === 'vae' ? 8 : 4
      let s = 0
      for (let r = 0; r < rows.length; r++)
        for (let j = 0; j < 4; j++) s += (out[r * width + j] - pre[r * 4 + j]) ** 2
      return { mse: s / (rows.length * 4), encoder: run('encoder', pre, rows.length) }
    }
    const a = mse(ae)
    const v = mse(vae)
    expect(a.mse).toBeLessThan(0.05)
    expect(v.mse).toBeLessThan(Math.max(2 * a.mse, 0.05))
    // Without the KL term nothing widens the encoder: its code stays (nearly) deterministic.
    let logSigma = 0
    const n = v.encoder.length / 4
    for (let r = 0; r < n; r++) logSigma += (v.encoder[r * 4 + 2] + v.encoder[r * 4 + 3]) / 2
    expect(logSigma / n).toBeLessThan(Math.log(0.2))
    const evA = evaluateAnomaly(
      data,
      scoreData(ae.model, jsRunner(ae.model.arch, ae.model.weights), data),
    )
    const evV = evaluateAnomaly(
      data,
      scoreData(vae.model, jsRunner(vae.model.arch, vae.model.weights), data),
    )
    expect(evV.signals[0].auc!).toBeGreaterThan(0.9)
    expect(Math.abs(evV.signals[0].auc! - evA.signals[0].auc!)).toBeLessThan(0.08)
  })

  it('reports KL and trains a trainable prior', async () => {
    const t = await trainAnomaly(
      data,
      config({ kind: 'vae', options: { beta: 1, trainablePrior: true, epochs: 6 } }),
      silentContext(),
    )
    const h = t.summary.history
    expect(h.kl).toHaveLength(6)
    expect(h.val_kl.every((v) => v !== null && v >= 0)).toBe(true)
    // loss = reconstruction + β·KL, per epoch.
    h.loss.forEach((l, i) => expect(l!).toBeCloseTo(h.reconstruction[i]! + h.kl[i]!, 4))
    const prior = t.model.weights.prior!
    expect(prior.mean).toHaveLength(2)
    expect(Math.max(...prior.mean.map(Math.abs), ...prior.logSigma.map(Math.abs))).toBeGreaterThan(
      1e-3,
    )
  })

  it('refuses a likelihood family that does not fit an input, naming it', async () => {
    await expect(
      trainAnomaly(
        data,
        config({ kind: 'vae', options: { likelihood: { x2: 'poisson' } } }),
        silentContext(),
      ),
    ).rejects.toThrow(/input 'x2'.*poisson.*whole numbers/)
    await expect(
      trainAnomaly(
        data,
        config({ kind: 'vae', options: { likelihood: { x9: 'poisson' } } }),
        silentContext(),
      ),
    ).rejects.toThrow(/'x9', which is not one of the inputs/)
  })
})
