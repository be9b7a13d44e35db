/**
 * What the Learn view draws after a step, computed from a playground session: the decision
 * boundary and every hidden neuron's map over the plane (the inputs off the plane at their
 * medians), the neurons' activations on the training events, the weights, the losses, the output
 * distributions with their KS test, and the ROC with its AUC.
 */
import type {
  LearnDataInfo,
  LearnHistogram,
  LearnSnapshot,
} from '../../../../shared/contract/learn'
import { finiteOrNull } from '../../../../shared/contract/common'
import { ksTest } from '../evaluate/ks'
import { weightedRoc } from '../evaluate/roc'
import { forwardAll } from './forward'
import type { PlaygroundSession } from './session'

/** Points per side of the decision boundary's map. */
export const GRID = 40
/** Points per side of each neuron's small map (coarser: there are many, drawn small). */
export const NEURON_GRID = 20
/** Loss history points kept at most (older ones thinned to every other). */
const MAX_HISTORY = 400
const BINS = 20
/** Events drawn on the map at most. */
const MAX_POINTS = 2000

/** The plane's grid as the network's input rows (standardised; off-plane inputs at medians). */
export function gridInputs(session: PlaygroundSession, grid = GRID): Float32Array {
  const { events, mean, scale, median } = session.events
  const [[x0, x1], [y0, y1]] = events.ranges
  const d = events.d
  const out = new Float32Array(grid * grid * d)
  for (let r = 0; r < grid; r++)
    for (let c = 0; c < grid; c++) {
      const k = r * grid + c
      const raw = [x0 + ((c + 0.5) / grid) * (x1 - x0), y0 + ((r + 0.5) / grid) * (y1 - y0)]
      for (let j = 0; j < d; j++)
        out[k * d + j] = ((j < 2 ? raw[j] : median[j]) - mean[j]) / scale[j]
    }
  return out
}

/** Weighted mean binary cross entropy of outputs p on `rows` with weights w (NaN if none). */
function meanBce(p: Float64Array, y: Float64Array, w: Float64Array, rows: Int32Array): number {
  let s = 0
  let sw = 0
  for (const i of rows) {
    // Clipped as Keras does, so that a saturated output gives a large finite loss.
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]))
    s -= w[i] * (y[i] ? Math.log(q) : Math.log(1 - q))
    sw += w[i]
  }
  return sw > 0 ? s / sw : NaN
}

/** Unit-area histograms of `v` over `rows`, split by label, in [lo, hi]. */
function histogram(
  v: ArrayLike<number>,
  stride: number,
  offset: number,
  y: Float64Array,
  w: Float64Array,
  rows: Int32Array,
  lo: number,
  hi: number,
): LearnHistogram {
  const s = new Array<number>(BINS).fill(0)
  const b = new Array<number>(BINS).fill(0)
  const width = hi > lo ? (hi - lo) / BINS : 1
  for (const i of rows) {
    const value = v[i * stride + offset]
    if (!Number.isFinite(value)) continue
    const k = Math.min(BINS - 1, Math.max(0, Math.floor((value - lo) / width)))
    if (y[i]) s[k] += w[i]
    else b[k] += w[i]
  }
  const norm = (a: number[]) => {
    const t = a.reduce((x, z) => x + z, 0)
    return a.map((x) => (t > 0 ? x / t / width : 0))
  }
  return { lo, hi, signal: norm(s), background: norm(b) }
}

/** Evaluates the network on every event and records the losses in the history (once per step). */
export function evaluate(session: PlaygroundSession): Evaluation {
  const { events, input, train, test, w } = session.events
  const weights = session.weights()
  const act = forwardAll(
    events.d,
    session.settings.layers,
    session.settings.activation,
    weights,
    input,
    events.n,
  )
  const trainLoss = meanBce(act.output, events.y, w, train)
  const testLoss = meanBce(act.output, events.y, w, test)
  const h = session.history
  if (h.step.at(-1) !== session.steps || h.step.length === 0) {
    h.step.push(session.steps)
    h.epoch.push(session.epochs)
    h.train.push(trainLoss)
    h.test.push(testLoss)
    if (h.step.length > MAX_HISTORY)
      for (const key of ['step', 'epoch', 'train', 'test'] as const)
        h[key] = h[key].filter((_, i) => i % 2 === 0 || i === h[key].length - 1)
  }
  return { act, weights, trainLoss, testLoss }
}

export interface Evaluation {
  readonly act: ReturnType<typeof forwardAll>
  readonly weights: Float32Array[]
  readonly trainLoss: number
  readonly testLoss: number
}

