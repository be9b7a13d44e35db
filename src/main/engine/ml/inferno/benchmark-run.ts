/**
 * Runs of the paper benchmark: simulate the data once (fixed data seed), then for each seed train
 * the cross-entropy baseline and INFERNO for each chosen benchmark from a fresh initialisation
 * (seed 777 + i as the paper's scripts), evaluate both on the test set and collect σ_s.
 */
import type * as TF from '@tensorflow/tfjs'
import { silentContext, type JobContext } from '../../jobs/context'
import type { Benchmark, BenchmarkName } from './benchmarks'
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
  /** One or more benchmarks: INFERNO is trained for each, the cross entropy once per seed. */
  readonly benchmarks: readonly Benchmark[]
  readonly seeds: number
  readonly dataSeed: number
  /** Training events (half signal); the validation set has as many. */
  readonly trainEvents: number
  readonly testEvents: number
  readonly inferno: Omit<InfernoTrainOptions, 'benchmark' | 'seed' | 'ctx'>
  readonly bce: Omit<CommonTrainOptions, 'seed' | 'ctx'>
  /** Train only one of the two (the other's results stay empty). */
  readonly only?: 'inferno' | 'bce'
  readonly ctx?: JobContext
}

/** One trained network's test-set evaluation and timing. */
export interface TrainedResult {
  readonly evaluation: SummaryEvaluation
  readonly epochs: number
  /** Seconds per epoch in training only, and per validation pass. */
  readonly trainSeconds: number
  readonly validationSeconds: number
}

export interface SeedResult {
  readonly seed: number
  readonly benchmark: BenchmarkName
  readonly inferno: TrainedResult | null
  readonly bce: TrainedResult | null
}

function timing(h: TrainedNetwork['history']): { trainSeconds: number; validationSeconds: number } {
  const n = Math.max(h.epochs, 1)
  const total = h.history.seconds.reduce((a, b) => a + b, 0)
  return { trainSeconds: h.trainSeconds / n, validationSeconds: (total - h.trainSeconds) / n }
}

/**
 * Runs the seeds one after the other; for each, the cross-entropy network (trained once: it does
 * not depend on the benchmark) and INFERNO per benchmark. `onResult` sees each (seed, benchmark)
 * result as it is ready; the results come in that order.
 */
export async function runBenchmark(
  tf: typeof TF,
  o: BenchmarkRunOptions,
  onResult?: (r: SeedResult) => void,
): Promise<SeedResult[]> {
  const ctx = o.ctx ?? silentContext()
  const data = benchmarkData(o.dataSeed, o.trainEvents, o.testEvents)
  const out: SeedResult[] = []
  const steps = o.seeds * o.benchmarks.length
  for (let i = 0; i < o.seeds; i++) {
    ctx.throwIfCancelled()
    const seed = 777 + i
    const bce =
      o.only === 'inferno'
        ? null
        : await trainBce(tf, data.train, data.validation, { ...o.bce, seed, ctx })
    try {
      for (const bm of o.benchmarks) {
        let inferno: TrainedResult | null = null
        if (o.only !== 'bce') {
          const inf = await trainInferno(tf, data.train, data.validation, {
            ...o.inferno,
            benchmark: bm,
            seed,
            ctx,
          })
          inferno = {
            evaluation: evaluateSummary(
              inf,
              'inferno',
              o.inferno.bins,
              data.test,
              bm,
              TEMPLATE_STEPS,
            ),
            epochs: inf.history.epochs,
            ...timing(inf.history),
          }
          inf.net.dispose()
        }
        const r: SeedResult = {
          seed,
          benchmark: bm.name,
          inferno,
          bce: bce && {
            evaluation: evaluateSummary(bce, 'bce', 10, data.test, bm, TEMPLATE_STEPS),
            epochs: bce.history.epochs,
            ...timing(bce.history),
          },
        }
        out.push(r)
        onResult?.(r)
        ctx.progress(out.length / steps, `seed ${i + 1}/${o.seeds}, ${bm.name}`)
      }
    } finally {
      bce?.net.dispose()
    }
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
