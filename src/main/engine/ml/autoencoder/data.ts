/**
 * The data set of an anomaly search: background events split into training and validation
 * parts (seeded, per event from its global index: split.ts), every signal event in the test part (scored,
 * never trained on). Missing values are replaced by the mean over the background training
 * events only, or their events dropped, so nothing about the signal reaches the model.
 * Training weights are the physical ones normalised as the setup asks (ml/build-dataset.ts).
 */
import type { AnomalySetup } from '../../../../shared/contract/anomaly'
import {
  TrainingDataError,
  imputeMeans,
  trainingMeans,
  trainingWeights,
  type SelectedEvents,
} from '../build-dataset'
import { PART, type TrainingData } from '../dataset'
import { backgroundPart } from './split'

export interface AnomalyData {
  readonly data: TrainingData
  readonly warnings: string[]
}

export function anomalyTrainingData(
  samples: readonly SelectedEvents[],
  setup: Pick<AnomalySetup, 'inputs' | 'weights' | 'split' | 'missing'>,
): AnomalyData {
  const d = setup.inputs.length
  const warnings: string[] = []
  const sentinels = new Set(setup.missing.values)
  const missing = (v: number) => !Number.isFinite(v) || sentinels.has(v)
  const drop = setup.missing.policy === 'drop'
  const keep = (s: SelectedEvents, i: number) => !drop || !s.columns.some((c) => missing(c[i]))

  let n = 0
  for (const s of samples) for (let i = 0; i < s.weight.length; i++) if (keep(s, i)) n++
  const dropped = samples.reduce((a, s) => a + s.weight.length, 0) - n
  if (dropped) warnings.push(`${dropped} events with a missing input value were left out`)

  const x = new Float64Array(n * d)
  const y = new Uint8Array(n)
  const weight = new Float64Array(n)
  const sample = new Uint16Array(n)
  const part = new Uint8Array(n)
  // Global index of each selected background event, dropped ones counted too (as when streamed).
  let g = 0
  let r = 0
  samples.forEach((s, si) => {
    for (let i = 0; i < s.weight.length; i++) {
      const index = s.role === 'signal' ? -1 : g++
      if (!keep(s, i)) continue
      for (let j = 0; j < d; j++) x[r * d + j] = s.columns[j][i]
      y[r] = s.role === 'signal' ? 1 : 0
      weight[r] = s.weight[i]
      sample[r] = si
      part[r] = y[r] ? PART.test : backgroundPart(setup.split.seed, setup.split.validation, index)
      r++
    }
  })
  for (const [si, s] of samples.entries())
    if (!sample.some((v) => v === si) && s.role === 'background')
      warnings.push(`background sample '${s.name}' has no events after the cuts`)
  let trainCount = 0
  for (let i = 0; i < n; i++) if (part[i] === PART.train) trainCount++
  if (trainCount === 0)
    throw new TrainingDataError(
      'no background events to train on: check the background samples and the region',
    )
  if (!y.some((v) => v === 1))
    throw new TrainingDataError('no signal events to score: check the signal samples and cuts')

  // Missing values: the mean of the input's defined values over the training part, which holds
  // background events only.
  const isMissing = Uint8Array.from(x, (v) => (missing(v) ? 1 : 0))
  const means = trainingMeans(x, d, n, isMissing, part)
  imputeMeans(x, d, n, isMissing, means, setup.inputs, warnings, 'background training mean')
  if (weight.some((v) => v < 0))
    warnings.push(
      setup.weights.negative === 'ignore'
        ? 'events with negative weights get weight 0 in training (kept in evaluation)'
        : 'some events have negative weights; they enter the training loss as they are',
    )
  const w = trainingWeights(y, weight, part, setup.weights)
  return {
    data: {
      inputs: [...setup.inputs],
      n,
      d,
      x,
      y,
      w,
      weight,
      part,
      sample,
      samples: samples.map((s) => ({ name: s.name, role: s.role })),
    },
    warnings,
  }
}
