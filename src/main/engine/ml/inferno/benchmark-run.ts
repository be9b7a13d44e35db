/**
 * One run of the paper benchmark: simulate the data once (fixed data seed), then for each seed
 * train INFERNO for the benchmark and the cross-entropy baseline from a fresh initialisation
 * (seed 777 + i as the paper's scripts), evaluate both on the test set and collect σ_s.
 */
import type * as TF from '@tensorflow/tfjs'
import { silentContext, type JobContext } from '../../jobs/context'
import type { Benchmark } from './benchmarks'
import { TEMPLATE_STEPS } from './fisher'
import { evaluateSummary, type SummaryEvaluation } from './evaluate'
import { benchmarkData } from './simulator'
import {
  type CommonTrainOptions,
  type InfernoTrainOptions,
  type TrainedNetwork,
  trainBce,
  trainInferno,
} from './train'

export interface BenchmarkRunOptions {
  readonly benchmark: Benchmark
  readonly seeds: number
  readonly dataSeed: number
  /** Training events (half signal); the validation set has as many. */
  readonly trainEvents: number
  readonly testEvents: number
  readonly inferno: Omit<InfernoTrainOptions, 'benchmark' | 'seed' | 'ctx'>
  readonly bce: Omit<CommonTrainOptions, 'seed' | 'ctx'>
  readonly ctx?: JobContext
}

export interface SeedResult {
  readonly seed: number
  readonly inferno: SummaryEvaluation
  readonly bce: SummaryEvaluation
  readonly infernoEpochs: number
  readonly bceEpochs: number
  /** Seconds per epoch in training only, and per validation pass. */
  readonly infernoTrainSeconds: number
  readonly infernoValidationSeconds: number
  readonly bceTrainSeconds: number
  readonly bceValidationSeconds: number
}

function timing(h: TrainedNetwork['history']): { train: number; validation: number } {
  const n = Math.max(h.epochs, 1)
  const total = h.history.seconds.reduce((a, b) => a + b, 0)
  return { train: h.trainSeconds / n, validation: (total - h.trainSeconds) / n }
}

function dispose(t: TrainedNetwork): void {
  t.net.dispose()
}

/** Runs the seeds one after the other; `onSeed` sees each result as it is ready. */
export async function runBenchmark(
  tf: typeof TF,
  o: BenchmarkRunOptions,
  onSeed?: (r: SeedResult) => void,
): Promise<SeedResult[]> {
  const ctx = o.ctx ?? silentContext()
  const data = benchmarkData(o.dataSeed, o.trainEvents, o.testEvents)
  const out: SeedResult[] = []
  for (let i = 0; i < o.seeds; i++) {
    ctx.throwIfCancelled()
    const seed = 777 + i
    const inf = await trainInferno(tf, data.train, data.validation, {
      ...o.inferno,
      benchmark: o.benchmark,
      seed,
      ctx,
    })
    const infEval = evaluateSummary(
      inf,
      'inferno',
      o.inferno.bins,
      data.test,
      o.benchmark,
      TEMPLATE_STEPS,
    )
    const bce = await trainBce(tf, data.train, data.validation, { ...o.bce, seed, ctx })
    const bceEval = evaluateSummary(bce, 'bce', 10, data.test, o.benchmark, TEMPLATE_STEPS)
    const ti = timing(inf.history)
    const tb = timing(bce.history)
    const r: SeedResult = {
      seed,
      inferno: infEval,
      bce: bceEval,
      infernoEpochs: inf.history.epochs,
      bceEpochs: bce.history.epochs,
      infernoTrainSeconds: ti.train,
      infernoValidationSeconds: ti.validation,
      bceTrainSeconds: tb.train,
      bceValidationSeconds: tb.validation,
    }
    dispose(inf)
    dispose(bce)
    out.push(r)
    onSeed?.(r)
    ctx.progress((i + 1) / o.seeds, `seed ${i + 1}/${o.seeds}`)
  }
  return out
}

/** Median of finite values (NaN when none). */
export function median(xs: readonly number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (!s.length) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m])
}
