/**
 * The sanity tests on an autoencoder of the plane background (x₃ = x₁ + x₂, x₄ = x₁ − x₂):
 * shuffling inputs across events and dummy rows leave the plane and must score high, scaling
 * x₁ × 5 too, while a scale of 1 (nothing changed) must give AUC ≈ ½; leave-one-out moves a
 * background process to the scored side.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { silentContext } from '../../../../src/main/engine/jobs/context'
import { jsRunner, type AnomalyModel } from '../../../../src/main/engine/ml/autoencoder/model'
import {
  leaveOneOut,
  runSanityTest,
  sanityRows,
} from '../../../../src/main/engine/ml/autoencoder/sanity'
import { evaluateAnomaly, scoreData } from '../../../../src/main/engine/ml/autoencoder/score'
import { trainAnomaly } from '../../../../src/main/engine/ml/autoencoder/train'
import { PART } from '../../../../src/main/engine/ml/dataset'
import { AnomalyConfig } from '../../../../src/shared/contract/anomaly'
import { type Event, trainingData } from '../training-data'

const inputs = ['x1', 'x2', 'x3', 'x4']
const rng = new Random(9)
const events: Event[] = []
for (let i = 0; i < 2000; i++) {
  const a = rng.normal()
  const b = rng.normal()
  const e = () => 0.05 * rng.normal()
  events.push({ x: [a + e(), b + e(), a + b + e(), a - b + e()], y: 0, part: i % 5 < 2 ? 1 : 0 })
}
events.push({ x: [0, 0, 5, 0], y: 1, part: 2 })
const data = trainingData(inputs, events)

let model: AnomalyModel
beforeAll(async () => {
  const config = AnomalyConfig.parse({
    kind: 'ae',
    inputs,
    preprocess: { log: 'none' },
    options: { encoder: [16], latent: 2, epochs: 20, batchSize: 64, learningRate: 5e-3 },
  })
  model = (await trainAnomaly(data, config, silentContext())).model
})

describe('sanity tests', () => {
  const run = () => jsRunner(model.arch, model.weights)

  it('shuffled inputs keep every marginal and score as anomalies', () => {
    const { background, modified } = sanityRows(data, { kind: 'shuffle' }, 2)
    for (let j = 0; j < 4; j++) {
      const orig = background.map((i) => data.x[i * 4 + j]).sort((a, b) => a - b)
      const shuffled = Array.from({ length: background.length }, (_, r) => modified[r * 4 + j])
      expect(shuffled.sort((a, b) => a - b)).toEqual(orig)
    }
    expect(runSanityTest(model, run(), data, { kind: 'shuffle' }).auc).toBeGreaterThan(0.9)
  })

  it('dummy rows and a scaled input score high; an unchanged copy does not', () => {
    expect(runSanityTest(model, run(), data, { kind: 'dummy' }).auc).toBeGreaterThan(0.9)
    const scaled = runSanityTest(model, run(), data, {
      kind: 'scale',
      input: 'x1',
      factor: 5,
      fraction: 0.1,
    })
    expect(scaled.modified.score.length / 800).toBeCloseTo(0.1, 1)
    expect(scaled.background.score.length + scaled.modified.score.length).toBe(800)
    expect(scaled.auc).toBeGreaterThan(0.9)
    const same = runSanityTest(model, run(), data, {
      kind: 'scale',
      input: 'x1',
      factor: 1,
      fraction: 0.3,
    })
    expect(Math.abs(same.auc - 0.5)).toBeLessThan(0.1)
    expect(() =>
      runSanityTest(model, run(), data, { kind: 'scale', input: 'pt', factor: 2, fraction: 0.1 }),
    ).toThrow(/'pt' is not one of the model's inputs/)
  })

  it('leave one out scores a background process as if it were signal', () => {
    const two = {
      ...data,
      sample: Uint16Array.from(data.y, (y, i) => (y ? 2 : i % 2)),
      samples: [
        { name: 'ttbar', role: 'background' as const },
        { name: 'wjets', role: 'background' as const },
        { name: 'sig', role: 'signal' as const },
      ],
    }
    const out = leaveOneOut(two, 'wjets')
    for (let i = 0; i < out.n; i++)
      if (out.sample[i] === 1) {
        expect(out.y[i]).toBe(1)
        expect(out.part[i]).toBe(PART.test)
      }
    const ev = evaluateAnomaly(out, scoreData(model, run(), out))
    expect(ev.signals.map((s) => s.name)).toEqual(['wjets', 'sig'])
    // The same physics as the training background: not anomalous.
    expect(Math.abs(ev.signals[0].auc! - 0.5)).toBeLessThan(0.1)
    expect(() => leaveOneOut(out, 'ttbar')).toThrow(/another background sample/)
  })
})
