/**
 * One-click studies on a finished benchmark run (issue 7, seed 001 §4.4): the expected
 * uncertainty on s (half the 68% profile-likelihood interval on the test set) as a function of
 * the number of bins, the softmax temperature τ or the fraction of training data used. Each point
 * retrains INFERNO with the run's settings (seed 777, the run's data) except the studied one, for
 * the study's (usually fewer) epochs. The cross-entropy baseline: for bins one training binned
 * each way (its bins are uniform in the output), for the fraction retrained on the same subset,
 * for τ not applicable (no temperature).
 */
import type * as TF from '@tensorflow/tfjs'
import {
  type InfernoBenchmarkConfig,
  type InfernoStudyConfig,
  type InfernoStudyResult,
  STUDY_VALUES,
} from '../../../../shared/contract/inferno'
import type { JobContext } from '../../jobs/context'
import { BENCHMARKS } from './benchmarks'
import { evaluateSummary } from './evaluate'
import { TEMPLATE_STEPS } from './fisher'
import type { TrainingGate } from '../../jobs/context'
import { DIM, type ProcessSamples, benchmarkData } from './simulator'
import {
  BCE_DEFAULTS,
  INFERNO_DEFAULTS,
  type TrainedNetwork,
  trainBce,
  trainInferno,
} from './train'
import { finiteOrNull } from '../../../../shared/contract/common'

const SEED = 777

/** The first ⌈fraction · n⌉ events of each process (the simulated events are i.i.d.). */
export function trainingFraction(part: ProcessSamples, fraction: number): ProcessSamples {
  const take = (x: Float32Array) =>
    x.subarray(0, Math.max(1, Math.ceil((fraction * x.length) / DIM)) * DIM)
  return { signal: take(part.signal), background: take(part.background) }
}

/** Training progress goes to the study's own progress; per-epoch metrics are not streamed. */
export function quietContext(ctx: JobContext): JobContext {
  return {
    signal: ctx.signal,
    progress: () => {},
    metric: () => {},
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
    gate: ctx.gate,
  }
}

/** The points of a study on the benchmark run whose settings are `base`. */
export async function benchmarkStudy(
  tf: typeof TF,
  base: InfernoBenchmarkConfig,
  config: InfernoStudyConfig,
  ctx: JobContext,
  gate?: TrainingGate,
): Promise<InfernoStudyResult['points']> {
  const bm = BENCHMARKS[base.benchmark]
  const values = config.values ?? STUDY_VALUES[config.parameter]
  ctx.progress(0, 'simulating events')
  const data = benchmarkData(base.dataSeed, base.trainEvents, base.testEvents)
  const inner = quietContext(ctx)
  const bce = (train: ProcessSamples) =>
    trainBce(tf, train, data.validation, {
      ...BCE_DEFAULTS,
      epochs: config.bceEpochs,
      patience: base.patience,
      seed: SEED,
      ctx: inner,
      gate,
    })
  const sigma = (t: TrainedNetwork, kind: 'inferno' | 'bce', bins: number) =>
    finiteOrNull(evaluateSummary(t, kind, bins, data.test, bm, TEMPLATE_STEPS).profile.sigmaS)

  let bceOnce: TrainedNetwork | null = null
  const points: InfernoStudyResult['points'] = []
  try {
    if (config.parameter === 'bins') {
      ctx.progress(0, 'cross entropy')
      bceOnce = await bce(data.train)
      ctx.throwIfCancelled()
    }
    for (const [i, v] of values.entries()) {
      ctx.throwIfCancelled()
      ctx.progress(i / values.length, `${config.parameter} = ${v} (${i + 1}/${values.length})`)
      const train = config.parameter === 'fraction' ? trainingFraction(data.train, v) : data.train
      const bins = config.parameter === 'bins' ? v : base.bins
      const inf = await trainInferno(tf, train, data.validation, {
        hidden: INFERNO_DEFAULTS.hidden,
        bins,
        tau: config.parameter === 'tau' ? v : base.tau,
        optimizer: base.optimizer,
        learningRate: base.learningRate,
        batchSize: base.batchSize,
        epochs: config.epochs,
        patience: base.patience,
        steps: INFERNO_DEFAULTS.steps,
        benchmark: bm,
        seed: SEED,
        ctx: inner,
        gate,
      })
      try {
        ctx.throwIfCancelled()
        let b: number | null = null
        if (bceOnce) b = sigma(bceOnce, 'bce', bins)
        else if (config.parameter === 'fraction') {
          const t = await bce(train)
          try {
            ctx.throwIfCancelled()
            b = sigma(t, 'bce', 10)
          } finally {
            t.net.dispose()
          }
        }
        const point = { value: v, inferno: sigma(inf, 'inferno', bins), bce: b }
        points.push(point)
        // Each finished point streams too, so a long study shows its curve as it grows.
        if (point.inferno !== null) ctx.metric('study.inferno', i, point.inferno)
        if (point.bce !== null) ctx.metric('study.bce', i, point.bce)
      } finally {
        inf.net.dispose()
      }
    }
  } finally {
    bceOnce?.net.dispose()
  }
  return points
}