/** The session's state as the view draws it (without the session id, lesson and timing). */
export function snapshot(
  session: PlaygroundSession,
): Omit<LearnSnapshot, 'session' | 'lesson' | 'millis'> {
  const { act, weights, trainLoss } = evaluate(session)
  const { events, train, test } = session.events
  const { y, weight } = events
  const settings = session.settings
  const map = (n: number) =>
    forwardAll(
      events.d,
      settings.layers,
      settings.activation,
      weights,
      gridInputs(session, n),
      n * n,
    )
  const grid = map(GRID)
  const round = (v: number) => Math.round(v * 1e4) / 1e4
  const neurons = map(NEURON_GRID).hidden.map((a, k) =>
    Array.from({ length: settings.layers[k] }, (_, u) =>
      Array.from({ length: NEURON_GRID * NEURON_GRID }, (_, r) =>
        round(a[r * settings.layers[k] + u]),
      ),
    ),
  )
  const neuronHistograms = act.hidden.map((a, k) =>
    Array.from({ length: settings.layers[k] }, (_, u) => {
      const units = settings.layers[k]
      let lo = Infinity
      let hi = -Infinity
      for (const i of train) {
        const v = a[i * units + u]
        if (!Number.isFinite(v)) continue
        if (v < lo) lo = v
        if (v > hi) hi = v
      }
      // One value (a dead neuron), or none finite (a diverged network): a unit-wide range.
      if (!Number.isFinite(lo)) [lo, hi] = [0, 0]
      if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5]
      return histogram(a, units, u, y, weight, train, lo, hi)
    }),
  )
  const fanIns = [events.d, ...settings.layers]
  const kernels = weights
    .filter((_, i) => i % 2 === 0)
    .map((k, l) => {
      const fanOut = k.length / fanIns[l]
      return Array.from({ length: fanIns[l] }, (_, j) =>
        Array.from(k.subarray(j * fanOut, (j + 1) * fanOut), round),
      )
    })
  const p = act.output
  const pick = (rows: Int32Array, label: number) => {
    const r = rows.filter((i) => y[i] === label)
    return { v: Array.from(r, (i) => p[i]), w: Array.from(r, (i) => weight[i]) }
  }
  const ks = (label: number) => {
    const a = pick(train, label)
    const b = pick(test, label)
    return finiteOrNull(ksTest(a.v, a.w, b.v, b.w).p)
  }
  const rocTest = weightedRoc(p, y, weight, test, 100)
  const rocTrain = weightedRoc(p, y, weight, train, 3)
  const boundaryValues = Array.from(grid.output, round)
  const diverged = Number.isFinite(trainLoss)
    ? null
    : 'the training loss is not a number: the weights have diverged (lower the learning rate and reset)'
  return {
    dataVersion: session.dataVersion,
    settings,
    step: session.steps,
    epoch: session.epochs,
    grid: GRID,
    neuronGrid: NEURON_GRID,
    boundary: boundaryValues.map((v) => (Number.isFinite(v) ? v : 0.5)),
    neurons: neurons.map((l) => l.map((m) => m.map((v) => (Number.isFinite(v) ? v : 0)))),
    neuronHistograms,
    weights: kernels.map((l) => l.map((r) => r.map((v) => (Number.isFinite(v) ? v : 0)))),
    gradientNorms: session.gradientNorms.map(finiteOrNull),
    history: {
      step: session.history.step,
      epoch: session.history.epoch.map(round),
      train: session.history.train.map(finiteOrNull),
      test: session.history.test.map(finiteOrNull),
    },
    output: {
      train: histogram(p, 1, 0, y, weight, train, 0, 1),
      test: histogram(p, 1, 0, y, weight, test, 0, 1),
      ksSignal: ks(1),
      ksBackground: ks(0),
    },
    roc: {
      effS: rocTest.eff_s.map(round),
      effB: rocTest.eff_b.map(round),
      aucTest: finiteOrNull(rocTest.auc),
      aucTrain: finiteOrNull(rocTrain.auc),
    },
    diverged,
  }
}

/** The session's events as the view shows them: names, plane, slice, counts, drawn points. */
export function dataInfo(session: PlaygroundSession): LearnDataInfo {
  const { events, train, test, median } = session.events
  const { d, x, y } = events
  const count = (rows: Int32Array) => {
    let signal = 0
    for (const i of rows) signal += y[i]
    return { signal, background: rows.length - signal }
  }
  const part = new Int8Array(events.n)
  for (const i of test) part[i] = 1
  const every = Math.max(1, Math.ceil(events.n / MAX_POINTS))
  const shown = Array.from({ length: Math.ceil(events.n / every) }, (_, k) => k * every)
  const fmt = (v: number) => Number(v.toPrecision(4)).toString()
  return {
    version: session.dataVersion,
    inputs: [...events.inputs],
    plane: {
      x: events.inputs[0],
      y: events.inputs[1],
      xRange: [events.ranges[0][0], events.ranges[0][1]],
      yRange: [events.ranges[1][0], events.ranges[1][1]],
    },
    slice: events.inputs
      .slice(2)
      .map((name, j) => `${name} = ${fmt(median[j + 2])}`)
      .join(', '),
    events: { train: count(train), test: count(test) },
    points: {
      x: shown.map((i) => x[i * d]),
      y: shown.map((i) => x[i * d + 1]),
      label: shown.map((i) => y[i]),
      part: shown.map((i) => part[i]),
    },
  }
}
