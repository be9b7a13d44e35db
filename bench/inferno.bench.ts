/**
 * INFERNO speed (issue 7, "Speed") on the active TensorFlow.js backend, beside the public PyTorch
 * implementation on this machine (one thread): seconds per INFERNO training epoch (200 000
 * events, half signal, batches of 2000, benchmark B2 — nominal plus r ± and λ ± blocks per batch,
 * 3 → 100 → 100 → 10), per validation pass (soft histograms of the 200 000 validation events at
 * nominal and the four variations, and the float64 Fisher loss), and per cross-entropy epoch at
 * batch 32 (the same trunk, one output). `npm run bench -- inferno` runs the three; the
 * repetitions are few (each epoch takes seconds) so it finishes in a few minutes.
 */
import type * as TF from '@tensorflow/tfjs'
import type { Bench } from './bench'
import { silentContext } from '../src/main/engine/jobs/context'
import { chooseBackend } from '../src/main/engine/ml/backend'
import { BENCHMARKS } from '../src/main/engine/ml/inferno/benchmarks'
import { shapeNuisances } from '../src/main/engine/ml/inferno/fisher'
import { buildTrunk, fitStandardiser } from '../src/main/engine/ml/inferno/network'
import { type BenchmarkData, benchmarkData } from '../src/main/engine/ml/inferno/simulator'
import {
  BCE_DEFAULTS,
  INFERNO_DEFAULTS,
  infernoLoss64,
  softShape,
  summaryShapes,
  trainBce,
  trainInferno,
} from '../src/main/engine/ml/inferno/train'

const EVENTS = 200_000
const bm = BENCHMARKS.B2

let tf: typeof TF | undefined
let backend = ''
let data: BenchmarkData | undefined

async function setup(): Promise<void> {
  if (!tf) ({ tf, backend } = await chooseBackend())
  data ??= benchmarkData(1, EVENTS, 200)
}

function ready(): { tf: typeof TF; data: BenchmarkData } {
  if (!tf || !data) throw new Error('set-up did not run')
  return { tf, data }
}

/** Seconds of one INFERNO training epoch (training only; validation is its own bench). */
async function infernoEpoch(): Promise<number> {
  const { tf, data } = ready()
  const r = await trainInferno(tf, data.train, data.validation, {
    ...INFERNO_DEFAULTS,
    epochs: 1,
    patience: 0,
    benchmark: bm,
    seed: 1,
    ctx: silentContext(),
  })
  r.net.dispose()
  return r.history.trainSeconds
}

/** Seconds of one validation pass as trainInferno runs it after each epoch. */
async function validationPass(): Promise<number> {
  const { tf, data } = ready()
  const st = fitStandardiser([data.train.signal, data.train.background])
  const net = buildTrunk(tf, INFERNO_DEFAULTS.hidden, INFERNO_DEFAULTS.bins, 1, INFERNO_DEFAULTS)
  const t0 = performance.now()
  const sh = summaryShapes(
    net,
    st,
    data.validation,
    shapeNuisances(bm),
    INFERNO_DEFAULTS.steps,
    (out) => softShape(out, INFERNO_DEFAULTS.bins, INFERNO_DEFAULTS.tau),
  )
  const loss = infernoLoss64(sh, bm, INFERNO_DEFAULTS.steps)
  const s = (performance.now() - t0) / 1000
  net.dispose()
  if (!Number.isFinite(loss)) throw new Error('the validation loss is not finite')
  return s
}

/** Seconds of one cross-entropy epoch at batch 32 over the 200 000 training events. */
async function bceEpoch(): Promise<number> {
  const { tf, data } = ready()
  const r = await trainBce(tf, data.train, data.validation, {
    ...BCE_DEFAULTS,
    batchSize: 32,
    epochs: 1,
    patience: 0,
    seed: 1,
    ctx: silentContext(),
  })
  r.net.dispose()
  return r.history.trainSeconds
}

function bench(name: string, n: number, run: () => Promise<number>, note: string): Bench {
  return {
    name,
    unit: 's',
    n,
    note,
    setup,
    run,
    get backend() {
      return backend
    },
  }
}

export const benches: Bench[] = [
  bench(
    'inferno-epoch',
    3,
    infernoEpoch,
    'B2, 200k events, batch 2000; PyTorch 1 thread 5.3–5.9 s',
  ),
  bench('inferno-validation', 3, validationPass, '200k events × 5 shapes; PyTorch 3.2 s'),
  bench('inferno-bce-epoch', 1, bceEpoch, 'cross entropy, 200k events, batch 32; PyTorch 2.55 s'),
]
