/**
 * One-click studies on a finished project-samples run: σ of the signal strength μ (half the 68%
 * profile-likelihood interval of the test-part summary) against the number of bins, τ or the
 * fraction of the training part used, retraining INFERNO with the run's settings except the
 * studied one; the cross-entropy baseline as the benchmark study does (bins: trained once and
 * binned each way; fraction: retrained on the subset; τ: not applicable).
 */
import type * as TF from '@tensorflow/tfjs'
import {
  type InfernoProjectConfig,
  type InfernoStudyResult,
  type StudyParameter,
} from '../../../../shared/contract/inferno'
import { Random } from '../../data/random'
import type { JobContext } from '../../jobs/context'
import type { TrainingGate } from '../../jobs/context'
import { PARTS, type ProjectEvents } from './project-data'
import { evaluateProjectSummary } from './project-evaluate'
import { type ProjectNetwork, trainProjectBce, trainProjectInferno } from './project-model'
import { quietContext } from './study-job'

/**
 * The events with only `fraction` of the training part kept (the rest leaves every part), the
 * kept training events' weights scaled per sample so each sample's training yield is unchanged
 * (the loss is the expected variance at the full yields, as without the study).
 */
export function withTrainingFraction(
  ev: ProjectEvents,
  fraction: number,
  seed: number,
): ProjectEvents {
  const rng = new Random(seed * 7919 + 3)
  const part = Uint8Array.from(ev.part)
  const weight = Float64Array.from(ev.weight)
  // Per sample, and per variation sample apart from its nominal one.
  const key = (i: number): number => ev.sample[i] * 65536 + ev.variation[i] + 32768
  const before = new Map<number, number>()
  const after = new Map<number, number>()
  const DROPPED = 255
  for (let i = 0; i < part.length; i++) {
    if (part[i] !== PARTS.train) continue
    const k = key(i)
    before.set(k, (before.get(k) ?? 0) + weight[i])
    if (rng.uniform() < fraction) after.set(k, (after.get(k) ?? 0) + weight[i])
    else part[i] = DROPPED
  }
  for (let i = 0; i < part.length; i++) {
    if (part[i] !== PARTS.train) continue
    const a = after.get(key(i)) ?? 0
    if (a !== 0) weight[i] *= (before.get(key(i)) ?? 0) / a
  }
  return { ...ev, part, weight }
}

export async function projectStudy(
  tf: typeof TF,
  ev: ProjectEvents,
  config: InfernoProjectConfig,
  parameter: StudyParameter,
  values: readonly number[],
  epochs: { inferno: number; bce: number },
  ctx: JobContext,
  gate?: TrainingGate,
): Promise<InfernoStudyResult['points']> {
  const o = config.options
  const base = {
    ...o,
    hidden: o.layers,
    epochs: epochs.inferno,
    bceEpochs: epochs.bce,
  }
  const inner = quietContext(ctx)
  const sigma = (e: ProjectEvents, net: ProjectNetwork, kind: 'inferno' | 'bce', bins: number) =>
    evaluateProjectSummary(e, net, kind, bins, o.orderBySb).profile.sigma
  let bceOnce: ProjectNetwork | null = null
  const points: InfernoStudyResult['points'] = []
  try {
    if (parameter === 'bins') {
      ctx.progress(0, 'cross entropy')
      bceOnce = await trainProjectBce(tf, ev, base, inner, gate)
      ctx.throwIfCancelled()
    }
    for (const [i, v] of values.entries()) {
      ctx.throwIfCancelled()
      ctx.progress(i / values.length, `${parameter} = ${v} (${i + 1}/${values.length})`)
      const e = parameter === 'fraction' ? withTrainingFraction(ev, v, o.seed) : ev
      const bins = parameter === 'bins' ? v : o.bins
      const opts = { ...base, bins, tau: parameter === 'tau' ? v : o.tau }
      const inf = await trainProjectInferno(tf, e, opts, inner, gate)
      try {
        ctx.throwIfCancelled()
        let b: number | null = null
        if (bceOnce) b = sigma(ev, bceOnce, 'bce', bins)
        else if (parameter === 'fraction') {
          const t = await trainProjectBce(tf, e, opts, inner, gate)
          try {
            ctx.throwIfCancelled()
            b = sigma(e, t, 'bce', 10)
          } finally {
            t.net.dispose()
          }
        }
        const point = { value: v, inferno: sigma(e, inf, 'inferno', bins), bce: b }
        points.push(point)
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
