/**
 * The paper benchmark as a workbench job: per seed, INFERNO and the cross-entropy baseline
 * trained with their metrics streamed apart (metric-prefix.ts), evaluated on the test set; the
 * first seed's templates, profile scans and correlations are kept for display.
 */
import type * as TF from '@tensorflow/tfjs'
import type {
  InfernoBenchmarkConfig,
  InfernoBenchmarkResult,
  SummaryResult,
  SummaryTemplates,
} from '../../../../shared/contract/inferno'
import type { JobContext } from '../../jobs/context'
import { BENCHMARKS, type Benchmark } from './benchmarks'
import { median } from './benchmark-run'
import { type ShapeNuisance, type Steps, TEMPLATE_STEPS } from './fisher'
import { evaluateSummary, summaryWorkspace, type SummaryEvaluation } from './evaluate'
import { prefixedContext } from './metric-prefix'
import type { TrainingGate } from '../../jobs/context'
import { infernoCancelled } from './cancelled'
import { NOMINAL, benchmarkData } from './simulator'
import { profilePoi } from './summary-fit'
import {
  BCE_DEFAULTS,
  INFERNO_DEFAULTS,
  type TrainedNetwork,
  trainBce,
  trainInferno,
} from './train'
import { finiteOrNull } from '../../../../shared/contract/common'

const scaled = (v: Float64Array, k: number): number[] => Array.from(v, (x) => x * k)

/** Expected counts (s = 50, b = 1000) of the benchmark's summary histogram and variations. */
export function benchmarkTemplates(e: SummaryEvaluation, steps: Steps): SummaryTemplates {
  const sig = scaled(e.shapes.signal, NOMINAL.s)
  const total = (bkg: Float64Array): number[] => sig.map((s, j) => s + NOMINAL.b * bkg[j])
  const label: Record<ShapeNuisance, string> = {
    r: `r = ${NOMINAL.r} ± ${steps.r}`,
    lambda: `λ = ${NOMINAL.lambda} ± ${steps.lambda}`,
  }
  return {
    bins: sig.length,
    processes: [
      { name: 'signal', role: 'signal', nominal: sig },
      { name: 'background', role: 'background', nominal: scaled(e.shapes.background, NOMINAL.b) },
    ],
    variations: (Object.keys(e.shapes.up) as ShapeNuisance[]).map((v) => ({
      nuisance: v,
      label: label[v],
      up: total(e.shapes.up[v]!),
      down: total(e.shapes.down[v]!),
    })),
  }
}

function summaryResult(
  e: SummaryEvaluation,
  trained: TrainedNetwork,
  bm: Benchmark,
  steps: Steps,
): SummaryResult {
  return {
    kind: e.kind,
    sigmaFisher: finiteOrNull(e.sigmaFisher),
    profile: profilePoi(
      summaryWorkspace(e.shapes, bm, steps),
      { normsys: 'code4', histosys: 'code2' },
      NOMINAL.s,
    ),
    templates: benchmarkTemplates(e, steps),
    history: { loss: trained.history.history.loss, val_loss: trained.history.history.val_loss },
    epochs: trained.history.epochs,
    workspace: summaryWorkspace(e.shapes, bm, steps),
  }
}

export async function benchmarkJob(
  tf: typeof TF,
  backend: string,
  config: InfernoBenchmarkConfig,
  ctx: JobContext,
  gate?: TrainingGate,
): Promise<InfernoBenchmarkResult> {
  const t0 = performance.now()
  const bm = BENCHMARKS[config.benchmark]
  ctx.progress(0, 'simulating events')
  const data = benchmarkData(config.dataSeed, config.trainEvents, config.testEvents)
  const seeds: InfernoBenchmarkResult['seeds'] = []
  let detail: InfernoBenchmarkResult['detail'] | null = null
  const perEpoch = { inferno: [] as number[], bce: [] as number[] }
  for (let i = 0; i < config.seeds; i++) {
    ctx.throwIfCancelled()
    const seed = 777 + i
    const step = (k: number) => (i + k / 2) / config.seeds
    ctx.progress(step(0), `seed ${i + 1}/${config.seeds}: INFERNO`)
    const inf = await trainInferno(tf, data.train, data.validation, {
      hidden: INFERNO_DEFAULTS.hidden,
      bins: config.bins,
      tau: config.tau,
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      batchSize: config.batchSize,
      epochs: config.epochs,
      patience: config.patience,
      steps: INFERNO_DEFAULTS.steps,
      benchmark: bm,
      seed,
      ctx: prefixedContext(ctx, 'inferno', i * config.epochs),
      gate,
    })
    if (ctx.signal.aborted) {
      inf.net.dispose()
      throw infernoCancelled('inferno', inf.history, { seeds })
    }
    ctx.progress(step(1), `seed ${i + 1}/${config.seeds}: cross entropy`)
    const bce = await trainBce(tf, data.train, data.validation, {
      ...BCE_DEFAULTS,
      epochs: config.bceEpochs,
      patience: config.patience,
      seed,
      ctx: prefixedContext(ctx, 'bce', i * config.bceEpochs),
      gate,
    })
    if (ctx.signal.aborted) {
      for (const t of [inf, bce]) t.net.dispose()
      throw infernoCancelled('bce', bce.history, { seeds })
    }
    const steps = TEMPLATE_STEPS
    const ie = evaluateSummary(inf, 'inferno', config.bins, data.test, bm, steps)
    const be = evaluateSummary(bce, 'bce', 10, data.test, bm, steps)
    seeds.push({
      seed,
      inferno: finiteOrNull(ie.profile.sigmaS),
      bce: finiteOrNull(be.profile.sigmaS),
      infernoFisher: finiteOrNull(ie.sigmaFisher),
      bceFisher: finiteOrNull(be.sigmaFisher),
    })
    if (!detail)
      detail = {
        inferno: summaryResult(ie, inf, bm, steps),
        bce: summaryResult(be, bce, bm, steps),
      }
    perEpoch.inferno.push(inf.history.trainSeconds / Math.max(inf.history.epochs, 1))
    perEpoch.bce.push(bce.history.trainSeconds / Math.max(bce.history.epochs, 1))
    inf.net.dispose()
    bce.net.dispose()
  }
  const med = (xs: (number | null)[]) => finiteOrNull(median(xs.map((x) => x ?? NaN)))
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1)
  return {
    config,
    benchmark: { name: bm.name, description: bm.description, paper: { ...bm.paper } },
    seeds,
    median: { inferno: med(seeds.map((s) => s.inferno)), bce: med(seeds.map((s) => s.bce)) },
    detail: detail!,
    seconds_per_epoch: { inferno: mean(perEpoch.inferno), bce: mean(perEpoch.bce) },
    backend,
    seconds: (performance.now() - t0) / 1000,
  }
}
