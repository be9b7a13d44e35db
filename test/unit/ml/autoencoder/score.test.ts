/**
 * The evaluation beside the model: the best single input (largest |AUC − 0.5|, either
 * direction) and the per-signal AUC against a weighted Mann–Whitney count written plainly
 * here, on the validation background only; and the anomaly data set: the background split
 * 60/40, signal only scored, missing values replaced by the background training mean.
 */
import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/main/engine/data/random'
import { anomalyTrainingData } from '../../../../src/main/engine/ml/autoencoder/data'
import type { EventLosses } from '../../../../src/main/engine/ml/autoencoder/model'
import {
  bestSingleVariable,
  evaluateAnomaly,
} from '../../../../src/main/engine/ml/autoencoder/score'
import type { SelectedEvents } from '../../../../src/main/engine/ml/build-dataset'
import { indicesOf, PART } from '../../../../src/main/engine/ml/dataset'
import { AnomalySetup } from '../../../../src/shared/contract/anomaly'
import { type Event, trainingData } from '../training-data'

/** Σ w_s w_b ([s > b] + ½[s = b]) / (W_S W_B) over all pairs. */
function mannWhitney(s: number[], ws: number[], b: number[], wb: number[]): number {
  let num = 0
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < b.length; j++)
      num += ws[i] * wb[j] * (s[i] > b[j] ? 1 : s[i] === b[j] ? 0.5 : 0)
  return num / (ws.reduce((a, v) => a + v, 0) * wb.reduce((a, v) => a + v, 0))
}

describe('best single variable', () => {
  const rng = new Random(2)
  const events: Event[] = []
  // a: useless; b: signal lower (AUC well below 0.5 as "above"); c: signal slightly higher.
  for (let i = 0; i < 400; i++)
    events.push({
      x: [rng.normal(), rng.normal(), rng.normal()],
      y: 0,
      part: i % 5 < 2 ? 1 : 0,
      weight: 0.5 + rng.uniform(),
    })
  for (let i = 0; i < 150; i++)
    events.push({
      x: [rng.normal(), rng.normal() - 1.2, rng.normal() + 0.4],
      y: 1,
      part: 2,
      weight: 0.5 + rng.uniform(),
    })
  const data = trainingData(['a', 'b', 'c'], events)
  const signal = indicesOf(data, PART.test, 1)
  const background = indicesOf(data, PART.validation, 0)

  it('picks the input with the largest |AUC − 0.5| and folds a "below" direction to AUC > 0.5', () => {
    const best = bestSingleVariable(data, signal, background)!
    expect(best.name).toBe('b')
    expect(best.direction).toBe('below')
    const col = (rows: Uint32Array) => Array.from(rows, (i) => -data.x[i * 3 + 1])
    const ws = Array.from(signal, (i) => data.weight[i])
    const wb = Array.from(background, (i) => data.weight[i])
    expect(best.auc!).toBeCloseTo(mannWhitney(col(signal), ws, col(background), wb), 10)
    expect(best.auc!).toBeGreaterThan(0.75)
    expect(best.roc.eff_s[0]).toBe(0)
    expect(best.roc.eff_s.at(-1)).toBe(1)
  })

  it('scores each signal sample against the validation background only', () => {
    // A score equal to c: the training background is given huge scores that must not count.
    const score = Float64Array.from({ length: data.n }, (_, i) =>
      data.part[i] === PART.train ? 1e9 : data.x[i * 3 + 2],
    )
    const losses: EventLosses = {
      score,
      total: score,
      reconstruction: score,
      kl: new Float64Array(data.n),
      perFeature: new Float64Array(data.n * 3),
      latent: new Float64Array(data.n),
    }
    const ev = evaluateAnomaly(data, losses)
    const ws = Array.from(signal, (i) => data.weight[i])
    const wb = Array.from(background, (i) => data.weight[i])
    const want = mannWhitney(
      Array.from(signal, (i) => score[i]),
      ws,
      Array.from(background, (i) => score[i]),
      wb,
    )
    expect(ev.signals.map((s) => s.name)).toEqual(['sig'])
    expect(ev.signals[0].auc!).toBeCloseTo(want, 10)
    expect(ev.signals[0].best_single_variable!.name).toBe('b')
    // val_loss: the training-weighted mean score of the validation background.
    const mean = Array.from(background).reduce((a, i) => a + score[i], 0) / background.length
    expect(ev.val_loss!).toBeCloseTo(mean, 10)
  })
})

describe('anomaly data set', () => {
  it('splits the background, keeps signal for scoring, imputes with the background training mean', () => {
    const bg: SelectedEvents = {
      name: 'bkg',
      role: 'background',
      columns: [Float64Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? -999 : i % 7))],
      weight: new Float64Array(1000).fill(2),
    }
    const sig: SelectedEvents = {
      name: 'sig',
      role: 'signal',
      columns: [Float64Array.from({ length: 50 }, (_, i) => (i < 5 ? -999 : 1000))],
      weight: new Float64Array(50).fill(1),
    }
    const setup = AnomalySetup.parse({ inputs: ['v'], missing: { values: [-999] } })
    const { data, warnings } = anomalyTrainingData([bg, sig], setup)
    const train = indicesOf(data, PART.train)
    const val = indicesOf(data, PART.validation)
    expect(indicesOf(data, PART.test, 1)).toHaveLength(50)
    expect(train.length + val.length).toBe(1000)
    expect(val.length / 1000).toBeGreaterThan(0.35)
    expect(val.length / 1000).toBeLessThan(0.45)
    // The mean of the defined background training values; the signal's 1000s never enter it.
    let sum = 0
    let count = 0
    for (const i of train)
      if (i % 10 !== 0) {
        sum += i % 7
        count++
      }
    for (let i = 1000; i < 1005; i++) expect(data.x[i]).toBeCloseTo(sum / count, 10)
    expect(warnings.join(' ')).toMatch(/'v': 105 missing values/)
    // numevents: Σ w over background training events = their number.
    expect(Array.from(train).reduce((a, i) => a + data.w[i], 0)).toBeCloseTo(train.length, 8)
  })
})
