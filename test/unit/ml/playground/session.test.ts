/**
 * The playground session (ml/playground): its maps are the network's own outputs (checked against
 * a direct tfjs forward pass at the grid points), a step trains exactly one batch or one epoch,
 * settings changed mid-run apply at the next step, and it learns the toy sets.
 */
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { LearnData, LearnSettings, LearnSnapshot } from '../../../../src/shared/contract/learn'
import { chooseBackend } from '../../../../src/main/engine/ml/backend'
import { forwardLayersTf } from '../../../../src/main/engine/ml/dense-layers'
import { PlaygroundSession } from '../../../../src/main/engine/ml/playground/session'
import {
  GRID,
  gridInputs,
  NEURON_GRID,
  snapshot,
} from '../../../../src/main/engine/ml/playground/snapshot'
import { toyEvents } from '../../../../src/main/engine/ml/playground/toy-sets'

let tf: typeof TF
beforeAll(async () => {
  tf = (await chooseBackend('wasm')).tf
})

const toy = (set: string, extra: object = {}) =>
  toyEvents(LearnData.parse({ kind: 'toy', set, ...extra }) as never, 7)
const settings = (s: object = {}) => LearnSettings.parse(s)

/** The network's output [n] and the k-th hidden layer's activations [n, units] by tfjs. */
function tfForward(session: PlaygroundSession, x: Float32Array, rows: number, upTo?: number) {
  const layers = session.layers
  const d = session.events.events.d
  return tf.tidy(() => {
    const xt = tf.tensor2d(x, [rows, d])
    if (upTo === undefined)
      return tf.sigmoid(forwardLayersTf(tf, layers, session.variables(), xt)).dataSync()
    // The first upTo + 1 layers, the last of them with its activation applied.
    const sub = [
      ...layers.slice(0, upTo + 1),
      { units: 1, activation: 'linear' as const, alpha: 0 },
    ]
    const w = [...session.variables().slice(0, 2 * (upTo + 1))]
    const units = layers[upTo].units
    const eye = tf.eye(units).slice([0, 0], [units, 1])
    // Probe each unit through an identity output column.
    const out: number[][] = []
    for (let u = 0; u < units; u++) {
      const col = tf.oneHot([u], units).reshape([units, 1])
      out.push(Array.from(forwardLayersTf(tf, sub, [...w, col, tf.zeros([1])], xt).dataSync()))
    }
    eye.dispose()
    return out
  })
}

describe('playground maps', () => {
  it('the boundary map is the network output at the grid points', () => {
    const s = new PlaygroundSession(tf, toy('circles'), settings({ layers: [5, 3] }))
    for (let i = 0; i < 30; i++) s.batch()
    const snap = snapshot(s)
    const direct = tfForward(s, gridInputs(s), GRID * GRID) as Float32Array
    expect(snap.boundary).toHaveLength(GRID * GRID)
    snap.boundary.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 3))
    // The map is not flat: the circles have been partly learned.
    expect(Math.max(...snap.boundary) - Math.min(...snap.boundary)).toBeGreaterThan(0.1)
    s.dispose()
  })

  it('each neuron map is that neuron’s activation at the grid points', () => {
    const s = new PlaygroundSession(
      tf,
      toy('xor'),
      settings({ layers: [4, 3], activation: 'relu' }),
    )
    for (let i = 0; i < 20; i++) s.batch()
    const snap = snapshot(s)
    const x = gridInputs(s, NEURON_GRID)
    for (const k of [0, 1]) {
      const direct = tfForward(s, x, NEURON_GRID * NEURON_GRID, k) as number[][]
      expect(snap.neurons[k]).toHaveLength(s.settings.layers[k])
      snap.neurons[k].forEach((map, u) =>
        map.forEach((v, i) => expect(v).toBeCloseTo(direct[u][i], 3)),
      )
    }
    s.dispose()
  })
})

describe('playground steps', () => {
  it('one step is one batch or one epoch; settings apply at the next step', () => {
    const s = new PlaygroundSession(
      tf,
      toy('gaussians', { events: 200 }),
      settings({ batchSize: 10 }),
    )
    s.step()
    expect(s.steps).toBe(1)
    expect(s.epochs).toBeCloseTo(0.1, 6)
    s.configure({ ...s.settings, stepUnit: 'epoch' })
    s.step()
    expect(s.steps).toBe(10)
    expect(s.epochs).toBe(1)
    const before = s.weights()
    s.configure({ ...s.settings, learningRate: 0, stepUnit: 'batch' })
    s.step()
    // Learning rate 0: the next step does not move the weights.
    s.weights().forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(before[i])))
    s.configure({ ...s.settings, layers: [3, 3, 2] })
    expect(s.steps).toBe(0)
    expect(snapshot(s).neurons.map((l) => l.length)).toEqual([3, 3, 2])
    s.dispose()
  })

  it('learns every toy set well above chance', () => {
    for (const set of ['gaussians', 'circles', 'xor', 'backToBack']) {
      const s = new PlaygroundSession(
        tf,
        toy(set, { events: 600 }),
        settings({ layers: [8, 8], optimiser: 'adam', learningRate: 0.03, batchSize: 20 }),
      )
      for (let e = 0; e < 30; e++) s.epoch()
      const snap = snapshot(s)
      // Back-to-back: the bands are smeared by σ = 0.4 rad, so even the best boundary errs.
      expect(snap.roc.aucTest, set).toBeGreaterThan(set === 'backToBack' ? 0.75 : 0.9)
      s.dispose()
    }
  })
})

describe('a diverging run', () => {
  it('says so, and its snapshot still crosses the wire', () => {
    const s = new PlaygroundSession(
      tf,
      toy('spirals', { events: 200, scale: 1000 }),
      settings({ layers: [8, 8], activation: 'relu', learningRate: 10, standardise: false }),
    )
    for (let e = 0; e < 5; e++) s.epoch()
    const snap = snapshot(s)
    expect(snap.diverged).toMatch(/diverged/)
    // What the window validates: every number finite or null where the contract allows null.
    const wire = { ...snap, session: 'x', lesson: null, millis: 1 }
    expect(() => LearnSnapshot.parse(JSON.parse(JSON.stringify(wire)))).not.toThrow()
    s.dispose()
  })
})
