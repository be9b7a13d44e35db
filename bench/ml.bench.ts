/**
 * Network training throughput on the active TensorFlow.js backend (issue 5): the 8→100→100→1
 * relu network, Adam, batch 256, one epoch of BATCHES batches of random events, measured as
 * training events per second of the epoch (backend start, data and network set-up excluded).
 * `mlp-train-fit` runs the epoch through tf.layers' model.fit (the reference), `mlp-train-step`
 * through our own train step (mlp.ts). `npm run bench -- mlp` runs both.
 * References on this machine: tfjs-wasm model.fit ≈ 34 000 events/s, PyTorch on one core
 * ≈ 420 000 events/s. Where the step path's time went on wasm (node --cpu-prof, 2026-11):
 * matMul with a transposed operand (autodiff's form) 10–40× slower than transpose + matMul;
 * tf.slice / tf.gather copying their whole input out of the wasm heap per call; a kernel call
 * per weight array and Adam term; a read-back per batch. The wasm backend runs one thread in
 * Node (tfjs disables its threaded build there), so setThreadsCount does not apply.
 */
import type { Bench } from './bench'
import { MlpOptions } from '../src/shared/contract/train'
import { Random } from '../src/main/engine/data/random'
import { silentContext } from '../src/main/engine/jobs/context'
import { chooseBackend } from '../src/main/engine/ml/backend'
import { PART, type TrainingData } from '../src/main/engine/ml/dataset'
import { type MlpEpochPath, trainMlp } from '../src/main/engine/ml/mlp'
import type { Preprocessing } from '../src/main/engine/ml/preprocess'

const D = 8
const BATCH = 256
const BATCHES = 200
const VALIDATION = 256

let data: TrainingData | undefined
let backend = ''

/** Random events: 8 standard normal inputs, label from a noisy linear rule, unit weights. */
function makeData(): TrainingData {
  const n = BATCH * BATCHES + VALIDATION
  const rng = new Random(7)
  const x = new Float64Array(n * D)
  const y = new Uint8Array(n)
  const part = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    let s = rng.normal()
    for (let j = 0; j < D; j++) {
      x[i * D + j] = rng.normal()
      s += x[i * D + j] * (j % 2 ? 1 : -0.5)
    }
    y[i] = s > 0 ? 1 : 0
    part[i] = i < BATCH * BATCHES ? PART.train : PART.validation
  }
  return {
    inputs: Array.from({ length: D }, (_, j) => `x${j}`),
    n,
    d: D,
    x,
    y,
    w: new Float64Array(n).fill(1),
    weight: new Float64Array(n).fill(1),
    part,
    sample: new Uint16Array(n),
    samples: [{ name: 'random', role: 'signal' }],
  }
}

const identity: Preprocessing = {
  d: D,
  mean: new Array<number>(D).fill(0),
  transform: Array.from({ length: D * D }, (_, k) => (k % (D + 1) === 0 ? 1 : 0)),
}

const options = MlpOptions.parse({
  layers: [100, 100],
  activation: 'relu',
  optimizer: 'adam',
  learningRate: 1e-3,
  batchSize: BATCH,
  epochs: 1,
  patience: 0,
})

async function setup(): Promise<void> {
  backend = (await chooseBackend()).backend
  data ??= makeData()
}

async function throughput(path: MlpEpochPath): Promise<number> {
  if (!data) throw new Error('set-up did not run')
  const r = await trainMlp(data, identity, options, 1, silentContext(), path)
  return r.eventsPerSecond
}

function bench(path: MlpEpochPath, note: string): Bench {
  return {
    name: `mlp-train-${path}`,
    unit: 'events/s',
    n: 3,
    note,
    setup,
    run: () => throughput(path),
    get backend() {
      return backend
    },
  }
}

export const benches: Bench[] = [
  bench('fit', '8→100→100→1 relu, Adam, batch 256, tf.layers model.fit; measured ≈ 34 000 before'),
  bench('step', 'same network and data, our train step; PyTorch 1 core ≈ 420 000'),
]
