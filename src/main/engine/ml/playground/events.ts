/**
 * The events a playground session trains on: rows of d inputs (the plane's two first), labels and
 * weights; the seeded train/test split, the event weights the settings choose, and the input
 * standardisation. Project events come from the training-set use case (app/training-set.ts) as
 * SelectedEvents; events with a missing input are left out.
 */
import type { LearnSettings } from '../../../../shared/contract/learn'
import { Random } from '../../data/random'
import type { SelectedEvents } from '../build-dataset'

export interface PlaygroundEvents {
  /** Input names, the plane's two first. */
  readonly inputs: readonly string[]
  /** Row-major n × d input values, in the inputs' own units. */
  readonly x: Float64Array
  /** 1 signal, 0 background. */
  readonly y: Float64Array
  /** Physical weights. */
  readonly weight: Float64Array
  readonly n: number
  readonly d: number
  /** Extent of the plane (the two first inputs). */
  readonly ranges: readonly [readonly [number, number], readonly [number, number]]
}

/**
 * The selected events of the chosen samples as playground events, the inputs reordered so that
 * `plane` comes first; at most `max` events (a seeded subset); rows with a missing (NaN, ±∞)
 * input left out. The plane spans the 1st–99th percentiles of its inputs.
 */
export function projectEvents(
  samples: readonly SelectedEvents[],
  names: readonly string[],
  plane: readonly [number, number],
  max: number,
  seed: number,
): PlaygroundEvents {
  const order = [plane[0], plane[1], ...names.map((_, j) => j).filter((j) => !plane.includes(j))]
  const d = order.length
  const rows: { s: number; i: number }[] = []
  samples.forEach((sample, s) => {
    const n = sample.weight.length
    for (let i = 0; i < n; i++)
      if (order.every((j) => Number.isFinite(sample.columns[j][i]))) rows.push({ s, i })
  })
  const signal = (r: { s: number }) => samples[r.s].role === 'signal'
  if (!rows.some(signal) || rows.every(signal))
    throw new Error('the Learn step needs signal and background events with every input defined')
  const rng = new Random(seed ^ 0xda7a)
  if (rows.length > max) {
    // A partial Fisher–Yates: the first `max` rows of a seeded shuffle.
    for (let k = 0; k < max; k++) {
      const j = k + rng.int(rows.length - k)
      ;[rows[k], rows[j]] = [rows[j], rows[k]]
    }
    rows.length = max
  }
  const n = rows.length
  const x = new Float64Array(n * d)
  const y = new Float64Array(n)
  const weight = new Float64Array(n)
  rows.forEach((r, k) => {
    const sample = samples[r.s]
    order.forEach((j, c) => (x[k * d + c] = sample.columns[j][r.i]))
    y[k] = signal(r) ? 1 : 0
    weight[k] = sample.weight[r.i]
  })
  const range = (c: number): [number, number] => {
    const v = Float64Array.from({ length: n }, (_, k) => x[k * d + c]).sort()
    const lo = v[Math.floor(0.01 * (n - 1))]
    const hi = v[Math.ceil(0.99 * (n - 1))]
    const pad = hi > lo ? 0.05 * (hi - lo) : 1
    return [lo - pad, hi + pad]
  }
  return { inputs: order.map((j) => names[j]), x, y, weight, n, d, ranges: [range(0), range(1)] }
}

/** A session's events prepared for training under some settings. */
export interface PreparedEvents {
  readonly events: PlaygroundEvents
  /** Indices of training and test events. */
  readonly train: Int32Array
  readonly test: Int32Array
  /** Training weights (per the settings), normalised to mean 1 over the training events. */
  readonly w: Float64Array
  /** Per input: the shift and scale applied before the network (0 and 1 without standardising). */
  readonly mean: Float64Array
  readonly scale: Float64Array
  /** The network's input rows (n × d, float32): (x − mean) / scale. */
  readonly input: Float32Array
  /** Medians of the inputs over the training events: the values off the plane. */
  readonly median: Float64Array
}

/** The seeded split, weights and standardisation of `events` under `settings`. */
export function prepareEvents(events: PlaygroundEvents, settings: LearnSettings): PreparedEvents {
  const { n, d, x } = events
  const rng = new Random(settings.seed ^ 0x5b17)
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i))
  const nTrain = Math.max(2, Math.min(n - 2, Math.round(n * settings.trainFraction)))
  const train = order.slice(0, nTrain).sort()
  const test = order.slice(nTrain).sort()
  const w = new Float64Array(n)
  let sumS = 0
  let sumB = 0
  for (const i of train) {
    if (events.y[i]) sumS += events.weight[i]
    else sumB += events.weight[i]
  }
  for (let i = 0; i < n; i++) {
    const phys = events.weight[i]
    w[i] =
      settings.weights === 'none'
        ? 1
        : settings.weights === 'physical'
          ? phys
          : // Each class sums to half the events.
            (phys * nTrain) / (2 * (events.y[i] ? sumS : sumB))
  }
  let sumW = 0
  for (const i of train) sumW += w[i]
  if (!(sumW > 0)) throw new Error('the training events have no positive total weight')
  for (let i = 0; i < n; i++) w[i] *= nTrain / sumW
  const mean = new Float64Array(d)
  const scale = new Float64Array(d).fill(1)
  const median = new Float64Array(d)
  for (let c = 0; c < d; c++) {
    const v = Float64Array.from(train, (i) => x[i * d + c]).sort()
    median[c] = v[Math.floor((v.length - 1) / 2)]
    if (!settings.standardise) continue
    let m = 0
    for (const a of v) m += a
    m /= v.length
    let s2 = 0
    for (const a of v) s2 += (a - m) ** 2
    mean[c] = m
    scale[c] = Math.sqrt(s2 / v.length) || 1
  }
  const input = new Float32Array(n * d)
  for (let i = 0; i < n; i++)
    for (let c = 0; c < d; c++) input[i * d + c] = (x[i * d + c] - mean[c]) / scale[c]
  return { events, train, test, w, mean, scale, input, median }
}
